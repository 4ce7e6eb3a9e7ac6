from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.label} is append-only")

    def delete(self):
        raise PermissionError(f"{self.model._meta.label} is append-only")


class AppendOnly(models.Model):
    """A history: each row is written once and never changed or deleted, neither as a row nor by a query
    (the review core's record, REV-01, and a problem report's, RPT-01)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.label} is append-only")


class RateCounter(models.Model):
    """SEC-03's embedded counter (beian.throttling): one row per (action, client, window), incremented by
    an atomic upsert. Used only without Redis; rows of ended windows are pruned by beat."""

    key = models.CharField(max_length=255, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True, help_text="Unix time after which the row is stale")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class IdempotencyKey(models.Model):
    """REL-03: a create request's key (a page's hidden token, the API's Idempotency-Key) and what it made,
    so that the same request sent twice (a double click, a retry after a timeout) makes one object.
    Kept for a day (beat prunes older keys)."""

    actor = models.ForeignKey("filers.User", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "scope", "key"], name="idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"

    @property
    def target_object(self):
        return self.target()

    @target_object.setter
    def target_object(self, obj) -> None:
        from django.contrib.contenttypes.models import ContentType

        self.content_type = ContentType.objects.get_for_model(obj)
        self.object_id = obj.pk

    def target(self):
        """The object this key made, or None if it has since been deleted."""
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first() if model else None
