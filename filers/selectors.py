from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beian.regions import region_name

from .models import Entity
from .validators import mask_id, mask_mobile

DISPLAY_SECTIONS = (
    (_("主体基本信息"), ("name", "entity_type", "region_code", "address", "industry", "website")),
    (_("证件信息"), ("certificate_type", "uscc", "certificate_valid_from", "certificate_valid_to")),
    (
        _("法定代表人信息"),
        ("legal_rep_name", "legal_rep_id_type", "legal_rep_id_number", "legal_rep_mobile", "legal_rep_email"),
    ),
    (
        _("算法安全责任人信息"),
        (
            "officer_name",
            "officer_position",
            "officer_id_type",
            "officer_id_number",
            "officer_mobile",
            "officer_email",
        ),
    ),
    (_("联系人信息"), ("contact_name", "contact_mobile", "contact_email")),
    (_("ICP备案或许可"), ("icp_kind", "icp_number")),
)
MASK_ID = {"legal_rep_id_number", "officer_id_number"}
MASK_MOBILE = {"legal_rep_mobile", "officer_mobile", "contact_mobile"}


def entity_display_sections(
    *, entity: Entity, masked: bool = True
) -> list[tuple[str, list[tuple[str, str]]]]:
    """主体信息 as (section, [(label, text)]) for read-only pages; personal numbers masked unless asked."""
    sections = []
    for title, names in DISPLAY_SECTIONS:
        rows = []
        for name in names:
            field = Entity._meta.get_field(name)
            value = getattr(entity, name)
            if name == "region_code":
                text = region_name(value) if value else ""
            elif field.choices:
                text = getattr(entity, f"get_{name}_display")() if value else ""
            elif hasattr(value, "isoformat"):
                text = value.isoformat()
            else:
                text = value or ""
            if masked and name in MASK_ID:
                text = mask_id(text)
            elif masked and name in MASK_MOBILE:
                text = mask_mobile(text)
            if name == "certificate_valid_to" and not value and entity.certificate_valid_from:
                text = str(_("长期"))
            rows.append((str(field.verbose_name), text))
        sections.append((title, rows))
    return sections


def entity_attachments(*, entity: Entity) -> list[tuple[str, object]]:
    return [
        (str(Entity._meta.get_field(name).verbose_name), getattr(entity, name))
        for name in Entity.ATTACHMENT_FIELDS
    ]


def entity_review_context(entity: Entity, data: dict) -> dict:
    """The reviewer's view of submitted 主体信息: unmasked, as the revision holds it."""
    from datetime import date

    from .models import Attachment

    values = {}
    for field in Entity._meta.concrete_fields:
        if field.attname in data:
            value = data[field.attname]
            if field.get_internal_type() == "DateField" and value:
                value = date.fromisoformat(value)
            values[field.attname] = value
    shown = Entity(**values)
    ids = [data.get(f"{name}_id") for name in Entity.ATTACHMENT_FIELDS]
    attachments = Attachment.objects.in_bulk([i for i in ids if i])
    return {
        "sections": entity_display_sections(entity=shown, masked=False),
        "attachments": [
            (str(Entity._meta.get_field(name).verbose_name), attachments.get(data.get(f"{name}_id")))
            for name in Entity.ATTACHMENT_FIELDS
        ],
    }


def entity_field_label(path: str) -> str:
    """The label of an entity field in a revision (keyed by attname: 'commitment_letter_id')."""
    for field in Entity._meta.concrete_fields:
        if field.attname == path or field.name == path:
            return str(field.verbose_name)
    return path
