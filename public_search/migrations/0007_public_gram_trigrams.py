"""Posting lists gain runs of three characters, so that a 3-character query is its own posting list
and a longer one walks a rare list. The grams and postings of filings already published are rewritten."""

import re

from django.db import migrations, models

_SEPARATORS = re.compile(r"[\s\u3000]+")


def _grams(*texts):
    # The rule of public_search.services.grams_of at the time of this migration (GRAM_MAX = 3).
    grams = set()
    for text in texts:
        for part in _SEPARATORS.split((text or "").lower()):
            for size in (1, 2, 3):
                grams.update(part[i : i + size] for i in range(len(part) - size + 1))
    return grams


def rewrite_postings(apps, schema_editor):
    PublicFiling = apps.get_model("public_search", "PublicFiling")
    PublicGram = apps.get_model("public_search", "PublicGram")
    for record in PublicFiling.objects.only("pk", "entity_name", "name", "approved_on").iterator(2000):
        grams = sorted(_grams(record.entity_name, record.name))
        PublicFiling.objects.filter(pk=record.pk).update(grams=" ".join(grams))
        PublicGram.objects.filter(filing_id=record.pk).delete()
        PublicGram.objects.bulk_create(
            PublicGram(gram=g, approved_on=record.approved_on, filing_id=record.pk) for g in grams
        )


class Migration(migrations.Migration):
    dependencies = [
        ("public_search", "0006_public_names_indexed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="publicgram",
            name="gram",
            field=models.CharField(max_length=3),
        ),
        migrations.RunPython(rewrite_postings, migrations.RunPython.noop, elidable=True),
    ]
