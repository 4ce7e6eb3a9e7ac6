"""A GIN index over the unigrams and bigrams of the names (the way pg_bigm works), so 1- and
2-character queries use an index on PostgreSQL; pg_trgm serves only 3+ characters and pg_bigm is
not packaged for this Debian. SQLite has no such index and searches with LIKE."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX public_filing_grams_gin ON public_search_publicfiling "
            "USING gin (string_to_array(grams, ' '))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS public_filing_grams_gin")


class Migration(migrations.Migration):
    dependencies = [("public_search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
