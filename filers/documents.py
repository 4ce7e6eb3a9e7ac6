"""The two pre-filled PDF templates of 主体信息 (ENT-02, ENT-03).

The filer downloads each one filled in with the entity's data, prints it, has it signed
and stamped (加盖公章), scans it and uploads the scan as an attachment. The documents are
official Chinese papers: they are rendered in Chinese whatever the user's language.

HTML from Django templates, laid out by WeasyPrint on A4 with the system's Noto CJK
fonts (embedded and subset in the PDF). Nothing is fetched from the network: the
templates reference no external resource and the URL fetcher only allows local files.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import weasyprint
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from beian.regions import region_name, regions

logger = logging.getLogger(__name__)

# Local files only (a stylesheet or image placed next to the templates); never the network.
_ALLOWED_PROTOCOLS = frozenset({"file", "data"})


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    guidance: str
    lines: int  # ruled lines left for the entity to write on

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


# ENT-03: the systems an entity must have in place to carry its algorithm-security
# responsibility (《互联网信息服务算法推荐管理规定》第七条至第十条、第二十四条等).
RESPONSIBILITY_SECTIONS: tuple[Section, ...] = (
    Section(
        "一",
        "算法安全管理制度总体情况",
        "简要说明本单位建立的算法安全管理制度体系，包括算法机制机理审核、科技伦理审查、用户注册、"
        "信息发布审核、数据安全和个人信息保护、反电信网络诈骗等制度的名称、印发（修订）时间和主要内容；"
        "负责算法安全工作的机构设置、职责分工及制度落实情况。",
        6,
    ),
    Section(
        "二",
        "算法安全自评估制度",
        "说明算法安全自评估的组织方式、评估周期和启动情形（如上线新算法、算法机制机理或应用场景发生重大调整），"
        "评估内容（算法数据、算法模型、干预策略、算法应用结果、用户权益保护等）、评估结论的运用和记录留存方式，"
        "以及最近一次自评估的时间和主要结论。",
        5,
    ),
    Section(
        "三",
        "算法安全检测制度",
        "说明定期审核、评估、验证算法机制机理、模型、数据和应用结果的安排，包括安全检测的频次、方法和工具，"
        "是否委托第三方检测机构，发现问题后的整改和复测流程；防范诱导用户沉迷或者过度消费、操纵榜单或者检索结果、"
        "屏蔽信息、过度推荐等风险的技术措施。",
        5,
    ),
    Section(
        "四",
        "算法安全事件应急处置制度",
        "说明算法安全事件的分级分类标准、应急预案、处置流程和责任人，向网信部门及有关主管部门报告的时限和渠道，"
        "应急演练的开展情况，以及事件处置后的复盘和改进机制。",
        4,
    ),
    Section(
        "五",
        "算法违法违规处置制度",
        "说明发现违法和不良信息，或者发现利用算法虚假注册账号、非法交易账号、操纵用户账号、虚假点赞转发等违法违规行为时"
        "采取的处置措施（停止传输、消除、防止扩散、保存有关记录、向有关主管部门报告等），"
        "以及用户申诉、投诉举报的受理、处理和反馈机制。",
        4,
    ),
    Section(
        "六",
        "算法安全专职人员配备情况",
        "说明算法安全专职人员的数量、所在部门、岗位职责、专业背景及培训考核情况，人员配备与算法服务规模相适应的情况；"
        "算法安全责任人的职责和履职保障。",
        3,
    ),
    Section(
        "七",
        "其他需要说明的情况",
        "说明其他能够反映本单位落实算法安全主体责任的情况，如用户权益保护措施（提供不针对个人特征的选项、"
        "便捷关闭算法推荐服务等）、取得的相关认证等；没有的，填写“无”。",
        3,
    ),
)


def _text(value) -> str:
    """A field as printed: blank (never "None") when the draft leaves it empty."""
    return "" if value is None else str(value).strip()


def _display(entity, field: str) -> str:
    """The label of a choice field, or "" when the field is blank or absent."""
    getter = getattr(entity, f"get_{field}_display", None)
    if getter is None or not getattr(entity, field, ""):
        return ""
    return _text(getter())


def _entity_context(entity) -> dict[str, str]:
    """Everything the templates print about the entity, as strings ("" when blank)."""
    code = _text(getattr(entity, "region_code", ""))
    region = region_name(code) if code else ""
    province = regions().get(code[:2] + "0000") if len(code) == 6 else None
    address = _text(getattr(entity, "address", ""))
    return {
        "name": _text(entity.name),
        "uscc": _text(entity.uscc),
        "entity_type": _display(entity, "entity_type"),
        "region": region,
        "province": province.name if province else "",
        "address": address,
        # 注册地: the division's name, then the street address (which may repeat it).
        "registered_place": address if region and address.startswith(region) else region + address,
        "industry": _display(entity, "industry"),
        "legal_rep_name": _text(getattr(entity, "legal_rep_name", "")),
        "officer_name": _text(getattr(entity, "officer_name", "")),
        "officer_position": _text(getattr(entity, "officer_position", "")),
        "officer_mobile": _text(getattr(entity, "officer_mobile", "")),
        "officer_email": _text(getattr(entity, "officer_email", "")),
        "website": _text(getattr(entity, "website", "")),
        "icp_kind": _display(entity, "icp_kind"),
        "icp_number": _text(getattr(entity, "icp_number", "")),
        "contact_name": _text(getattr(entity, "contact_name", "")),
        "contact_mobile": _text(getattr(entity, "contact_mobile", "")),
        "contact_email": _text(getattr(entity, "contact_email", "")),
    }


# A laid-out PDF is kept this long, keyed by the digest of its HTML (issue 17): a template downloaded
# again, by the same filer or by many readers of a list, is laid out once while nothing in it changed.
PDF_CACHE_SECONDS = 7 * 24 * 3600


def _render(template_name: str, context: dict) -> bytes:
    """The template laid out as a PDF, from the cache when the same HTML was laid out before.

    The key is the HTML itself (its digest), not the ids and timestamps of what fed it: whatever the
    page shows (the entity, the filing, a region's name, the template, the day a list was made) changes
    the key, and nothing else does. Rendering the HTML costs milliseconds; laying it out, 0.3 to 3 s."""
    html = render_to_string(template_name, context)
    digest = hashlib.sha256(f"{weasyprint.__version__}\x1f{template_name}\x1f{html}".encode())
    key = f"pdf:{digest.hexdigest()}"
    try:
        pdf = cache.get(key)
    except Exception:  # a cache that is down costs a layout, never the download
        logger.warning("PDF cache unavailable", exc_info=True)
        pdf = None
    if pdf is None:
        pdf = _layout(html)
        try:
            cache.set(key, pdf, PDF_CACHE_SECONDS)
        except Exception:
            logger.warning("PDF cache unavailable", exc_info=True)
    return pdf


def _layout(html: str) -> bytes:
    document = weasyprint.HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "templates" / "filers" / "pdf") + "/",
        # A fetcher per document: URLFetcher keeps per-request state, so it is not shared across threads.
        url_fetcher=weasyprint.URLFetcher(allowed_protocols=_ALLOWED_PROTOCOLS, timeout=5),
    )
    return document.write_pdf()


def commitment_letter_pdf(*, entity) -> bytes:
    """《算法备案承诺书》 pre-filled with the entity's name and USCC (ENT-02)."""
    with translation.override("zh-hans"):  # choice labels too, whatever the user's language
        context = {"e": _entity_context(entity)}
        return _render("filers/pdf/commitment_letter.html", context)


def responsibility_statement_pdf(*, entity) -> bytes:
    """《落实算法安全主体责任基本情况》 pre-filled with the entity's data (ENT-02, ENT-03)."""
    with translation.override("zh-hans"):
        context = {
            "e": _entity_context(entity),
            "sections": [{"section": s, "lines": range(s.lines)} for s in RESPONSIBILITY_SECTIONS],
        }
        return _render("filers/pdf/responsibility_statement.html", context)
