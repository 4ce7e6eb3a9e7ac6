"""The upload limit, told to the browser so that a file over it is refused at its field before it is sent
(static/js/upload_limit.js); the server's check (filers.uploads.upload_check) stays and says the same."""

from django import template
from django.utils.html import format_html

from filers.models import AttachmentKind
from filers.uploads import MAX_UPLOAD_BYTES, TOO_LARGE

register = template.Library()


@register.simple_tag
def upload_limit(kind: str):
    """`data-max-bytes` and the server's own message for an upload field of `kind`, its size left as
    "{size}" for the script to fill in as Django's filesizeformat writes it."""
    label = AttachmentKind(kind).label if kind in AttachmentKind.values else ""
    message = str(TOO_LARGE) % {"field": label, "size": "{size}"}
    return format_html('data-max-bytes="{}" data-too-large="{}"', MAX_UPLOAD_BYTES, message)
