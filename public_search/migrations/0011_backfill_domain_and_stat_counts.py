"""STAT-01: fill PublicFiling.domain from each published filing's approved revision (one UPDATE), then
count (public_search.stats.stat_rebuild, GROUP BY)."""

from django.db import migrations
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Left


def backfill(apps, schema_editor):
    from public_search.stats import stat_rebuild

    PublicFiling = apps.get_model("public_search", "PublicFiling")
    Filing = apps.get_model("algorithms", "Filing")
    Revision = apps.get_model("review", "Revision")
    approved = Filing.objects.filter(pk=OuterRef(OuterRef("pk"))).values("approved_revision_id")[:1]
    domain = Revision.objects.filter(pk=Subquery(approved)).values(domain=KT("data__basic__domain"))[:1]
    PublicFiling.objects.update(domain=Left(Coalesce(Cast(Subquery(domain), CharField()), Value("")), 100))
    stat_rebuild(PublicFiling, apps.get_model("public_search", "StatCount"))


class Migration(migrations.Migration):
    dependencies = [
        ("public_search", "0010_public_filing_domain_and_stat_counts"),
        ("algorithms", "0008_public_disclosure_written_for_the_public"),
        ("review", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
