from django import template

from ..selectors import declared_summary

register = template.Library()


@register.simple_tag
def filing_summary(snapshot: dict) -> list[dict]:
    """`{% filing_summary s as steps %}`: a snapshot's declared fields for reading."""
    return declared_summary(snapshot)


@register.simple_tag
def disclosure_shown(disclosure: dict) -> list[tuple[str, str]]:
    """`{% disclosure_shown record.disclosure as shown %}`: a published 公示内容 as (heading, text)."""
    from ..declarations import disclosure_shown as shown

    return shown(disclosure)


@register.simple_tag
def public_view(snapshot: dict) -> list[tuple[str, str]]:
    """`{% public_view s as shown %}`: what this snapshot would publish, as the public page shows it
    (ALG-12)."""
    from ..declarations import disclosure_of, disclosure_shown

    return disclosure_shown(disclosure_of(snapshot))
