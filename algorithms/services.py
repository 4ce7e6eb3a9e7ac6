"""Algorithm filing services (ALG-01…11). The wizard's pages and the API both call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beian.concurrency import version_bump, version_check
from filers.models import Attachment, Entity
from products.models import Function, FunctionPath, Product
from review.deadlines import deadline_open, deadlines_drop
from review.models import DeadlineKind
from review.services import row_lock, submission_perform, transition_perform, working_copy_edited
from review.transitions import UNSENT_STATES, Action, State

from . import declarations
from .models import AlgorithmType, Coverage, Filing, Role

STEPS = {
    1: declarations.BASIC.title,
    2: declarations.DETAILS.title,
    3: gettext_lazy("产品及功能信息"),
    4: gettext_lazy("确认提交"),
}


class FilingLocked(Exception):
    """The filing cannot be edited in its present state."""


@dataclass(frozen=True)
class Problem:
    """One thing that keeps a filing from submission: the step, the field and why (ALG-07)."""

    step: int
    field: str
    message: str


class FilingIncomplete(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(_("备案信息尚不完整。"))
        self.problems = problems


# --- Drafts (ALG-04, ALG-08) ---------------------------------------------------------------


def filing_create(*, entity: Entity, actor) -> Filing:
    """新增备案: an empty draft at step ①."""
    return Filing.objects.create(
        entity=entity, data={"basic": {}, "details": {}}, last_saved_at=timezone.now()
    )


def _role_rule(basic: dict) -> dict:
    """ALG-02: only a 生成合成类 (深度合成) filing says whether its entity is the provider or a technical
    supporter; any other filing is a service provider's, and has no 技术服务方式."""
    if basic.get("algo_type") != AlgorithmType.GENERATION:
        basic["role"] = Role.PROVIDER
        basic["tech_service_mode"] = ""
    return basic


def _derive_columns(filing: Filing) -> None:
    basic = filing.data.get("basic", {})
    filing.name = str(basic.get("name") or "").strip()[:100]
    filing.algo_type = basic.get("algo_type") if basic.get("algo_type") in AlgorithmType.values else ""
    filing.role = basic.get("role") if basic.get("role") in Role.values else ""


def filing_edit_refusal(filing: Filing) -> str | None:
    """Why the filer may not edit `filing` now (submitted, under review, ended), or None."""
    return filing.edit_refusal(_("备案“%(name)s”") % {"name": filing.name or _("未命名")})


def _edit_check(filing: Filing) -> None:
    refusal = filing_edit_refusal(filing)
    if refusal:
        raise FilingLocked(refusal)


@transaction.atomic
def filing_save_step(
    *,
    filing: Filing,
    actor,
    step: int,
    basic: dict | None = None,
    details: dict | None = None,
    attachments: dict[str, Attachment | None] | None = None,
    coverage: dict[str, list[int]] | None = None,
    version: int | None = None,
) -> Filing:
    """ALG-04 保存至草稿箱: save what was typed on a step, valid or not yet, and remember the step.
    REL-03: a step saved from a page older than what is saved (another login saved meanwhile) is refused
    with what differs (StaleEdit), and nothing is saved."""
    row_lock(filing)
    version_check(
        filing,
        version,
        saved=_step_values(filing.data, coverage_selection(filing=filing) if coverage is not None else None),
        yours=_step_values(
            {"basic": basic, "details": details},
            {k: set(v) for k, v in coverage.items()} if coverage is not None else None,
        ),
        labels=_step_label,
    )
    _edit_check(filing)
    data = dict(filing.data or {})
    if basic is not None:
        data["basic"] = _role_rule(declarations.normalise(1, basic))
        filing.disclosure_prefilled = False  # the filer has seen and saved the 拟公示内容
    if details is not None:
        data["details"] = declarations.normalise(2, details)
    filing.data = data
    for name, attachment in (attachments or {}).items():
        if attachment is not None:
            if attachment.entity_id != filing.entity_id or attachment.kind != name:
                raise ValidationError({name: _("附件不属于本主体。")})
            setattr(filing, name, attachment)
    if coverage is not None:
        coverage_set(filing=filing, **coverage)
    _derive_columns(filing)
    filing.last_step = step
    filing.last_saved_at = timezone.now()
    version_bump(filing)
    filing.save()
    working_copy_edited(obj=filing, actor=actor)
    _open_filer_deadlines(filing)
    return filing


def _step_values(data: dict, coverage: dict | None) -> dict:
    """A step's content by declared field (tables as text), to say what differs when a save is refused."""
    values: dict = {}
    for step in declarations.FORM.values():
        if (data or {}).get(step.store) is None:
            continue
        for f in step.fields():
            value = f.value(data)
            if f.widget == "rows":
                value = "\n".join(
                    " / ".join(str(row.get(c.name, "")) for c in f.columns)
                    for row in value
                    if isinstance(row, dict)
                )
            values[f.path] = value
    if coverage is not None:
        values.update({f"coverage.{k}": sorted(v) for k, v in coverage.items()})
    return values


def _step_label(path: str) -> str:
    from .selectors import filing_field_label

    return str(filing_field_label(path))


def _open_filer_deadlines(filing: Filing) -> None:
    """DL-01: file within 10 working days of launch; DL-02: file a change within 10 working days of it."""
    if filing.approved_revision_id is None and filing.state == State.DRAFT:
        try:
            launch = date.fromisoformat(filing.data.get("basic", {}).get("launch_date") or "")
        except ValueError:
            return
        if launch <= timezone.localdate():
            deadline_open(obj=filing, kind=DeadlineKind.LAUNCH, starts_on=launch)
    elif filing.state in (State.APPROVED, State.DRAFT) and filing_has_changes(filing=filing):
        deadline_open(obj=filing, kind=DeadlineKind.CHANGE, starts_on=timezone.localdate(), restart=False)


def filing_drafts(*, entity: Entity) -> QuerySet[Filing]:
    """ALG-08 草稿箱: filings never submitted, and changes being prepared, last saved first."""
    return Filing.objects.filter(entity=entity, state=State.DRAFT).order_by("-last_saved_at", "-id")


@transaction.atomic
@transaction.atomic
def filing_delete_draft(*, filing: Filing, actor, version: int | None = None) -> None:
    """A draft that was never submitted can be deleted from the drafts box (not one saved since the page
    asking for it was made, REL-03)."""
    row_lock(filing)
    version_check(filing, version)
    if filing.state != State.DRAFT or filing.pending_revision_id or filing.approved_revision_id:
        raise FilingLocked(_("只有从未提交过的草稿可以删除。"))
    deadlines_drop(obj=filing)
    filing.delete()


# --- Coverage (ALG-05) -------------------------------------------------------------------------


def coverage_set(*, filing: Filing, products: list[int], paths: list[int], functions: list[int]) -> None:
    """Step ③: replace the check boxes. Only the entity's own products, paths and functions count."""
    own_products = set(
        Product.objects.filter(entity_id=filing.entity_id, pk__in=products).values_list("pk", flat=True)
    )
    own_paths = set(
        FunctionPath.objects.filter(product__entity_id=filing.entity_id, pk__in=paths).values_list(
            "pk", flat=True
        )
    )
    own_functions = set(
        Function.objects.filter(path__product__entity_id=filing.entity_id, pk__in=functions).values_list(
            "pk", flat=True
        )
    )
    filing.coverages.all().delete()
    Coverage.objects.bulk_create(
        [Coverage(filing=filing, product_id=pk) for pk in sorted(own_products)]
        + [Coverage(filing=filing, path_id=pk) for pk in sorted(own_paths)]
        + [Coverage(filing=filing, function_id=pk) for pk in sorted(own_functions)]
    )


def coverage_selection(*, filing: Filing) -> dict[str, set[int]]:
    rows = list(filing.coverages.values_list("product_id", "path_id", "function_id"))
    return {
        "products": {p for p, _, _ in rows if p},
        "paths": {p for _, p, _ in rows if p},
        "functions": {f for _, _, f in rows if f},
    }


def covered_functions(*, filing: Filing) -> QuerySet[Function]:
    """ALG-05: a checked product covers all its functions, a checked path all under it, a checked
    function itself — resolved now, so what was added later under a checked product or path counts."""
    selection = coverage_selection(filing=filing)
    return (
        Function.objects.filter(
            Q(path__product_id__in=selection["products"])
            | Q(path_id__in=selection["paths"])
            | Q(pk__in=selection["functions"])
        )
        .select_related("path__product")
        .order_by("path__product_id", "path__position", "path_id", "position", "id")
    )


def covered_products(*, filing: Filing) -> list[Product]:
    """The products the filing applies to (for 应用产品), with or without functions yet."""
    selection = coverage_selection(filing=filing)
    product_ids = set(selection["products"])
    product_ids |= set(
        FunctionPath.objects.filter(pk__in=selection["paths"]).values_list("product_id", flat=True)
    )
    product_ids |= set(
        Function.objects.filter(pk__in=selection["functions"]).values_list("path__product_id", flat=True)
    )
    return list(Product.objects.filter(pk__in=product_ids).order_by("created_at", "id"))


# --- Completeness (ALG-02, ALG-03, ALG-05, ALG-07, ENT-05) -------------------------------------


def product_awaits_submission(product: Product) -> bool:
    """ENT-05, ALG-06: a product never submitted for review (a draft with no approved version) keeps a filing
    that covers it from going on past step ③ — the one rule that step ③'s notice and 下一步 both ask."""
    return product.state == State.DRAFT and product.approved_revision_id is None


def products_awaiting_submission(*, filing: Filing, products) -> list[tuple[Product, bool]]:
    """Step ③'s notice: of the entity's `products` (listed on the page), those still to be submitted for
    review, each with whether the filing covers it now (checked, or a path or function of it checked)."""
    waiting = [p for p in products if product_awaits_submission(p)]
    if not waiting:
        return []
    covered = {p.pk for p in covered_products(filing=filing)}
    return [(p, p.pk in covered) for p in waiting]


def filing_problems(*, filing: Filing, commitment: bool | None = None) -> list[Problem]:
    """Everything that keeps the filing from submission, in step order, each linked to its step."""
    problems: list[Problem] = []
    basic = filing.data.get("basic", {}) or {}

    # ① and ② as declared (ALG-02, ALG-03): required fields, table rows, formats; then the uploads.
    for step in (1, 2):
        problems += [
            Problem(page, field, message) for page, field, message in declarations.problems(step, filing.data)
        ]
        if step == 1:
            if not filing.self_assessment_id:
                problems.append(Problem(1, "self_assessment", _("请上传《算法安全自评估报告》。")))
            if not filing.disclosure_id:
                problems.append(Problem(1, "disclosure", _("请上传《拟公示内容》。")))

    # ③ products and functions (ALG-05); a technical supporter links none (ALG-02)
    has_coverage = filing.coverages.exists()
    if basic.get("role") == Role.SUPPORTER:
        if has_coverage:
            problems.append(Problem(3, "coverage", _("技术支持者不关联应用产品，请取消勾选。")))
    elif basic.get("role") == Role.PROVIDER:
        if not has_coverage:
            problems.append(Problem(3, "coverage", _("请勾选应用该算法的产品及功能。")))
        for product in covered_products(filing=filing):
            if product_awaits_submission(product):
                problems.append(
                    Problem(
                        3,
                        "coverage",
                        _("产品“%(name)s”尚未提交审核，请先在产品及功能信息中提交。")
                        % {"name": product.name},
                    )
                )

    # ENT-05: the entity information must have been submitted first.
    entity = filing.entity
    if entity.pending_revision_id is None and entity.approved_revision_id is None:
        problems.append(Problem(4, "entity", _("请先填报并提交主体信息。")))
    if commitment is not None and not commitment:
        problems.append(Problem(4, "commitment", _("请勾选“我承诺上述填报信息真实有效”。")))
    return problems


@transaction.atomic
def filing_submit(*, filing: Filing, actor, commitment: bool, version: int | None = None) -> Filing:
    """ALG-07: submit after the last check, with the commitment ticked; a change of an approved filing
    goes to re-review (ALG-11). Refused with one list of what is missing, and (REL-03) when made from a
    page older than what is saved — a second click on 提交 submits nothing twice."""
    row_lock(filing)
    version_check(filing, version)
    problems = filing_problems(filing=filing, commitment=commitment)
    if problems:
        raise FilingIncomplete(problems)
    filing.submitted_at = timezone.now()
    filing.save(update_fields=["submitted_at"])
    submission_perform(obj=filing, actor=actor)
    return filing


@transaction.atomic
def filing_cancel(*, filing: Filing, actor, terminated_on: date, version: int | None = None) -> Filing:
    """ALG-10 申请注销: apply for the cancellation of an approved filing, with the day the service ended
    (DL-03's 20 working days count from it); the office confirms or refuses it (REV-01), and until then the
    filing stays in force."""
    row_lock(filing)
    version_check(filing, version)
    if terminated_on > timezone.localdate():
        raise ValidationError({"terminated_on": _("服务终止日期不能晚于今天。")})
    filing.terminated_on = terminated_on
    filing.save(update_fields=["terminated_on"])
    transition_perform(
        obj=filing, action=Action.CANCEL, actor=actor, reason=_("服务于%(d)s终止") % {"d": terminated_on}
    )
    return filing


def filing_has_changes(*, filing: Filing) -> bool:
    """An approved filing whose working copy differs from the version in force, the change not yet sent:
    once submitted it waits for review and is frozen (issue 16), so nothing is unsent."""
    if filing.approved_revision_id is None or filing.state not in UNSENT_STATES:
        return False
    return filing.approved_revision.data != filing_snapshot(filing=filing)


def filing_snapshot(*, filing: Filing) -> dict:
    """The filing as a revision freezes it: wizard data, uploads, and the coverage resolved now."""
    selection = coverage_selection(filing=filing)
    products = []
    by_product: dict[int, dict] = {}
    for function in covered_functions(filing=filing):
        product = function.path.product
        if product.pk not in by_product:
            by_product[product.pk] = {
                "id": product.pk,
                "name": product.name,
                "service_forms": list(product.service_forms),
                "functions": [],
            }
            products.append(by_product[product.pk])
        by_product[product.pk]["functions"].append(
            {"id": function.pk, "name": function.name, "path": list(function.path.steps)}
        )
    for product in covered_products(filing=filing):
        if product.pk not in by_product:
            products.append(
                {
                    "id": product.pk,
                    "name": product.name,
                    "service_forms": list(product.service_forms),
                    "functions": [],
                }
            )
    return {
        "basic": dict(filing.data.get("basic", {})),
        "details": dict(filing.data.get("details", {})),
        "self_assessment": filing.self_assessment_id,
        "disclosure": filing.disclosure_id,
        "coverage": {key: sorted(value) for key, value in selection.items()},
        "products": products,
    }


# --- Filing numbers (NUM-01, REL-01, REL-02) --------------------------------------------------


def filing_number_issue(*, filing_id: int) -> str | None:
    """Issue an approved filing's number and tell the filer, once: an outbox handler and the sweep's
    repair. The filing's row is locked first, so of any number of workers and sweeps only the one that
    issues the number writes the message, in the same transaction (REL-02)."""
    from review.notifications import notify
    from review.numbers import number_display

    from .numbers import number_issue

    with transaction.atomic():
        filing = Filing.objects.select_for_update().filter(pk=filing_id).first()
        if filing is None or filing.number:
            return filing.number if filing else None
        digits = number_issue(filing=filing)
        account = getattr(filing.entity, "account", None)
        if digits and account is not None:
            notify(
                user=account,
                title=_("“%(title)s”的备案编号：%(number)s")
                % {"title": filing, "number": number_display(digits)},
                url=reverse("algorithms:detail", args=[filing.pk]),
            )
        return digits


def filing_launch_deadlines_open() -> int:
    """DL-01, DL-06: a draft saved with a launch date still ahead gets its 10-working-day deadline once
    that date arrives, not only when the filer saves it again (the sweep's repair). Returns how many were
    opened; one that was already open is left as it is."""
    from review.models import Deadline

    opened = 0
    waiting = Filing.objects.filter(state=State.DRAFT, approved_revision__isnull=True).exclude(
        pk__in=Deadline.objects.filter(
            content_type__app_label="algorithms", content_type__model="filing", kind=DeadlineKind.LAUNCH
        ).values("object_id")
    )
    for filing in waiting.select_related("entity"):
        try:
            launch = date.fromisoformat((filing.data or {}).get("basic", {}).get("launch_date") or "")
        except (ValueError, TypeError, AttributeError):
            continue
        if launch <= timezone.localdate():
            with transaction.atomic():
                deadline_open(obj=filing, kind=DeadlineKind.LAUNCH, starts_on=launch, restart=False)
            opened += 1
    return opened


def filing_numbers_repair() -> int:
    """The sweep's repair: approved filings still without a number (a lost message, a dead worker), each
    on its own so that one failure does not stop the others. Returns how many were issued."""
    import logging

    issued = 0
    missing = Filing.objects.filter(number__isnull=True, approved_revision__isnull=False)
    for pk in missing.values_list("pk", flat=True):
        try:
            if filing_number_issue(filing_id=pk):
                issued += 1
        except Exception:  # noqa: BLE001 — logged; the next filing is repaired all the same
            logging.getLogger(__name__).exception("sweep: filing %s got no number", pk)
    return issued
