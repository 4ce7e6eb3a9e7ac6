"""PRC administrative divisions (GB/T 2260), from the county list python-stdnum ships.

python-stdnum keeps its cn/loc.dat up to date from the published code lists; we
read the entries still in force (those without an end year) and expose the
province → prefecture → county tree. The county code is the first six digits
of a filing number (NUM-02).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import stdnum
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_LOC_DAT = Path(stdnum.__file__).parent / "cn" / "loc.dat"
_ENTRY = re.compile(r'^(?P<indent>\s*)(?P<code>\d+)\s+(?P<kind>province|county)="(?P<name>[^"]*)"')
_SPAN = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\]")


# python-stdnum's list keeps the two special administrative regions in traditional characters; the
# portal's interface is simplified Chinese throughout.
_SIMPLIFIED = {"香港特別行政區": "香港特别行政区", "澳門特別行政區": "澳门特别行政区"}


# English names of the provincial divisions, shown beside the Chinese one when the page is in English
# (the Chinese name stays: it is the official one, and what filing records carry).
PROVINCE_ENGLISH = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
    "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu",
    "33": "Zhejiang", "34": "Anhui", "35": "Fujian", "36": "Jiangxi", "37": "Shandong",
    "41": "Henan", "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi",
    "46": "Hainan", "50": "Chongqing", "51": "Sichuan", "52": "Guizhou", "53": "Yunnan",
    "54": "Xizang", "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia",
    "65": "Xinjiang", "71": "Taiwan", "81": "Hong Kong", "82": "Macao",
}  # fmt: skip


def _english_page() -> bool:
    return not (get_language() or "zh-hans").startswith("zh")


@dataclass(frozen=True)
class Region:
    code: str  # six digits
    name: str

    @property
    def label(self) -> str:
        """The name as a menu shows it: '北京市', or on an English page 'Beijing (北京市)' for a province."""
        english = PROVINCE_ENGLISH.get(self.code[:2]) if self.level == "province" else None
        return f"{english} ({self.name})" if english and _english_page() else self.name

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "prefecture"
        return "county"


@cache
def regions() -> dict[str, Region]:
    """Every division in force, by six-digit code."""
    found: dict[str, Region] = {}
    province = ""
    for line in _LOC_DAT.read_text(encoding="utf-8").splitlines():
        m = _ENTRY.match(line)
        if not m:
            continue
        name = _SIMPLIFIED.get(m["name"], m["name"])
        if m["kind"] == "province":
            province = m["code"]
            found[province + "0000"] = Region(province + "0000", name)
            continue
        # History is kept as "[1983-1989]罗湖区办事处,[1990-]罗湖区": the last name is today's.
        name = name.split(",")[-1]
        span = _SPAN.match(name)
        if span:
            if span["end"]:  # abolished
                continue
            name = name[span.end() :]
        code = province + m["code"]
        if code.endswith("0000"):
            continue  # the province itself, already recorded
        found[code] = Region(code, name)
    return found


def provinces() -> list[Region]:
    return list(_provinces())


@cache
def _provinces() -> tuple[Region, ...]:
    """Found once: every reviewer's queue page offers them (issue 17: 3,500 divisions walked per page)."""
    return tuple(sorted((r for r in regions().values() if r.level == "province"), key=lambda r: r.code))


def province_code(code: str) -> str | None:
    """Normalise '11' or '110000' to '110000'; None when no such province."""
    code = (code or "").strip()
    if re.fullmatch(r"\d{2}", code):
        code += "0000"
    region = regions().get(code)
    return code if region and region.level == "province" else None


def region_name(code: str) -> str:
    """'北京市海淀区' for '110108': the names from province down, without 市辖区 fillers."""
    parts = []
    for prefix in (code[:2] + "0000", code[:4] + "00", code):
        r = regions().get(prefix)
        if r and r.name not in ("市辖区", "县", "省直辖县级行政区划") and (not parts or parts[-1] != r.name):
            parts.append(r.name)
    return "".join(dict.fromkeys(parts))


def office_name(province: str, *, short: bool = False) -> str:
    """The cyberspace office that reviews in `province` (a reviewer's province code; '' is the national
    office): '北京市互联网信息办公室', or with `short` '北京市网信办' — what the reviewers' header says and,
    in a filer's history, who acted (REV-01), rather than a reviewer's personal account."""
    if not province:
        return str(_("国家网信办") if short else _("国家互联网信息办公室"))
    code = province_code(province)
    if code is None:  # a code no province has: say it rather than pass for the national office
        return str(_("网信部门（%(code)s）") % {"code": province})
    name = regions()[code].name
    if _english_page():
        name = PROVINCE_ENGLISH.get(code[:2], name)
    if short:
        return str(_("%(province)s网信办") % {"province": name})
    return str(_("%(province)s互联网信息办公室") % {"province": name})


UNKNOWN_PROVINCE = _("未知的省份代码：应为两位或六位的省级行政区划代码，如11或110000。")


def province_parse(value: str) -> str:
    """A province filter, '11' or '110000', as the two-digit prefix filters take (SEC-05): a code that is
    no province is a ValidationError at its field."""
    code = province_code(value)
    if code is None:
        raise ValidationError(UNKNOWN_PROVINCE, code="invalid_choice")
    return code[:2]
