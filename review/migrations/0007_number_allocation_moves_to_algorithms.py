"""Issue 14: the entity code and number sequences are keyed by filers.Entity, which review (below filers) must
not know; they move to algorithms. Only Django's state changes here: the tables stay as they are and
algorithms.0006 takes them over under the same names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("review", "0006_outbox")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="EntityCode"),
                migrations.DeleteModel(name="NumberSequence"),
            ],
            database_operations=[],
        )
    ]
