"""The database refuses UPDATE of a history row, whatever code tries it (REV-01: history is append-only).

DELETE is refused by the model and its queryset; it is not a trigger, because
the test runner empties tables with DELETE on SQLite.
"""

from django.db import migrations

SQL = {
    "postgresql": (
        """
        CREATE OR REPLACE FUNCTION review_event_refuse_update() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'review history is append-only'; END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER review_event_no_update BEFORE UPDATE ON review_reviewevent
        FOR EACH ROW EXECUTE FUNCTION review_event_refuse_update();
        """,
        """
        DROP TRIGGER IF EXISTS review_event_no_update ON review_reviewevent;
        DROP FUNCTION IF EXISTS review_event_refuse_update();
        """,
    ),
    "sqlite": (
        """
        CREATE TRIGGER review_event_no_update BEFORE UPDATE ON review_reviewevent
        BEGIN SELECT RAISE(ABORT, 'review history is append-only'); END;
        """,
        "DROP TRIGGER IF EXISTS review_event_no_update;",
    ),
}


def forwards(apps, schema_editor):
    sql = SQL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql[0])


def backwards(apps, schema_editor):
    sql = SQL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql[1])


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
