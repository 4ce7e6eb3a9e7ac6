from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from review.models import Reviewable


class Role(models.TextChoices):
    FILER = "filer", _("填报人员")
    REVIEWER = "reviewer", _("审核人员")
    ADMIN = "admin", _("管理员")


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """An account of the portal: a filer (one per entity), a reviewer or an administrator.

    A reviewer with a province code sees that province only; with none, the
    whole country (national office).
    """

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.FILER)
    province_code = models.CharField(
        _("所属省份代码"),
        max_length=6,
        blank=True,
        help_text=_("审核人员所属省级网信部门；留空表示国家网信办。"),
    )
    entity = models.OneToOneField(
        "filers.Entity",
        verbose_name=_("备案主体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="reviewer") | models.Q(province_code=""),
                name="user_province_only_for_reviewers",
            ),
            models.CheckConstraint(
                condition=models.Q(role="filer") | models.Q(entity__isnull=True),
                name="user_entity_only_for_filers",
            ),
        ]

    @property
    def is_filer(self) -> bool:
        return self.role == Role.FILER

    @property
    def is_reviewer(self) -> bool:
        """Reviewers and administrators may perform the reviewer's moves."""
        return self.role in (Role.REVIEWER, Role.ADMIN)

    @property
    def is_national(self) -> bool:
        return self.is_reviewer and not self.province_code

    def can_review_region(self, region_code: str) -> bool:
        """A provincial reviewer sees the entities registered in their province; national ones all."""
        if not self.is_reviewer:
            return False
        if self.is_national:
            return True
        return bool(region_code) and region_code[:2] == self.province_code[:2]


class Entity(Reviewable):
    """A filing entity (备案主体). Its full 主体信息 and revisions are built on this."""

    name = models.CharField(_("主体名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region_code = models.CharField(_("注册地行政区划代码"), max_length=6, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("备案主体")
        verbose_name_plural = _("备案主体")

    def __str__(self) -> str:
        return self.name

    def review_region_code(self) -> str:
        return self.region_code

    def review_owner_entity_id(self) -> int | None:
        return self.pk

    def review_recipients(self) -> list[str]:
        account = getattr(self, "account", None)
        return [account.email] if account is not None and account.email else []
