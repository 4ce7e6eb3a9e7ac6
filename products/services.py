"""Product services (PRD-01…05). Pages and the API both call these."""

from __future__ import annotations

import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from beian.concurrency import version_bump, version_check
from filers.models import Entity
from review.deadlines import deadline_open, deadlines_drop
from review.models import DeadlineKind
from review.services import row_lock, submission_perform, working_copy_edited
from review.transitions import State

from .models import Function, FunctionPath, Product, ServiceForm, ServiceStatus

PACKAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$")


class ProductLocked(Exception):
    """PRD-05: the product cannot be changed now; the message says why."""


class ProductInUse(Exception):
    """Deleting what a filing covers is refused; the message names the filings."""


# --- Which filings cover what (ALG-05's inheritance, read from the products' side) ---------


def _coverage_model():
    # algorithms builds on products; products reads its coverage without importing it.
    return apps.get_model("algorithms", "Coverage")


def filings_covering(obj: Product | FunctionPath | Function, *, include_drafts: bool = True) -> QuerySet:
    """The filings (not cancelled or revoked) whose step ③ covers `obj`, directly or by inheritance."""
    Coverage = _coverage_model()
    if isinstance(obj, Product):
        hit = Q(product=obj) | Q(path__product=obj) | Q(function__path__product=obj)
    elif isinstance(obj, FunctionPath):
        hit = Q(product_id=obj.product_id) | Q(path=obj) | Q(function__path=obj)
    else:
        hit = Q(product_id=obj.path.product_id) | Q(path_id=obj.path_id) | Q(function=obj)
    filing_ids = Coverage.objects.filter(hit).values("filing_id")
    filings = (
        apps.get_model("algorithms", "Filing")
        .objects.filter(pk__in=filing_ids)
        .exclude(state__in=(State.CANCELLED, State.REVOKED))
    )
    if not include_drafts:
        filings = filings.exclude(state=State.DRAFT)
    return filings.order_by("id")


def product_is_linked(product: Product) -> bool:
    """PRD-05: linked to an algorithm = covered by a filing that has been submitted (drafts do not lock)."""
    return filings_covering(product, include_drafts=False).exists()


def product_edit_check(product: Product) -> None:
    """PRD-05: raise ProductLocked when the filer may not change the product now."""
    if product.approved_revision_id is None and product_is_linked(product):
        raise ProductLocked(
            _("产品“%(name)s”已关联算法备案，需待产品审核通过后方可修改。") % {"name": product.name}
        )
    refusal = product.edit_refusal(_("产品“%(name)s”") % {"name": product.name})
    if refusal:
        raise ProductLocked(refusal)


# --- Products ------------------------------------------------------------------------------

PRODUCT_FIELDS = (
    "name",
    "service_forms",
    "url",
    "app_store",
    "app_package",
    "download_url",
    "site_screenshot",
    "site_map",
    "positioning",
    "features",
    "user_groups",
    "service_status",
    "start_date",
    "end_date",
    "audience",
    "registered_users",
    "monthly_active_users",
    "key_data_note",
)


# APP/网站情况说明: asked at submission (a draft saves without them), limited like the filing's long text.
DESCRIPTION_FIELDS = ("positioning", "features", "user_groups")
DESCRIPTION_LIMIT = 2000
TEXT_FIELDS = ("url", "app_store", "app_package", "download_url", "key_data_note", *DESCRIPTION_FIELDS)


def product_missing(*, product: Product) -> list[tuple[str, str]]:
    """What submission still needs of the product itself, as (field, label): the 情况说明, for an APP
    where to download it, for a website its homepage screenshot and site map (seed 001)."""
    names = [name for name in DESCRIPTION_FIELDS if not (getattr(product, name) or "").strip()]
    if ServiceForm.APP in (product.service_forms or []) and not product.download_url:
        names.append("download_url")
    if ServiceForm.WEBSITE in (product.service_forms or []):
        names += [name for name in Product.ATTACHMENT_FIELDS if not getattr(product, f"{name}_id")]
    return [(name, str(Product._meta.get_field(name).verbose_name)) for name in names]


def product_validate(product: Product) -> None:
    """PRD-02: the product's fields, each error at its field."""
    errors: dict[str, list[str]] = {}
    if not (product.name or "").strip():
        errors["name"] = [_("请填写产品名称。")]
    forms = product.service_forms or []
    if not forms:
        errors["service_forms"] = [_("请至少选择一种服务形式。")]
    elif any(f not in ServiceForm.values for f in forms):
        errors["service_forms"] = [_("服务形式不正确。")]
    if product.url:
        try:
            URLValidator(schemes=["http", "https"])(product.url)
        except ValidationError:
            errors["url"] = [_("访问地址应为以http://或https://开头的有效网址。")]
    if product.download_url:
        try:
            URLValidator(schemes=["http", "https"])(product.download_url)
        except ValidationError:
            errors["download_url"] = [_("下载链接应为以http://或https://开头的有效网址。")]
    for name in Product.ATTACHMENT_FIELDS:
        attachment = getattr(product, name)
        # Only the entity's own upload of that kind (the form and the API choose among those already).
        if attachment is not None and (attachment.entity_id != product.entity_id or attachment.kind != name):
            errors[name] = [_("附件不存在。")]
    for name in DESCRIPTION_FIELDS:
        if len(getattr(product, name) or "") > DESCRIPTION_LIMIT:
            label = Product._meta.get_field(name).verbose_name
            errors[name] = [
                _("%(label)s不超过%(n)s字，当前%(len)s字。")
                % {"label": label, "n": DESCRIPTION_LIMIT, "len": len(getattr(product, name))}
            ]
    if ServiceForm.APP in forms:
        if not product.app_store.strip():
            errors["app_store"] = [_("服务形式包含APP时，请填写应用商店。")]
        if not PACKAGE.match(product.app_package or ""):
            errors["app_package"] = [_("请填写APP包名，如com.example.app。")]
    if any(f in forms for f in (ServiceForm.WEBSITE, ServiceForm.MINI_PROGRAM)) and not product.url:
        errors["url"] = [_("服务形式包含网站或小程序时，请填写访问地址。")]
    if (
        product.service_status in (ServiceStatus.OPERATING, ServiceStatus.TERMINATED)
        and not product.start_date
    ):
        errors["start_date"] = [_("请填写服务开始日期。")]
    if product.service_status == ServiceStatus.TERMINATED and not product.end_date:
        errors["end_date"] = [_("服务已终止的，请填写服务终止日期。")]
    if product.start_date and product.end_date and product.end_date < product.start_date:
        errors["end_date"] = [_("服务终止日期不能早于开始日期。")]
    if (
        product.service_status == ServiceStatus.NOT_LAUNCHED
        and product.start_date
        and product.start_date <= timezone.localdate()
    ):
        errors["start_date"] = [_("未上线的产品，计划上线日期应晚于今天。")]
    if errors:
        raise ValidationError(errors)


def _apply(product: Product, data: dict) -> None:
    for name in PRODUCT_FIELDS:
        if name in data:
            value = data[name]
            setattr(
                product,
                name,
                value if value is not None or name not in TEXT_FIELDS else "",
            )


def _save_unique(product: Product) -> None:
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as exc:
        raise ValidationError({"name": [_("已有同名产品。")]}) from exc


@transaction.atomic
def product_create(*, entity, actor, data: dict) -> Product:
    """PRD-01 step one: add a product (a draft until submitted)."""
    product = Product(entity=entity)
    _apply(product, data)
    product_validate(product)
    _save_unique(product)
    return product


def _field_label(model):
    return lambda name: str(model._meta.get_field(name).verbose_name)


def _values(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


@transaction.atomic
def product_update(*, product: Product, actor, data: dict, version: int | None = None) -> Product:
    """PRD-05: change a product: freely when no filing is linked; once linked, only after review passed.
    REL-03: an edit made from an older version of the product is refused (StaleEdit), changing nothing."""
    row_lock(product)
    sent = {name: data[name] for name in PRODUCT_FIELDS if name in data}
    version_check(product, version, saved=_values(product, sent), yours=sent, labels=_field_label(Product))
    product_edit_check(product)
    _apply(product, data)
    product_validate(product)
    version_bump(product)
    _save_unique(product)
    working_copy_edited(obj=product, actor=actor)
    if product.service_status == ServiceStatus.TERMINATED and product.end_date:
        # DL-03: the approved filings applied to a terminated product are to be cancelled in 20 working days.
        for filing in filings_covering(product, include_drafts=False).filter(state=State.APPROVED):
            deadline_open(obj=filing, kind=DeadlineKind.TERMINATION, starts_on=product.end_date)
    return product


def _refuse_if_covered(obj, what: str) -> None:
    filings = list(filings_covering(obj))
    if filings:
        names = "、".join(f"“{f}”" for f in filings)
        raise ProductInUse(
            _("%(what)s已被算法备案%(names)s关联，不能删除。请先在这些备案中取消勾选。")
            % {"what": what, "names": names}
        )


@transaction.atomic
def product_delete_check(product: Product) -> None:
    """Raise ProductLocked when the product's state forbids deleting it (coverage is checked apart)."""
    if product.state in (State.UNDER_REVIEW, State.RE_REVIEW):
        raise ProductLocked(_("产品“%(name)s”正在审核中，不能删除。") % {"name": product.name})
    if product.approved_revision_id:
        raise ProductLocked(_("审核通过的产品不能删除；产品停止服务的，请将服务状态改为已终止。"))


@transaction.atomic
def product_delete(*, product: Product, actor, version: int | None = None) -> None:
    row_lock(product)
    version_check(product, version)
    _refuse_if_covered(product, _("产品“%(name)s”") % {"name": product.name})
    product_delete_check(product)
    deadlines_drop(obj=product)  # a submitted product's review deadline leaves the queue with it
    product.delete()


@transaction.atomic
def product_submit(*, product: Product, actor, version: int | None = None) -> Product:
    """Submit a product for review (or a change of an approved one) through the review core.

    The entity information comes first (manual: 主体信息 → 产品及功能信息 → 备案信息): until it has been
    submitted there is no region on record, so no provincial office could review the product (SEC-02).
    A second click, made from the page before the first, is refused (REL-03)."""
    row_lock(product)
    version_check(product, version)
    submitted = Entity.objects.filter(pk=product.entity_id).exclude(
        pending_revision__isnull=True, approved_revision__isnull=True
    )
    if not submitted.exists():
        raise ValidationError(_("请先填报并提交主体信息，再提交产品审核。"))
    missing = product_missing(product=product)
    if missing:
        raise ValidationError(
            {
                name: (
                    _("提交审核前请上传产品“%(name)s”的%(label)s。")
                    if name in Product.ATTACHMENT_FIELDS
                    else _("提交审核前请填写产品“%(name)s”的%(label)s。")
                )
                % {"name": product.name, "label": label}
                for name, label in missing
            }
        )
    if not product.paths.exists():
        raise ValidationError(_("请先为产品“%(name)s”添加至少一条功能访问路径。") % {"name": product.name})
    if Function.objects.filter(path__product=product).count() == 0:
        raise ValidationError(_("请先在功能访问路径下添加功能信息。"))
    submission_perform(obj=product, actor=actor)
    return product


# --- Paths -------------------------------------------------------------------------------------


def _clean_steps(steps: list[str]) -> list[str]:
    cleaned = [re.sub(r"\s+", " ", (s or "")).strip() for s in steps]
    cleaned = [s for s in cleaned if s]
    if not cleaned:
        raise ValidationError({"steps": [_("访问路径至少需要一步，例如：首页。")]})
    if any(len(s) > 50 for s in cleaned):
        raise ValidationError({"steps": [_("每一步不超过50个字。")]})
    if len(cleaned) > 10:
        raise ValidationError({"steps": [_("访问路径最多10步。")]})
    return cleaned


def _save_path(path: FunctionPath, steps: list[str]) -> FunctionPath:
    path.steps = steps
    path.steps_key = "\u2192".join(steps)
    try:
        with transaction.atomic():
            path.save()
    except IntegrityError as exc:
        raise ValidationError({"steps": [_("该产品已有相同的访问路径。")]}) from exc
    return path


@transaction.atomic
def path_create(*, product: Product, actor, steps: list[str]) -> FunctionPath:
    """PRD-03: add a function access path; the steps are kept exactly in the order given."""
    row_lock(product)
    product_edit_check(product)
    position = (product.paths.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    path = _save_path(FunctionPath(product=product, position=position), _clean_steps(steps))
    working_copy_edited(obj=product, actor=actor)
    return path


@transaction.atomic
def path_update(*, path: FunctionPath, actor, steps: list[str], version: int | None = None) -> FunctionPath:
    product = Product.objects.select_for_update().get(pk=path.product_id)
    row_lock(path)
    version_check(
        path, version, saved={"steps": path.steps}, yours={"steps": steps}, labels=_field_label(FunctionPath)
    )
    product_edit_check(product)
    version_bump(path)
    _save_path(path, _clean_steps(steps))
    working_copy_edited(obj=product, actor=actor)
    return path


@transaction.atomic
def path_delete(*, path: FunctionPath, actor, version: int | None = None) -> None:
    product = Product.objects.select_for_update().get(pk=path.product_id)
    row_lock(path)
    version_check(path, version)
    _refuse_if_covered(path, _("访问路径“%(path)s”") % {"path": path})
    product_edit_check(product)
    path.delete()
    working_copy_edited(obj=product, actor=actor)


# --- Functions ---------------------------------------------------------------------------------

FUNCTION_FIELDS = ("name", "applied_where", "implementation", "business_effect")


def _function_validate(function: Function) -> None:
    errors = {}
    for name in FUNCTION_FIELDS:
        if not (getattr(function, name) or "").strip():
            errors[name] = [_("请填写%(label)s。") % {"label": Function._meta.get_field(name).verbose_name}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def function_create(*, path: FunctionPath, actor, data: dict) -> Function:
    """PRD-04: a function under a path: name, where the algorithm applies, how, its effect on the business."""
    product = Product.objects.select_for_update().get(pk=path.product_id)
    product_edit_check(product)
    position = (path.functions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    function = Function(
        path=path, position=position, **{k: (data.get(k) or "").strip() for k in FUNCTION_FIELDS}
    )
    _function_validate(function)
    function.save()
    working_copy_edited(obj=product, actor=actor)
    return function


@transaction.atomic
def function_update(*, function: Function, actor, data: dict, version: int | None = None) -> Function:
    product = Product.objects.select_for_update().get(pk=function.path.product_id)
    row_lock(function)
    sent = {name: data[name] for name in FUNCTION_FIELDS if name in data}
    version_check(function, version, saved=_values(function, sent), yours=sent, labels=_field_label(Function))
    product_edit_check(product)
    version_bump(function)
    for name in FUNCTION_FIELDS:
        if name in data:
            setattr(function, name, (data[name] or "").strip())
    _function_validate(function)
    function.save()
    working_copy_edited(obj=product, actor=actor)
    return function


@transaction.atomic
def function_delete(*, function: Function, actor, version: int | None = None) -> None:
    product = Product.objects.select_for_update().get(pk=function.path.product_id)
    row_lock(function)
    version_check(function, version)
    _refuse_if_covered(function, _("功能“%(name)s”") % {"name": function.name})
    product_edit_check(product)
    function.delete()
    working_copy_edited(obj=product, actor=actor)


def product_snapshot(*, product: Product) -> dict:
    """The JSON form of a product with its paths and functions, in order, as a revision freezes it."""
    data = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    for name in Product.ATTACHMENT_FIELDS:  # uploads by id, as the entity's revision holds them
        data[name] = getattr(product, f"{name}_id")
    for key in ("start_date", "end_date"):
        data[key] = data[key].isoformat() if data[key] else None
    data["paths"] = [
        {
            "id": path.pk,
            "steps": list(path.steps),
            "functions": [
                {"id": f.pk, **{name: getattr(f, name) for name in FUNCTION_FIELDS}}
                for f in path.functions.all()
            ],
        }
        for path in product.paths.prefetch_related("functions")
    ]
    return data
