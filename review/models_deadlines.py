"""Deadlines (DL-01…06) and the filer's notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    LAUNCH = "launch", _("上线后备案")  # DL-01
    CHANGE = "change", _("变更备案")  # DL-02
    TERMINATION = "termination", _("注销备案")  # DL-03
    REVIEW = "review", _("审核")  # DL-04


# Working days allowed for each kind, from the final regulation (SPEC DL-01…04).
DEADLINE_WORKING_DAYS = {
    DeadlineKind.LAUNCH: 10,
    DeadlineKind.CHANGE: 10,
    DeadlineKind.TERMINATION: 20,
    DeadlineKind.REVIEW: 30,
}


class Deadline(models.Model):
    """A deadline running on a reviewed object. The row is written with the event that starts it;
    `due_on` is computed by a Celery task (and repaired by the daily sweep).

    DL-05: when the way to the due date crosses a year whose State Council schedule is not entered,
    `unknown_year` names it and `due_on` is provisional (预计), computed from the statutory holidays.
    Once the schedule is entered the deadline is recomputed at once: `unknown_year` is cleared,
    `confirmed_at` set and the provisional date kept in `estimated_due_on`, so the pages can say
    "已按国务院安排更新"."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("期限类型"), max_length=16, choices=DeadlineKind.choices)
    starts_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("截止日"), null=True, blank=True)
    unknown_year = models.PositiveSmallIntegerField(_("日历未知年份"), null=True, blank=True)
    estimated_due_on = models.DateField(_("原预计截止日"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("按国务院安排更新时间"), null=True, blank=True)
    region_code = models.CharField(max_length=6, blank=True, db_index=True)
    title = models.CharField(_("事项"), max_length=200, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    missed_notified_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        indexes = [
            models.Index(fields=["kind", "met_at", "due_on"], name="deadline_open_due"),
            models.Index(fields=["content_type", "object_id"], name="deadline_subject"),
            # The reviewers' queue in its own order (review_queue), open review deadlines only: a page is
            # the first 25 entries, however long the backlog (issue 17: 50,000 waiting sorted took 34 ms).
            models.Index(
                fields=["due_on", "starts_on", "id"],
                name="deadline_review_queue",
                condition=models.Q(kind="review", met_at__isnull=True),
            ),
            # A provincial reviewer's queue counts its province's open review deadlines (region_code starts
            # with the province's two digits) off this index alone, not the 50,000 open in the country
            # against every deadline of the province ever written (issue 17: 39.7 → 1.3 ms for Beijing).
            models.Index(
                fields=["region_code", "content_type"],
                name="deadline_review_region",
                condition=models.Q(kind="review", met_at__isnull=True),
                opclasses=["varchar_pattern_ops", "int4_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=models.Q(met_at__isnull=True),
                name="deadline_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title} → {self.due_on or '?'}"

    @property
    def provisional(self) -> bool:
        """DL-05: the due date is an estimate from the statutory holidays (预计)."""
        return self.due_on is not None and self.unknown_year is not None


class Notification(models.Model):
    """A message to a user, in the portal (with an unread count in the header) and by e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    event = models.ForeignKey(
        "review.ReviewEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event"),
        ]

    def __str__(self) -> str:
        return self.title
