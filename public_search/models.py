"""What the public sees (PUB-01…06): a projection of each approved filing, written from its approved
revision only, so nothing private can reach a public page by accident (PUB-06)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicState(models.TextChoices):
    APPROVED = "approved", _("已备案")
    CANCELLED = "cancelled", _("已注销")
    REVOKED = "revoked", _("已撤销")


class PublicFiling(models.Model):
    """One filing as published. Its id is the filing's id: the public URL never changes (PUB-03)."""

    filing = models.OneToOneField(
        "algorithms.Filing", on_delete=models.CASCADE, primary_key=True, related_name="public"
    )
    number = models.CharField(_("备案编号"), max_length=21, unique=True, null=True, blank=True)
    name = models.CharField(_("算法名称"), max_length=100, db_index=True)
    algo_type = models.CharField(_("算法类型"), max_length=2, db_index=True)
    role = models.CharField(_("角色"), max_length=16)
    entity_name = models.CharField(_("主体名称"), max_length=200, db_index=True)
    province_code = models.CharField(_("省份"), max_length=2, db_index=True)
    domain = models.CharField(_("应用领域"), max_length=100, blank=True)  # counted by STAT-01, not shown
    products = models.CharField(_("应用产品"), max_length=1000, blank=True)
    main_use = models.TextField(_("主要用途"), blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=PublicState.choices, db_index=True)
    approved_on = models.DateField(_("备案日期"), db_index=True)
    changed_at = models.DateTimeField(_("公示信息更新时间"))
    disclosure = models.JSONField(_("公示内容"), default=dict)
    history = models.JSONField(_("公示记录"), default=list)
    remark = models.CharField(_("备注"), max_length=500, blank=True)
    # Runs of one to three characters of the entity and algorithm names, space-separated. On PostgreSQL
    # a GIN index over string_to_array(grams, ' ') serves filtered searches of any length (pg_trgm would
    # serve only 3+ characters).
    grams = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("公示备案")
        verbose_name_plural = _("公示备案")
        ordering = ["-approved_on", "-filing_id"]
        # Open data's sync cursor reads (changed_at, filing) in order from a given point (PUB-02).
        indexes = [
            models.Index(fields=["changed_at", "filing"], name="public_filing_changed"),
            # The validator of a list page (PUB-05, list_stamp: the last change and the count of a month's
            # filings of one list) read off the index alone: a month of 21,588 filings read every row's
            # heap page (issue 17: 40 ms at 1,000,000 filings).
            models.Index(fields=["approved_on", "algo_type", "changed_at"], name="public_filing_list_stamp"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.entity_name}）"

    @property
    def display_number(self) -> str:
        return f"网信算备{self.number}号" if self.number else ""


from .models_announcements import Announcement  # noqa: E402,F401
from .models_lists import ListBatch, ListBatchEntry, ListExport, ListKind  # noqa: E402,F401


class PublicGram(models.Model):
    """One posting: a filing whose names contain `gram` (a run of one to three neighbouring characters).

    The primary key (gram, approved_on, filing) is the posting list of each gram in date order, so a 1-
    to 3-character query reads the newest 20 matches straight off the index, however common the gram is.
    """

    pk = models.CompositePrimaryKey("gram", "approved_on", "filing")
    gram = models.CharField(max_length=3)
    approved_on = models.DateField()
    filing = models.ForeignKey(
        PublicFiling, on_delete=models.CASCADE, related_name="postings", db_index=False
    )

    class Meta:
        verbose_name = _("检索词条")
        verbose_name_plural = _("检索词条")
        indexes = [models.Index(fields=["filing"], name="public_gram_filing")]

    def __str__(self) -> str:
        return f"{self.gram}→{self.filing_id}"


from .models_stats import StatChart, StatCount  # noqa: E402,F401
