"""产品及功能信息 (PRD-01…05): products, their ordered function access paths, the functions under each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from review.models import Reviewable


class ServiceForm(models.TextChoices):
    APP = "app", "APP"
    WEBSITE = "website", _("网站")
    MINI_PROGRAM = "mini_program", _("小程序")
    OFFICIAL_ACCOUNT = "official_account", _("公众账号")
    OTHER = "other", _("其他")


class ServiceStatus(models.TextChoices):
    OPERATING = "operating", _("运营中")
    NOT_LAUNCHED = "not_launched", _("未上线")
    TERMINATED = "terminated", _("已终止")


class Audience(models.TextChoices):
    INDIVIDUALS = "individuals", _("个人用户")
    BUSINESSES = "businesses", _("企业用户")
    BOTH = "both", _("个人和企业用户")


class Product(Reviewable):
    """A product of an entity (PRD-02). Its paths and functions are part of its working copy."""

    entity = models.ForeignKey("filers.Entity", on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("产品名称"), max_length=100)
    service_forms = models.JSONField(_("服务形式"), default=list, help_text=_("可多选"))
    url = models.URLField(
        _("访问地址"),
        max_length=300,
        blank=True,
        help_text=_("网站、小程序等的访问网址，以http://或https://开头"),
    )
    app_store = models.CharField(
        _("应用商店"), max_length=50, blank=True, help_text=_("APP所在的应用商店，如：华为应用市场")
    )
    app_package = models.CharField(
        _("APP包名"), max_length=150, blank=True, help_text=_("如：com.example.app")
    )
    download_url = models.URLField(
        _("下载链接"),
        max_length=300,
        blank=True,
        help_text=_("APP的下载网址（应用商店页面或官方下载页），以http://或https://开头"),
    )
    # A website's homepage screenshot and its site map (seed 001: 若为网站，需提供网站首页截图及网站地图).
    # Uploads are the entity's immutable attachments; a new upload is a new row (revisions keep theirs).
    site_screenshot = models.ForeignKey(
        "filers.Attachment",
        verbose_name=_("网站首页截图"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    site_map = models.ForeignKey(
        "filers.Attachment",
        verbose_name=_("网站地图"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # APP/网站情况说明 (the materials list, seed 001): what the product is, does, and for whom.
    positioning = models.TextField(_("产品定位"), blank=True, help_text=_("产品是什么、提供什么服务"))
    features = models.TextField(_("功能特点"), blank=True, help_text=_("主要功能及其特点"))
    user_groups = models.TextField(_("用户群体"), blank=True, help_text=_("面向哪些用户，是否面向未成年人"))
    service_status = models.CharField(
        _("服务状态"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.OPERATING
    )
    start_date = models.DateField(_("服务开始日期"), null=True, blank=True)
    end_date = models.DateField(_("服务终止日期"), null=True, blank=True)
    audience = models.CharField(
        _("服务对象"), max_length=16, choices=Audience.choices, default=Audience.INDIVIDUALS
    )
    registered_users = models.PositiveBigIntegerField(_("注册用户数"), null=True, blank=True)
    monthly_active_users = models.PositiveBigIntegerField(_("月活跃用户数"), null=True, blank=True)
    key_data_note = models.TextField(_("其他关键运营数据"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = _("产品")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "name"], name="product_name_unique_per_entity"),
        ]

    # The product's uploads (kinds of filers.AttachmentKind, named as the fields).
    ATTACHMENT_FIELDS = ("site_screenshot", "site_map")

    def __str__(self) -> str:
        return self.name

    @property
    def service_forms_display(self) -> str:
        """'APP、网站' as in the CAC's published lists."""
        labels = dict(ServiceForm.choices)
        return "、".join(str(labels.get(code, code)) for code in self.service_forms)

    def review_region_code(self) -> str:
        return self.entity.review_region_code()

    def review_owner_entity_id(self) -> int | None:
        return self.entity_id

    def review_account(self):
        return self.entity.review_account()

    def review_filer_url(self) -> str:
        from django.urls import reverse

        return reverse("products:list")

    def revision_data(self) -> dict:
        from .services import product_snapshot

        return product_snapshot(product=self)


class FunctionPath(models.Model):
    """A function access path (PRD-03): ordered navigation steps, e.g. 首页 → 推荐 → 视频."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="paths")
    steps = models.JSONField(_("访问路径"), default=list)
    steps_key = models.CharField(max_length=500, editable=False)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(_("修改版本"), default=1, editable=False)  # REL-03
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("功能访问路径")
        verbose_name_plural = _("功能访问路径")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "steps_key"], name="path_unique_per_product"),
        ]

    def __str__(self) -> str:
        return " → ".join(self.steps)


class Function(models.Model):
    """A function under a path (PRD-04)."""

    path = models.ForeignKey(FunctionPath, on_delete=models.CASCADE, related_name="functions")
    name = models.CharField(_("功能名称"), max_length=100)
    applied_where = models.TextField(_("算法应用位置"), help_text=_("算法在该功能中的具体应用位置"))
    implementation = models.TextField(_("功能实现方式"))
    business_effect = models.TextField(_("算法对产品业务的影响"))
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(_("修改版本"), default=1, editable=False)  # REL-03
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("功能")
        verbose_name_plural = _("功能")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
