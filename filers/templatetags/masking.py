from django import template

from filers.validators import mask_id as _mask_id
from filers.validators import mask_mobile as _mask_mobile

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    """Personal data: ID numbers shown masked everywhere but the owner's form and the reviewer's detail."""
    return _mask_id(value or "")


@register.filter
def mask_mobile(value: str) -> str:
    return _mask_mobile(value or "")
