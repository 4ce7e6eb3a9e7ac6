"""Upload checks: the type is read from the content (magic bytes), never from the name; 20 MB at most."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Said by the server and, before anything is sent, by static/js/upload_limit.js at the field (ALG-13).
TOO_LARGE = _("%(field)s文件过大（%(size)s），单个文件不能超过20 MB。")

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


def upload_check(uploaded, *, label: str, images_only: bool = False) -> str:
    """The content type of an accepted upload, or a ValidationError that names the field and the reason.
    `images_only` (a screenshot) refuses a PDF as it refuses any other content."""
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            TOO_LARGE, code="too_large", params={"field": label, "size": filesizeformat(uploaded.size)}
        )
    if uploaded.size == 0:
        raise ValidationError(_("%(field)s文件为空。"), code="empty", params={"field": label})
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("%(field)s只能上传PDF、JPG或PNG文件；所选文件“%(name)s”的内容不是这几种格式。"),
            code="bad_type",
            params={"field": label, "name": uploaded.name},
        )
    if images_only and content_type not in IMAGE_TYPES:
        raise ValidationError(
            _("%(field)s只能上传JPG或PNG图片；所选文件“%(name)s”不是图片。"),
            code="bad_type",
            params={"field": label, "name": uploaded.name},
        )
    return content_type
