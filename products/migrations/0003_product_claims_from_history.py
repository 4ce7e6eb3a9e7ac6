"""Who holds each claimed item: the actor of its last claim, for data written before the column existed."""

from django.db import migrations

CLAIMED_STATES = ("under_review", "re_review")


def forwards(apps, schema_editor):
    Model = apps.get_model("products", "Product")
    ReviewEvent = apps.get_model("review", "ReviewEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="products", model="product").first()
    if content_type is None:
        return
    for obj in Model.objects.filter(state__in=CLAIMED_STATES):
        claim = (
            ReviewEvent.objects.filter(content_type=content_type, object_id=obj.pk, action="claim")
            .order_by("-created_at", "-id")
            .first()
        )
        if claim is not None:
            obj.claimed_by_id, obj.claimed_at = claim.actor_id, claim.created_at
            obj.save(update_fields=["claimed_by", "claimed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0002_product_claims"),
        ("review", "0004_deadlines_notifications_numbers"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
