"""Issue 14: the number allocation tables made by review.0004, now declared here (state only: same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("algorithms", "0005_filing_version"),
        ("filers", "0006_entity_version_and_draft_input"),
        ("review", "0007_number_allocation_moves_to_algorithms"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EntityCode",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=7, unique=True, verbose_name="主体编码")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "entity",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="number_code",
                                to="filers.entity",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "主体编码",
                        "verbose_name_plural": "主体编码",
                        "db_table": "review_entitycode",
                    },
                ),
                migrations.CreateModel(
                    name="NumberSequence",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("algo_type", models.CharField(max_length=2)),
                        ("last", models.PositiveSmallIntegerField(default=0)),
                        (
                            "entity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="filers.entity"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "编号序列",
                        "verbose_name_plural": "编号序列",
                        "db_table": "review_numbersequence",
                        "constraints": [
                            models.UniqueConstraint(fields=("entity", "algo_type"), name="sequence_per_entity_type")
                        ],
                    },
                ),
            ],
            database_operations=[],
        )
    ]
