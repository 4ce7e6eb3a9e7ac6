"""Account and entity services (ACC-01…05, ENT-01…05). Pages and the API both call these."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from beian.concurrency import version_bump, version_check
from beian.portal_origin import request_origin
from beian.regions import province_code as normalise_province
from review.services import row_lock, submission_perform, working_copy_edited
from review.transitions import UNSENT_STATES

from .models import IMAGE_KINDS, Attachment, AttachmentKind, Entity, Role, User
from .tokens import activation_token_generator
from .uploads import upload_check


class EntityLocked(Exception):
    """ENT-04: entity information is read-only while it is under review."""


class EntityIncomplete(Exception):
    """The list of what is missing before submission, as (field, label) pairs."""

    def __init__(self, missing: list[tuple[str, str]]):
        super().__init__(_("主体信息尚不完整。"))
        self.missing = missing


DUPLICATE_USCC = _("该统一社会信用代码已注册账号。同一备案主体只需注册一个账号，请直接登录或找回密码。")


@transaction.atomic
def reviewer_create(
    *, username: str, password: str, province: str | None = None, email: str = "", supervisor: bool = False
) -> User:
    """Create a reviewer, scoped to a province (GB/T 2260 code) or, with none, national; a supervisor
    (审核组长) may also release or reassign other reviewers' claims in that scope (SEC-02)."""
    code = ""
    if province:
        code = normalise_province(province) or ""
        if not code:
            raise ValidationError(_("“%(code)s”不是有效的省级行政区划代码。") % {"code": province})
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("用户名“%(name)s”已存在。") % {"name": username})
    user = User(
        username=username,
        email=email,
        role=Role.REVIEWER,
        province_code=code,
        is_staff=False,
        supervisor=supervisor,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def account_register(
    *,
    entity_name: str,
    uscc: str,
    address: str,
    legal_rep_name: str,
    username: str,
    password: str,
    email: str,
    mobile: str,
) -> User:
    """ACC-01/02: register an entity and its one account, inactive until the e-mailed link is followed.

    The USCC's uniqueness is checked first for a friendly message and guarded by
    the database's unique constraint against two registrations at the same moment.
    """
    from review.outbox import outbox_add

    if Entity.objects.filter(uscc=uscc).exists():
        raise ValidationError({"uscc": DUPLICATE_USCC})
    try:
        with transaction.atomic():
            entity = Entity.objects.create(
                name=entity_name, uscc=uscc, address=address, legal_rep_name=legal_rep_name
            )
            user = User(
                username=username, email=email, mobile=mobile, role=Role.FILER, entity=entity, is_active=False
            )
            user.set_password(password)
            user.save()
            # REL-01: the activation e-mail is owed in this transaction and sent once it commits.
            outbox_add(
                key=f"activation:user:{user.pk}",
                handler="activation_email",
                user_id=user.pk,
                origin=request_origin(),
            )
    except IntegrityError as exc:
        if Entity.objects.filter(uscc=uscc).exists():
            raise ValidationError({"uscc": DUPLICATE_USCC}) from exc
        raise ValidationError({"username": _("该登录名已被使用，请换一个。")}) from exc
    return user


def account_activate(*, uidb64: str, token: str) -> User | None:
    """SEC-01: activate the account named by an e-mailed link, only when the link's token is valid,
    unexpired and unused; None otherwise — whatever the account's state, so a link with a made-up token
    never reaches an account that is already active (the administrator's included)."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    if not activation_token_generator.check_token(user, token):
        return None
    if user.is_active or user.role != Role.FILER:
        return None  # a token made for an inactive filer cannot match these; refuse all the same
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def account_awaiting_activation(*, request, username: str, password: str) -> User | None:
    """The filer account `username` if it was registered but never activated and `password` is its
    password; else None, and the login goes on as usual (ACC-01, ACC-04).

    Signing in before activating is not a wrong password: the login page says so and offers to resend
    the mail, and the lockout does not count it. Only the right password reveals the state, so this says
    nothing about an account to someone who does not know its password; and while the lockout holds
    the account's login, the usual path answers, so this is no way round it. An account an
    administrator deactivated has signed in before (activation signs in), and is not "awaiting"."""
    from axes.handlers.proxy import AxesProxyHandler

    if not username or not password:
        return None
    user = User.objects.filter(
        username=username, is_active=False, role=Role.FILER, last_login__isnull=True
    ).first()
    if user is None or not AxesProxyHandler.is_allowed(request, {"username": username}):
        return None
    return user if user.check_password(password) else None


def activation_resend(*, login: str, origin: str | None = None) -> int:
    """ACC-01 重新发送激活邮件: owe a fresh activation e-mail to each account awaiting activation whose
    login name or e-mail address is `login`, at most RATE_LIMITS["activation_resend_account"] per
    account and per address. Returns how many were owed; the caller answers the same whatever it is,
    so the page tells no one which accounts exist."""
    import uuid

    from django.db.models import Q

    from beian.throttling import hit
    from review.outbox import outbox_add

    login = (login or "").strip()
    if not login or len(login) > 254:
        return 0
    owed = 0
    awaiting = User.objects.filter(
        Q(username=login) | Q(email__iexact=login), is_active=False, role=Role.FILER, last_login__isnull=True
    ).exclude(email="")
    for user in awaiting[:5]:
        if not (
            hit("activation_resend_account", f"user:{user.pk}").allowed
            and hit("activation_resend_account", f"email:{user.email.lower()}").allowed
        ):
            continue
        with transaction.atomic():
            outbox_add(
                key=f"activation:user:{user.pk}:resend:{uuid.uuid4().hex}",
                handler="activation_email",
                user_id=user.pk,
                origin=origin,
            )
        owed += 1
    return owed


# --- 主体信息 ---------------------------------------------------------------------

REQUIRED_FIELDS = (
    "name",
    "entity_type",
    "region_code",
    "address",
    "industry",
    "certificate_type",
    "uscc",
    "certificate_valid_from",
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
    *Entity.ATTACHMENT_FIELDS,
)


def entity_missing(*, entity: Entity) -> list[tuple[str, str]]:
    """What submission still needs, as (field, label) pairs in form order: one list, not one at a time —
    the empty required fields, and the fields whose typed value is kept as a draft until its format is
    right (REL-03)."""
    missing = []
    for name in REQUIRED_FIELDS:
        field = Entity._meta.get_field(name)
        value = getattr(entity, field.attname)
        if value in (None, "") and name not in (entity.draft_input or {}):
            missing.append((name, str(field.verbose_name)))
    for name in entity.draft_input or {}:
        label = str(Entity._meta.get_field(name).verbose_name)
        missing.append((name, _("%(label)s（格式不正确，请修改）") % {"label": label}))
    return missing


def entity_label(name: str) -> str:
    return str(Entity._meta.get_field(name).verbose_name)


def _entity_values(entity: Entity, names) -> dict:
    """What is saved now in these fields (a field's draft, where one is kept, as typed)."""
    values = {}
    for name in names:
        if name in (entity.draft_input or {}):
            values[name] = entity.draft_input[name]
        else:
            values[name] = getattr(entity, Entity._meta.get_field(name).attname)
    return values


@transaction.atomic
def entity_save(
    *,
    entity: Entity,
    actor,
    data: dict | None = None,
    attachments: dict | None = None,
    draft_input: dict | None = None,
    version: int | None = None,
) -> Entity:
    """Save the working copy of 主体信息 without submitting (ENT-04).

    `data` are fields whose format is right; `draft_input` (field → text as typed) those whose format is
    not yet: they are kept as a draft, shown again at their fields and named at submission, so that
    nothing typed is lost (REL-03, like the wizard's ALG-04). `version` is the version the edit was made
    from: an edit made from an older one is refused (StaleEdit) and changes nothing.

    Editable before submission and after approval (the approved version stays in force until the
    change is approved); refused from submission until the decision — the filer withdraws (撤回) a
    submission not yet claimed to edit it again (issue 16). Editing a rejected item reopens it as a draft.
    """
    row_lock(entity)
    refusal = entity.edit_refusal(_("主体信息"))
    if refusal:
        raise EntityLocked(refusal)
    data, draft_input = dict(data or {}), dict(draft_input or {})
    sent = {name: value for name, value in {**data, **draft_input}.items() if name in Entity.EDITABLE_FIELDS}
    version_check(entity, version, saved=_entity_values(entity, sent), yours=sent, labels=entity_label)
    for name, value in data.items():
        if (
            name in ("uscc", "state")
            or name in Entity.ATTACHMENT_FIELDS
            or name not in Entity.EDITABLE_FIELDS
        ):
            continue  # the USCC identifies the account; attachments come below
        setattr(entity, name, value)
    drafts = {k: v for k, v in (entity.draft_input or {}).items() if k not in data}
    drafts.update({k: str(v)[:2000] for k, v in draft_input.items() if k in Entity.EDITABLE_FIELDS})
    entity.draft_input = drafts
    for name, attachment in (attachments or {}).items():
        if attachment is not None:
            if attachment.entity_id != entity.pk or attachment.kind != name:
                raise ValidationError({name: _("附件不属于本主体或类型不符。")})
            setattr(entity, name, attachment)
    entity.full_clean(exclude=list(drafts))
    version_bump(entity)
    entity.save()
    working_copy_edited(obj=entity, actor=actor)
    return entity


@transaction.atomic
def entity_submit(*, entity: Entity, actor, version: int | None = None) -> Entity:
    """Submit 主体信息 for 主体审核 (ENT-04), or submit a change of approved information.

    Refused with the whole list of what is missing when incomplete, and (StaleEdit) when made from a page
    older than what is saved — a second click on 提交 included.
    """
    row_lock(entity)
    version_check(entity, version)
    missing = entity_missing(entity=entity)
    if missing:
        raise EntityIncomplete(missing)
    submission_perform(obj=entity, actor=actor)
    return entity


def entity_has_changes(*, entity: Entity) -> bool:
    """An approved entity whose working copy differs from the version in force, the change not yet sent:
    once submitted it waits for review and is frozen (issue 16), so nothing is unsent."""
    if entity.approved_revision_id is None or entity.state not in UNSENT_STATES:
        return False
    return entity.approved_revision.data != entity_snapshot(entity=entity)


def entity_snapshot(*, entity: Entity) -> dict:
    """The JSON form of the working copy that a revision freezes: what the filer typed and uploaded
    (dates as ISO strings, attachments by id) — never the review core's own columns."""
    data = {}
    for name in ("uscc", *Entity.EDITABLE_FIELDS, *Entity.ATTACHMENT_FIELDS):
        field = Entity._meta.get_field(name)
        value = getattr(entity, field.attname)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        data[field.attname] = value
    return data


def attachment_store(*, entity: Entity, kind: str, uploaded, actor) -> Attachment:
    """Store an upload for `entity` after checking its content and size (ENT-02)."""
    label = str(AttachmentKind(kind).label)
    content_type = upload_check(uploaded, label=label, images_only=kind in IMAGE_KINDS)
    attachment = Attachment(
        entity=entity,
        kind=kind,
        original_name=(uploaded.name or "")[-200:],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=actor,
    )
    attachment.file.save(uploaded.name, uploaded, save=False)
    attachment.save()
    return attachment


def attachment_visible_to(*, attachment: Attachment, user) -> bool:
    """Only the entity's own account and reviewers in scope may read an upload (never a public URL)."""
    if not user.is_authenticated:
        return False
    if user.is_filer:
        return user.entity_id == attachment.entity_id
    return user.can_review_region(attachment.entity.review_region_code())  # SEC-02: the region on record
