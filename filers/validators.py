"""Format checks of ACC-03, with messages that say which field and why, in the user's language.

The check characters come from python-stdnum (GB 32100-2015 for the USCC,
GB 11643 for the resident ID number).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_uscc(value: str) -> str:
    """ACC-03: 18 characters, digits and capitals (no I, O, S, V, Z), right check character."""
    try:
        return uscc.validate(value)
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)s位。"),
            code="uscc_length",
            params={"n": len(uscc.compact(value))},
        ) from exc
    except stdnum_errors.InvalidFormat as exc:
        raise ValidationError(
            _("统一社会信用代码格式不正确：前8位应为数字，其余为数字或大写字母（不含I、O、S、V、Z）。"),
            code="uscc_format",
        ) from exc
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("统一社会信用代码校验位（第18位）不正确，请核对后重新填写。"), code="uscc_checksum"
        ) from exc


def validate_resident_id(value: str, *, label: str = "") -> str:
    """ACC-03: a PRC resident ID number (GB 11643): 18 characters, a real birth date, right check digit."""
    field = label or _("身份证号码")
    try:
        return ric.validate(value)
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(_("%(field)s应为18位。"), code="ric_length", params={"field": field}) from exc
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(
            _("%(field)s校验位（第18位）不正确，请核对后重新填写。"),
            code="ric_checksum",
            params={"field": field},
        ) from exc
    except (stdnum_errors.InvalidComponent, stdnum_errors.InvalidFormat) as exc:
        raise ValidationError(
            _("%(field)s格式不正确：出生日期或地区码无效。"), code="ric_format", params={"field": field}
        ) from exc


def validate_mobile(value: str, *, label: str = "") -> str:
    """ACC-03: an 11-digit PRC mobile number starting 13–19."""
    compact = re.sub(r"[\s-]", "", value or "")
    if not MOBILE.match(compact):
        raise ValidationError(
            _("%(field)s应为11位中国大陆手机号码，以13至19开头。"),
            code="mobile",
            params={"field": label or _("手机号码")},
        )
    return compact


def validate_id_number(id_type: str, value: str, *, label: str) -> str:
    """A resident ID is checked digit by digit; a passport or permit number by length and characters."""
    from .models import IdType

    if id_type == IdType.RESIDENT_ID:
        return validate_resident_id(value, label=label)
    compact = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z0-9]{5,20}", compact):
        raise ValidationError(
            _("%(field)s应为5至20位字母或数字。"), code="id_format", params={"field": label}
        )
    return compact


def mask_id(value: str) -> str:
    """'110101199003071234' → '1101**********1234': first four and last four characters."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    """'13812345678' → '138****5678'."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# ICP numbers as MIIT issues them: 备案号 京ICP备12345678号(-1); 经营许可证 京B2-20201234 or the
# older 京ICP证030173号.
ICP_FILING = re.compile(r"^[\u4e00-\u9fff]ICP备\d{5,11}号(-\d{1,3})?$")
ICP_LICENCE = re.compile(r"^[\u4e00-\u9fff](B[12]-\d{8}|ICP证\d{5,8}号)$")


def validate_icp_number(kind: str, value: str) -> str:
    """ENT-01: the ICP proof's number, in the format of its kind (either kind when none is chosen)."""
    from .models import IcpKind

    compact = re.sub(r"\s", "", value or "").replace("－", "-").upper()
    patterns = {IcpKind.FILING: (ICP_FILING,), IcpKind.LICENCE: (ICP_LICENCE,)}.get(
        kind, (ICP_FILING, ICP_LICENCE)
    )
    if not any(p.match(compact) for p in patterns):
        if kind == IcpKind.LICENCE:
            message = _("ICP经营许可证编号格式不正确，应如“京B2-20201234”或“京ICP证030173号”。")
        else:
            message = _("ICP备案号格式不正确，应如“京ICP备12345678号”或“京ICP备12345678号-1”。")
        raise ValidationError(message, code="icp_number")
    return compact
