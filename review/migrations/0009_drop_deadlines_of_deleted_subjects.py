"""Delete the deadlines whose subject was deleted (a product withdrawn while it waited for review).

From now on review.deadlines.deadlines_drop deletes them with their subject, so the queue counts open
deadlines by kind alone (issue 17); this removes those left behind before."""

from django.db import migrations


def drop_orphans(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("review", "Deadline")
    for content_type_id in Deadline.objects.values_list("content_type_id", flat=True).distinct():
        content_type = ContentType.objects.get(pk=content_type_id)
        try:
            model = apps.get_model(content_type.app_label, content_type.model)
        except LookupError:
            continue
        Deadline.objects.filter(content_type_id=content_type_id).exclude(
            object_id__in=model.objects.values("pk")
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("review", "0008_deadline_provisional_and_confirmed"),
    ]

    operations = [migrations.RunPython(drop_orphans, migrations.RunPython.noop)]
