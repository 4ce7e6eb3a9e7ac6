"""备案信息 (ALG-01…11): algorithm filings, their wizard data and the products they cover."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from review.models import Reviewable


class AlgorithmType(models.TextChoices):
    """ALG-02: the regulation's five types (《互联网信息服务算法推荐管理规定》第二条).

    This is the one table of their codes, which appear in filing numbers (NUM-02, digits 14–15). Which
    digit the CAC gives which type cannot be settled from public sources (published numbers carry 01–06);
    the number check judges only the format and the check digit (NUM-04). 05 is not given: the filings
    once typed 信息检索类 (04) and 内容过滤类 (05) are 检索过滤类 (04) since algorithms.0007, their numbers
    unchanged."""

    GENERATION = "01", _("生成合成类")
    PERSONALISED_PUSH = "02", _("个性化推送类")
    RANKING = "03", _("排序精选类")
    RETRIEVAL_FILTERING = "04", _("检索过滤类")
    SCHEDULING = "06", _("调度决策类")


class Role(models.TextChoices):
    PROVIDER = "provider", _("服务提供者")
    SUPPORTER = "supporter", _("服务技术支持者")


class Filing(Reviewable):
    """An algorithm filing. `data` is the wizard's working copy, saved as typed (ALG-04):
    {"basic": {...}, "details": {...}}; the columns below are derived from it for lists."""

    entity = models.ForeignKey("filers.Entity", on_delete=models.CASCADE, related_name="filings")
    data = models.JSONField(_("填报内容"), default=dict)
    last_step = models.PositiveSmallIntegerField(_("填报到第几步"), default=1)
    last_saved_at = models.DateTimeField(_("最后保存"), null=True, blank=True)
    self_assessment = models.ForeignKey(
        "filers.Attachment",
        verbose_name=_("算法安全自评估报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disclosure = models.ForeignKey(
        "filers.Attachment",
        verbose_name=_("拟公示内容"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Derived from `data` on every save, for lists, filters and sorting (ALG-09).
    name = models.CharField(_("算法名称"), max_length=100, blank=True)
    algo_type = models.CharField(_("算法类型"), max_length=2, choices=AlgorithmType.choices, blank=True)
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    number = models.CharField(_("备案编号"), max_length=21, null=True, blank=True, unique=True)
    terminated_on = models.DateField(_("服务终止日期"), null=True, blank=True)
    # ALG-12: the 拟公示内容 was filled from the text the public used to be shown (算法策略 and the like) when
    # the four headings became fields; the filer is asked to rewrite it for the public at the next save.
    disclosure_prefilled = models.BooleanField(_("拟公示内容待确认"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("算法备案")
        verbose_name_plural = _("算法备案")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "state"], name="filing_entity_state"),
            # The filer's list (ALG-09) in its default order, newest submission first: a page of an entity
            # with thousands of filings is read off the index instead of sorting them all (issue 17).
            models.Index(fields=["entity", "submitted_at", "id"], name="filing_entity_submitted"),
        ]

    def __str__(self) -> str:
        return self.name or str(_("未命名算法"))

    @property
    def display_number(self) -> str:
        return f"网信算备{self.number}号" if self.number else ""

    def review_region_code(self) -> str:
        return self.entity.review_region_code()

    def review_owner_entity_id(self) -> int | None:
        return self.entity_id

    def review_prerequisites(self) -> list:
        """ENT-05: a filing is approved only once its entity information and every product the submitted
        version covers have an approved version in force."""
        from products.models import Product

        submitted = self.pending_revision.data if self.pending_revision_id else {}
        product_ids = [p["id"] for p in submitted.get("products", []) if isinstance(p, dict) and "id" in p]
        products = list(Product.objects.filter(pk__in=product_ids).order_by("created_at", "id"))
        return [self.entity, *products]

    def review_account(self):
        return self.entity.review_account()

    def review_filer_url(self) -> str:
        from django.urls import reverse

        return reverse("algorithms:detail", args=[self.pk])

    def on_transition(self, transition, actor) -> None:
        from django.utils import timezone

        from review.outbox import outbox_add
        from review.transitions import Action

        super().on_transition(transition, actor)
        if transition.action in (Action.APPROVE, Action.REJECT, Action.MARK_INCOMPLETE):
            self.reviewed_at = timezone.now()
        if transition.action == Action.APPROVE and not self.number:
            # NUM-01: the number is owed by this approval (REL-01) and issued once it commits.
            outbox_add(key=f"number:filing:{self.pk}", handler="filing_number", filing_id=self.pk)

    def review_refusal(self, transition) -> str | None:
        """REL-02: a first approval needs a number left for the entity and type (digits 18–20 hold 999)."""
        from django.utils.translation import gettext as _

        from review.transitions import Action

        from .numbers import number_sequences_left

        if transition.action == Action.APPROVE and not self.number and self.algo_type:
            if number_sequences_left(entity_id=self.entity_id, algo_type=self.algo_type) <= 0:
                return _(
                    "该主体的此类算法备案编号已用完（每类最多999个），暂不能通过。请联系系统管理员处理。"
                )
        return None

    def revision_data(self) -> dict:
        from .services import filing_snapshot

        return filing_snapshot(filing=self)


class Coverage(models.Model):
    """One check box of step ③ (ALG-05): a whole product, a whole path, or one function.

    Coverage is resolved when read, so a path or function added later under a
    checked product or path is covered too.
    """

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="coverages")
    product = models.ForeignKey(
        "products.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="filing_coverages"
    )
    path = models.ForeignKey(
        "products.FunctionPath",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="filing_coverages",
    )
    function = models.ForeignKey(
        "products.Function", null=True, blank=True, on_delete=models.CASCADE, related_name="filing_coverages"
    )

    class Meta:
        verbose_name = _("应用产品及功能")
        verbose_name_plural = _("应用产品及功能")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(product__isnull=False, path__isnull=True, function__isnull=True)
                    | models.Q(product__isnull=True, path__isnull=False, function__isnull=True)
                    | models.Q(product__isnull=True, path__isnull=True, function__isnull=False)
                ),
                name="coverage_exactly_one_target",
            ),
        ]

    def __str__(self) -> str:
        return str(self.product or self.path or self.function)


# --- Filing-number allocation (NUM-01…03) -------------------------------------------------------


class EntityCode(models.Model):
    """Digits 7–13 of every number of one entity, assigned once (NUM-02)."""

    entity = models.OneToOneField("filers.Entity", on_delete=models.PROTECT, related_name="number_code")
    code = models.CharField(_("主体编码"), max_length=7, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "review_entitycode"  # made by the review app before issue 14 moved it here
        verbose_name = _("主体编码")
        verbose_name_plural = _("主体编码")

    def __str__(self) -> str:
        return self.code


class NumberSequence(models.Model):
    """Digits 18–20: the last sequence issued within one entity and algorithm type (NUM-02)."""

    entity = models.ForeignKey("filers.Entity", on_delete=models.PROTECT, related_name="+")
    algo_type = models.CharField(max_length=2)
    last = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "review_numbersequence"
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [
            models.UniqueConstraint(fields=["entity", "algo_type"], name="sequence_per_entity_type")
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}/{self.algo_type}: {self.last}"
