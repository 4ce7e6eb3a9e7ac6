"""Fill what is on record (name and region of the approved, else the submitted, revision) and who holds
each claimed item (the actor of its last claim) for data written before these columns existed."""

from django.db import migrations

CLAIMED_STATES = ("under_review", "re_review")


def forwards(apps, schema_editor):
    Entity = apps.get_model("filers", "Entity")
    Revision = apps.get_model("review", "Revision")
    ReviewEvent = apps.get_model("review", "ReviewEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for entity in Entity.objects.all().iterator():
        revision_id = entity.approved_revision_id or entity.pending_revision_id
        data = Revision.objects.get(pk=revision_id).data if revision_id else {}
        entity.record_name = data.get("name") or ""
        entity.record_region_code = data.get("region_code") or ""
        entity.save(update_fields=["record_name", "record_region_code"])
    content_type = ContentType.objects.filter(app_label="filers", model="entity").first()
    if content_type is None:
        return
    for entity in Entity.objects.filter(state__in=CLAIMED_STATES):
        claim = (
            ReviewEvent.objects.filter(content_type=content_type, object_id=entity.pk, action="claim")
            .order_by("-created_at", "-id")
            .first()
        )
        if claim is not None:
            entity.claimed_by_id, entity.claimed_at = claim.actor_id, claim.created_at
            entity.save(update_fields=["claimed_by", "claimed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("filers", "0004_entity_record_and_claims"),
        ("review", "0004_deadlines_notifications_numbers"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
