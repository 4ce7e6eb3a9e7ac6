from django.db import models


class RateCounter(models.Model):
    """SEC-03's embedded counter (beian.throttling): one row per (action, client, window), incremented by
    an atomic upsert. Used only without Redis; rows of ended windows are pruned by beat."""

    key = models.CharField(max_length=255, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True, help_text="Unix time after which the row is stale")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
