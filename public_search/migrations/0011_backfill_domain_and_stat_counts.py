"""STAT-01: fill PublicFiling.domain from each published filing's approved revision, then count."""

from django.db import migrations


def backfill(apps, schema_editor):
    from public_search.stats import stat_rebuild

    PublicFiling = apps.get_model("public_search", "PublicFiling")
    Filing = apps.get_model("algorithms", "Filing")
    published = Filing.objects.filter(public__isnull=False, approved_revision__isnull=False)
    for filing_id, data in published.values_list("pk", "approved_revision__data").iterator():
        domain = str(((data or {}).get("basic") or {}).get("domain") or "")[:100]
        if domain:
            PublicFiling.objects.filter(pk=filing_id).update(domain=domain)
    stat_rebuild(PublicFiling, apps.get_model("public_search", "StatCount"))


class Migration(migrations.Migration):
    dependencies = [
        ("public_search", "0010_public_filing_domain_and_stat_counts"),
        ("algorithms", "0008_public_disclosure_written_for_the_public"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
