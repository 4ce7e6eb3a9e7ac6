"""Data: the working copies whose 所属行业 is the made-up "Z" (其他行业) move to a GB/T 4754-2017 section.

A 事业单位 or 社会团体 belongs to S (公共管理、社会保障和社会组织); for any other entity no section can be
told from "Z", so the industry is left blank and the filer picks it again: 主体信息 names it as missing at
the next submission. Revisions already submitted or approved are records and keep what they say.
Backwards, S and blank are not turned back into "Z" (that would move entities that chose S themselves)."""

from django.db import migrations
from django.db.models import F

PUBLIC_BODIES = ("institution", "organisation")


def industry_z_to_section(apps, schema_editor):
    Entity = apps.get_model("filers", "Entity")
    # The version moves too (REL-03): a page opened before this saw "Z" and must not save over the change.
    moved = Entity.objects.filter(industry="Z")
    moved.filter(entity_type__in=PUBLIC_BODIES).update(industry="S", version=F("version") + 1)
    moved.update(industry="", version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("filers", "0010_industry_all_gbt4754_sections"),
    ]

    operations = [
        migrations.RunPython(industry_z_to_section, migrations.RunPython.noop),
    ]
