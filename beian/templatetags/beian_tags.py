"""Template tags of the portal as a whole."""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def form_token():
    """REL-03: a hidden token that makes a second post of this page's create button answer with the first
    one's object (beian.concurrency.idempotent_create)."""
    return format_html('<input type="hidden" name="form_token" value="{}">', uuid.uuid4().hex)
