"""ALG-02's five types: the published records of filings once typed 05 (内容过滤类) are 检索过滤类 (04), as the
filings themselves are since algorithms.0007."""

from django.db import migrations


def five_types(apps, schema_editor):
    apps.get_model("public_search", "PublicFiling").objects.filter(algo_type="05").update(algo_type="04")


class Migration(migrations.Migration):
    dependencies = [
        ("public_search", "0008_public_filing_changed_cursor"),
        ("algorithms", "0007_five_algorithm_types"),
    ]

    operations = [migrations.RunPython(five_types, migrations.RunPython.noop)]
