from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beian.regions import regions
from review.models import Reviewable

from .validators import validate_icp_number, validate_id_number, validate_mobile, validate_uscc


class Role(models.TextChoices):
    FILER = "filer", _("填报人员")
    REVIEWER = "reviewer", _("审核人员")
    ADMIN = "admin", _("管理员")


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)

    def reviewers_for_region(self, region_code: str):
        """Active reviewers whose scope covers a GB/T 2260 code: the national office's and, for a known
        region, its province's."""
        in_scope = models.Q(province_code="")
        if region_code:
            in_scope |= models.Q(province_code__startswith=region_code[:2])
        return self.filter(in_scope, role=Role.REVIEWER, is_active=True).order_by("province_code", "username")


class User(AbstractUser):
    """An account of the portal: a filer (one per entity), a reviewer or an administrator.

    A reviewer with a province code sees that province only; with none, the
    whole country (national office).
    """

    # Named as the registration and login pages name them, so that Django's own messages ("密码跟 登录名
    # 太相似了", "请输入一个正确的登录名和密码") use the same word the filer typed under.
    username = models.CharField(
        _("登录名"),
        max_length=150,
        unique=True,
        help_text=_("必填。150个字符以内，只能包含字母、数字和 @/./+/-/_。"),
        validators=[AbstractUser.username_validator],
        error_messages={"unique": _("该登录名已被使用，请换一个。")},
    )
    email = models.EmailField(_("联系邮箱"), blank=True)
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
    supervisor = models.BooleanField(
        _("审核组长"),
        default=False,
        help_text=_("可释放或改派其他审核人员认领的事项（仅限本人审核范围内）。"),
    )

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

    @property
    def is_supervisor(self) -> bool:
        """SEC-02: may release or reassign another reviewer's claim (administrators always may)."""
        return self.role == Role.ADMIN or (self.role == Role.REVIEWER and self.supervisor)

    def can_review_region(self, region_code: str) -> bool:
        """A provincial reviewer sees the entities registered in their province; national ones all."""
        if not self.is_reviewer:
            return False
        if self.is_national:
            return True
        return bool(region_code) and region_code[:2] == self.province_code[:2]


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("事业单位")
    ORGANISATION = "organisation", _("社会团体")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
    OTHER = "other", _("其他")


class CertificateType(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("营业执照")
    INSTITUTION_CERT = "institution_cert", _("事业单位法人证书")
    ORGANISATION_CERT = "organisation_cert", _("社会团体法人登记证书")
    OTHER = "other", _("其他")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")


class Industry(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类: its 20 sections (门类) A–T.

    事业单位 and 社会团体 usually belong to S."""

    AGRICULTURE = "A", _("农、林、牧、渔业")
    MINING = "B", _("采矿业")
    MANUFACTURING = "C", _("制造业")
    UTILITIES = "D", _("电力、热力、燃气及水生产和供应业")
    CONSTRUCTION = "E", _("建筑业")
    COMMERCE = "F", _("批发和零售业")
    TRANSPORT = "G", _("交通运输、仓储和邮政业")
    HOSPITALITY = "H", _("住宿和餐饮业")
    ICT = "I", _("信息传输、软件和信息技术服务业")
    FINANCE = "J", _("金融业")
    REAL_ESTATE = "K", _("房地产业")
    LEASING = "L", _("租赁和商务服务业")
    RESEARCH = "M", _("科学研究和技术服务业")
    ENVIRONMENT = "N", _("水利、环境和公共设施管理业")
    RESIDENT_SERVICES = "O", _("居民服务、修理和其他服务业")
    EDUCATION = "P", _("教育")
    HEALTH = "Q", _("卫生和社会工作")
    CULTURE = "R", _("文化、体育和娱乐业")
    PUBLIC_ADMINISTRATION = "S", _("公共管理、社会保障和社会组织")
    INTERNATIONAL = "T", _("国际组织")


class IcpKind(models.TextChoices):
    """The ICP proof an entity holds: a non-commercial 备案 number or a commercial 经营许可证."""

    FILING = "filing", _("ICP备案")
    LICENCE = "licence", _("ICP经营许可证")


class AttachmentKind(models.TextChoices):
    COMMITMENT_LETTER = "commitment_letter", _("算法备案承诺书")
    RESPONSIBILITY_STATEMENT = "responsibility_statement", _("落实算法安全主体责任基本情况")
    BUSINESS_LICENCE_SCAN = "business_licence_scan", _("营业执照彩色扫描件")
    ICP_PROOF = "icp_proof", _("ICP备案证明或ICP经营许可证")
    OFFICER_PROOF = "officer_proof", _("算法安全责任人工作证明")
    SELF_ASSESSMENT = "self_assessment", _("算法安全自评估报告")
    DISCLOSURE = "disclosure", _("拟公示内容")
    # A product's APP/网站情况说明 (seed 001: 若为网站，需提供网站首页截图及网站地图).
    SITE_SCREENSHOT = "site_screenshot", _("网站首页截图")
    SITE_MAP = "site_map", _("网站地图")


# Kinds whose upload must be a picture (a screenshot is not a PDF); the others take PDF, JPG or PNG.
IMAGE_KINDS = frozenset({AttachmentKind.SITE_SCREENSHOT})


def attachment_storage_name(instance: Attachment, filename: str) -> str:
    """Names the filer does not choose: entity, kind and a random token; the extension follows the content."""
    import uuid

    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[instance.content_type]
    return f"attachments/{instance.entity_id}/{instance.kind}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """An uploaded file (a stamped scan, a report). Immutable: a new upload is a new row, so
    revisions that name it stay valid. Served only through a view that checks permission."""

    entity = models.ForeignKey("filers.Entity", on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("附件类型"), max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_storage_name, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Entity(Reviewable):
    """A filing entity (备案主体) and its 主体信息 (ENT-01) — the filer's working copy.

    What was submitted and what is approved are revisions (review.Revision) taken
    from these columns; the public and reviewers read those, not this copy.
    """

    # 主体基本信息
    name = models.CharField(_("主体名称"), max_length=200)
    entity_type = models.CharField(_("主体类型"), max_length=32, choices=EntityType.choices, blank=True)
    region_code = models.CharField(
        _("注册地（区县）"), max_length=6, blank=True, help_text=_("GB/T 2260 区县级行政区划代码")
    )
    address = models.CharField(_("注册地址"), max_length=300, blank=True)
    industry = models.CharField(_("所属行业"), max_length=2, choices=Industry.choices, blank=True)
    website = models.URLField(
        _("主体网站"), max_length=300, blank=True, help_text=_("如https://www.example.cn")
    )
    # 证件信息
    certificate_type = models.CharField(
        _("证件类型"),
        max_length=32,
        choices=CertificateType.choices,
        default=CertificateType.BUSINESS_LICENCE,
        blank=True,
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    certificate_valid_from = models.DateField(_("证件有效期起"), null=True, blank=True)
    certificate_valid_to = models.DateField(
        _("证件有效期止"), null=True, blank=True, help_text=_("长期有效可不填")
    )
    # 法定代表人信息
    legal_rep_name = models.CharField(_("法定代表人姓名"), max_length=50, blank=True)
    legal_rep_id_type = models.CharField(
        _("法定代表人证件类型"), max_length=32, choices=IdType.choices, default=IdType.RESIDENT_ID, blank=True
    )
    legal_rep_id_number = models.CharField(_("法定代表人证件号码"), max_length=30, blank=True)
    legal_rep_mobile = models.CharField(_("法定代表人手机号码"), max_length=11, blank=True)
    legal_rep_email = models.EmailField(_("法定代表人电子邮箱"), blank=True)
    # 算法安全责任人信息
    officer_name = models.CharField(_("算法安全责任人姓名"), max_length=50, blank=True)
    officer_position = models.CharField(_("算法安全责任人职务"), max_length=50, blank=True)
    officer_id_type = models.CharField(
        _("算法安全责任人证件类型"),
        max_length=32,
        choices=IdType.choices,
        default=IdType.RESIDENT_ID,
        blank=True,
    )
    officer_id_number = models.CharField(_("算法安全责任人证件号码"), max_length=30, blank=True)
    officer_mobile = models.CharField(_("算法安全责任人手机号码"), max_length=11, blank=True)
    officer_email = models.EmailField(_("算法安全责任人电子邮箱"), blank=True)
    # 联系人信息: whom the office calls about the filing (not necessarily the account's holder).
    contact_name = models.CharField(_("联系人姓名"), max_length=50, blank=True)
    contact_mobile = models.CharField(_("联系人手机号码"), max_length=11, blank=True)
    contact_email = models.EmailField(_("联系人电子邮箱"), blank=True)
    # The ICP proof's kind and number, beside its upload (icp_proof).
    icp_kind = models.CharField(_("ICP证明类型"), max_length=16, choices=IcpKind.choices, blank=True)
    icp_number = models.CharField(
        _("ICP备案号或许可证编号"),
        max_length=40,
        blank=True,
        help_text=_("如京ICP备12345678号或京B2-20201234"),
    )
    # Attachments (ENT-02): the current upload of each kind.
    commitment_letter = models.ForeignKey(
        Attachment,
        verbose_name=_("算法备案承诺书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsibility_statement = models.ForeignKey(
        Attachment,
        verbose_name=_("落实算法安全主体责任基本情况"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    business_licence_scan = models.ForeignKey(
        Attachment,
        verbose_name=_("营业执照彩色扫描件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    icp_proof = models.ForeignKey(
        Attachment,
        verbose_name=_("ICP备案证明或ICP经营许可证"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    officer_proof = models.ForeignKey(
        Attachment,
        verbose_name=_("算法安全责任人工作证明"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What is on record (SEC-02, PUB-06): the name and region of the approved revision or, before the first
    # approval, of the submitted one. Written only by the review core (review_record_refresh), never from
    # the working copy: reviewers' scope and everything public follow these.
    record_name = models.CharField(_("主体名称（已审核）"), max_length=200, blank=True, editable=False)
    record_region_code = models.CharField(
        _("注册地（已审核）"), max_length=6, blank=True, editable=False, db_index=True
    )
    # REL-03: what the filer typed in fields whose format is not right yet, kept as typed (field → text)
    # until corrected, as the wizard keeps its drafts (ALG-04); submission waits until it is empty.
    draft_input = models.JSONField(_("未通过格式检查的填写"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)

    # What a filer types in 主体信息 (the USCC is fixed at registration; uploads are ATTACHMENT_FIELDS).
    EDITABLE_FIELDS = (
        "name",
        "entity_type",
        "region_code",
        "address",
        "industry",
        "website",
        "certificate_type",
        "certificate_valid_from",
        "certificate_valid_to",
        "legal_rep_name",
        "legal_rep_id_type",
        "legal_rep_id_number",
        "legal_rep_mobile",
        "legal_rep_email",
        "officer_name",
        "officer_position",
        "officer_id_type",
        "officer_id_number",
        "officer_mobile",
        "officer_email",
        "contact_name",
        "contact_mobile",
        "contact_email",
        "icp_kind",
        "icp_number",
    )
    ATTACHMENT_FIELDS = (
        "commitment_letter",
        "responsibility_statement",
        "business_licence_scan",
        "icp_proof",
        "officer_proof",
    )

    class Meta:
        verbose_name = _("备案主体")
        verbose_name_plural = _("备案主体")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """ACC-03 format checks of what has been typed; completeness is checked at submission."""
        errors: dict[str, list] = {}
        region = regions().get(self.region_code) if self.region_code else None
        if self.region_code and (region is None or region.level != "county"):
            errors["region_code"] = [_("请选择注册地所在的区县。")]
        for person in ("legal_rep", "officer", "contact"):
            id_field = f"{person}_id_number"
            value = getattr(self, id_field, "")  # the 联系人 has no ID number
            if value:
                label = str(self._meta.get_field(id_field).verbose_name)
                try:
                    setattr(
                        self,
                        id_field,
                        validate_id_number(getattr(self, f"{person}_id_type"), value, label=label),
                    )
                except ValidationError as exc:
                    errors[id_field] = exc.messages
            mobile_field = f"{person}_mobile"
            if getattr(self, mobile_field):
                label = str(self._meta.get_field(mobile_field).verbose_name)
                try:
                    setattr(self, mobile_field, validate_mobile(getattr(self, mobile_field), label=label))
                except ValidationError as exc:
                    errors[mobile_field] = exc.messages
        if (
            self.certificate_valid_from
            and self.certificate_valid_to
            and self.certificate_valid_to < self.certificate_valid_from
        ):
            errors["certificate_valid_to"] = [_("证件有效期止不能早于有效期起。")]
        elif self.certificate_valid_to and self.certificate_valid_to < timezone.localdate():
            # ENT-01: a licence whose validity has ended is no proof; refused at its field.
            errors["certificate_valid_to"] = [
                _("证件已过有效期（有效期止%(day)s早于今天），请上传有效证件并更新有效期。")
                % {"day": self.certificate_valid_to.isoformat()}
            ]
        if self.icp_number:
            try:
                self.icp_number = validate_icp_number(self.icp_kind, self.icp_number)
            except ValidationError as exc:
                errors["icp_number"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def review_region_code(self) -> str:
        """SEC-02: the reviewers' scope follows the region on record, never the working copy."""
        return self.record_region_code

    def review_record_refresh(self) -> None:
        """Take the name and region on record from the approved revision, or before the first approval
        from the submitted one; when the region moves, the open deadlines of everything the entity owns
        move to the new province's queue with it."""
        from review.deadlines import deadlines_rescope

        revision = self.approved_revision or self.pending_revision
        data = revision.data if revision is not None else {}
        self.record_name = data.get("name") or ""
        region = data.get("region_code") or ""
        if region != self.record_region_code:
            self.record_region_code = region
            deadlines_rescope(owner_entity_id=self.pk, region_code=region)

    def review_owner_entity_id(self) -> int | None:
        return self.pk

    def review_account(self):
        return getattr(self, "account", None)

    def review_filer_url(self) -> str:
        from django.urls import reverse

        return reverse("filers:entity")

    def revision_data(self) -> dict:
        from .services import entity_snapshot

        return entity_snapshot(entity=self)
