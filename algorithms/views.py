"""备案信息 pages: the four-step wizard, drafts box, list and detail (ALG-01…11). Thin over services."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from beian.concurrency import StaleEdit, idempotent_create, posted_version
from beian.http_cache import private_document
from filers.models import AttachmentKind
from filers.services import attachment_store
from filers.views import filer_required
from products.selectors import product_tree
from review.selectors import filer_deadlines, filer_history, latest_rejection
from review.services import TransitionError
from review.transitions import State

from . import declarations, documents
from .forms import CoverageForm, FilingCancelForm, StepTextForm, declared_sections, page_items
from .models import AlgorithmType, Filing
from .selectors import filing_edit_label
from .services import (
    STEPS,
    FilingIncomplete,
    FilingLocked,
    coverage_selection,
    covered_functions,
    filing_cancel,
    filing_create,
    filing_delete_draft,
    filing_drafts,
    filing_edit_refusal,
    filing_has_changes,
    filing_problems,
    filing_save_step,
    filing_snapshot,
    filing_submit,
    products_awaiting_submission,
)

FILING_UPLOADS = ("self_assessment", "disclosure")
SENT = (State.SUBMITTED, State.MODIFIED)  # submitted (a first filing or a change) and not yet claimed


def _own_filing(request, pk: int) -> Filing:
    return get_object_or_404(Filing.objects.select_related("entity"), pk=pk, entity_id=request.user.entity_id)


# --- The wizard (ALG-01) ------------------------------------------------------------------------


def _typed_text(post, step: int, saved: dict | None = None) -> dict:
    """The free text of steps ① and ② as typed, in the shape the service saves and the page shows; a
    field asked on another page keeps its saved value. On step ③, the step-① fields asked there
    (技术服务方式) merged into the saved step ①."""
    if step == 3:
        asked = [f for f in declarations.page_fields(3) if f.input in post]
        if not asked:
            return {}
        basic = dict((saved or {}).get("basic") or {})
        basic.update({f.keys[-1]: post.get(f.input, "") for f in asked})
        return {"basic": basic}
    if step not in declarations.FORM:
        return {}
    return {declarations.FORM[step].store: declarations.typed(step, post, saved)}


def _parse_step(request, filing: Filing, step: int) -> tuple[dict, dict[str, list[str]]]:
    """What the page posted, as service arguments, and the upload errors found on the way."""
    post, errors = request.POST, {}
    kwargs = _typed_text(post, step, filing.data)
    if step == 1:
        attachments = {}
        for name in FILING_UPLOADS:
            uploaded = request.FILES.get(name)
            if uploaded:
                try:
                    attachments[name] = attachment_store(
                        entity=filing.entity, kind=name, uploaded=uploaded, actor=request.user
                    )
                except ValidationError as exc:
                    errors[name] = exc.messages
        kwargs["attachments"] = attachments
    elif step == 3:
        form = CoverageForm(post)
        form.is_valid()  # filing_step refused the page before it came here if it was not
        kwargs["coverage"] = form.cleaned_data
    return kwargs, errors


def _step_context(
    filing: Filing, step: int, errors: dict[str, list[str]], problems=None, typed: dict | None = None
) -> dict:
    data = {**(filing.data or {}), **(typed or {})}  # what was typed, when the page was refused
    context = {
        "filing": filing,
        "version": filing.version,
        "step": step,
        "steps": STEPS.items(),
        "errors": errors,
        "problems": problems or [],
        "basic": data.get("basic") or {},
        "details": data.get("details") or {},
    }
    if step in declarations.FORM:
        context["sections"] = declared_sections(step, data, errors)
    if step == 3:
        context["page_items"] = page_items(3, data, errors)
        context["products"] = products = list(product_tree(entity=filing.entity))
        context["awaiting_submission"] = products_awaiting_submission(filing=filing, products=products)
        context["selection"] = coverage_selection(filing=filing)
        context["covered"] = covered_functions(filing=filing)
    if step == 4:
        context["snapshot"] = filing_snapshot(filing=filing)
    return context


def _problem_errors(problems) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for p in problems:
        errors.setdefault(p.field, []).append(p.message)
    return errors


@filer_required
@require_POST
def filing_new(request):
    """新增备案: a new draft, opened at step ①. The button's page carries a token: a double click makes one
    draft, not two (REL-03)."""
    token = (request.POST.get("form_token") or "").strip()[:64] or None
    filing = idempotent_create(
        actor=request.user,
        key=token,
        scope="filing",
        create=lambda: filing_create(entity=request.user.entity, actor=request.user),
    )
    return redirect("algorithms:step", pk=filing.pk, step=1)


@filer_required
@require_http_methods(["GET", "POST"])
def filing_step(request, pk: int, step: int):
    """One step of the wizard. 保存至草稿箱 saves what was typed, valid or not (ALG-04); 下一步 saves and,
    when the step is complete, moves on; 提交 (step ④) submits after the last check (ALG-07)."""
    if step not in STEPS:
        raise Http404
    filing = _own_filing(request, pk)
    refusal = filing_edit_refusal(filing)
    if refusal:
        if request.method == "POST" and request.POST.get("action") == "submit" and filing.state in SENT:
            messages.info(request, _("该备案申请已提交，无需重复提交。"))  # a second click on 提交 (REL-03)
        else:
            messages.error(request, refusal)
        return redirect("algorithms:detail", pk=filing.pk)
    if request.method == "GET":
        # Arriving from step ④'s list of what is missing (?check=1): say at each field what it needs.
        errors = {}
        if request.GET.get("check"):
            errors = _problem_errors([p for p in filing_problems(filing=filing) if p.step == step])
        return render(request, "algorithms/step.html", _step_context(filing, step, errors))

    if step in (1, 2):
        text = StepTextForm(step, request.POST)
        if not text.is_valid():  # SEC-05: NUL or over a limit, said at the field; the rest shown as typed
            typed = _typed_text(request.POST, step, filing.data)
            return render(
                request,
                "algorithms/step.html",
                _step_context(filing, step, text.page_errors(), typed=typed),
                status=400,
            )
    if step == 3:
        coverage = CoverageForm(request.POST)
        if not coverage.is_valid():  # SEC-05: a tampered id, refused at the field; nothing saved
            context = _step_context(filing, step, {"coverage": coverage.error_messages_list()})
            context["selection"] = coverage.posted_selection()
            return render(request, "algorithms/step.html", context, status=400)
    action = request.POST.get("action", "save")
    kwargs, errors = _parse_step(request, filing, step)
    try:
        filing = filing_save_step(
            filing=filing, actor=request.user, step=step, version=posted_version(request), **kwargs
        )
    except StaleEdit as exc:
        return _step_stale(request, filing, step, action, exc, errors, kwargs)
    except FilingLocked as exc:
        messages.error(request, str(exc))
        return redirect("algorithms:detail", pk=filing.pk)
    if errors:  # an upload was refused: everything else is saved; say so at the field
        messages.error(request, _("有附件未能上传，请按提示修改；其他内容已保存。"))
        return render(request, "algorithms/step.html", _step_context(filing, step, errors))
    return _step_move(request, filing, step, action)


def _step_stale(request, filing: Filing, step: int, action: str, exc: StaleEdit, errors, kwargs):
    """REL-03: another login saved this draft since the page was made: nothing saved, what was typed kept
    beside what differs. A second click on 提交 (the first one submitted it) is told so instead."""
    if action == "submit" and step == 4 and not exc.changes and filing.state in SENT:
        messages.info(request, _("该备案申请已提交，无需重复提交。"))
        return redirect("algorithms:detail", pk=filing.pk)
    messages.error(request, _("未保存：此备案已被另一个登录修改。请核对下列不同之处后再保存。"))
    context = _step_context(filing, step, errors, typed=_typed_text(request.POST, step, filing.data))
    context.update({"stale": exc, "version": exc.current})
    if step == 3:
        context["selection"] = {k: set(v) for k, v in kwargs["coverage"].items()}
    return render(request, "algorithms/step.html", context, status=409)


def _step_move(request, filing: Filing, step: int, action: str):
    """After a step was saved: stay (保存至草稿箱), go back, go on when the step is complete, or submit."""
    if action == "save":
        messages.success(request, _("已保存至草稿箱。"))
        return redirect("algorithms:step", pk=filing.pk, step=step)
    if action == "prev":
        return redirect("algorithms:step", pk=filing.pk, step=max(1, step - 1))
    if action == "next":
        problems = [p for p in filing_problems(filing=filing) if p.step == step]
        if problems:
            messages.warning(
                request, _("已保存。本步骤还有内容需要完善，请按提示修改；也可以先保存至草稿箱。")
            )
            return render(
                request, "algorithms/step.html", _step_context(filing, step, _problem_errors(problems))
            )
        return redirect("algorithms:step", pk=filing.pk, step=min(4, step + 1))
    if action == "submit" and step == 4:
        return _step_submit(request, filing)
    return redirect("algorithms:step", pk=filing.pk, step=step)


def _step_submit(request, filing: Filing):
    try:
        filing_submit(filing=filing, actor=request.user, commitment=request.POST.get("commitment") == "on")
    except FilingIncomplete as exc:
        messages.error(request, _("还有内容需要完善，请按下列提示修改后再提交。"))
        return render(
            request,
            "algorithms/step.html",
            _step_context(filing, 4, _problem_errors(exc.problems), exc.problems),
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("algorithms:detail", pk=filing.pk)
    messages.success(request, _("备案申请已提交，请等待网信部门审核。"))
    return redirect("algorithms:detail", pk=filing.pk)


@filer_required
def filing_document(request, pk: int, kind: str):
    """The templates of step ①, pre-filled with what has been typed."""
    filing = _own_filing(request, pk)
    render_pdf = {
        "self_assessment": documents.self_assessment_template_pdf,
        "disclosure": documents.disclosure_template_pdf,
    }.get(kind)
    if render_pdf is None:
        raise Http404
    # Laid out once while the draft is unchanged (filers.documents caches by the HTML).
    pdf = render_pdf(filing=filing)
    filename = f"{AttachmentKind(kind).label}.pdf"
    return private_document(request, pdf, content_type="application/pdf", filename=filename)


# --- Drafts box (ALG-08), list (ALG-09), detail (ALG-10) -------------------------------------------


@filer_required
def drafts(request):
    """草稿箱: reachable from the nickname menu and from 备案信息 (ALG-08)."""
    return render(
        request,
        "algorithms/drafts.html",
        {"drafts": filing_drafts(entity=request.user.entity), "steps": dict(STEPS)},
    )


@filer_required
@require_POST
def draft_delete(request, pk: int):
    filing = _own_filing(request, pk)
    try:
        filing_delete_draft(filing=filing, actor=request.user, version=posted_version(request))
    except (FilingLocked, StaleEdit) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("草稿“%(name)s”已删除。") % {"name": filing})
    return redirect("algorithms:drafts")


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Filings not yet reviewed sort after the reviewed ones in either direction, on every database."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


class FilingFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"), choices=State.choices, empty_label=gettext_lazy("全部")
    )
    algo_type = django_filters.ChoiceFilter(
        label=gettext_lazy("算法类型"), choices=AlgorithmType.choices, empty_label=gettext_lazy("全部")
    )
    order = NullsLastOrderingFilter(
        label=gettext_lazy("排序"),
        fields=(("submitted_at", "submitted_at"), ("reviewed_at", "reviewed_at")),
        # Each option's whole label, in one language: django-filter would append its own "(descending)".
        field_labels={
            "submitted_at": gettext_lazy("提交时间（从早到晚）"),
            "-submitted_at": gettext_lazy("提交时间（从晚到早）"),
            "reviewed_at": gettext_lazy("审核时间（从早到晚）"),
            "-reviewed_at": gettext_lazy("审核时间（从晚到早）"),
        },
        empty_label=gettext_lazy("默认（最近提交在前）"),
    )

    class Meta:
        model = Filing
        fields = ["state", "algo_type"]


@filer_required
def filing_list(request):
    """备案信息: every submitted filing of the entity, filtered and sorted (ALG-09)."""
    # The wizard's data (a kilobyte or more a filing) is not shown in the list: a later page of an entity
    # with thousands of filings sorts them all, and sorted them with it (issue 17: the last page of 2,000
    # sorted 4 MB; 12–41 → 4–8 ms on a busy machine).
    submitted = (
        Filing.objects.filter(entity=request.user.entity, submitted_at__isnull=False)
        .defer("data")
        .order_by("-submitted_at", "-id")
    )
    filterset = FilingFilter(request.GET or None, queryset=submitted)
    # SEC-05: a state, type or order the page does not offer is said at its field, with a 400.
    valid = not filterset.is_bound or filterset.is_valid()
    page = Paginator(filterset.qs if valid else submitted.none(), 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "algorithms/list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "draft_count": filing_drafts(entity=request.user.entity).count(),
        },
        status=200 if valid else 400,
    )


@filer_required
def filing_detail(request, pk: int):
    """备案申请详情: data, state, history, number once approved; 注销 and 修改 (ALG-10, ALG-11)."""
    return _detail_page(request, _own_filing(request, pk))


def _detail_page(request, filing: Filing, *, cancel_form: FilingCancelForm | None = None, status: int = 200):
    approved = filing.approved_revision.data if filing.approved_revision_id else None
    return render(
        request,
        "algorithms/detail.html",
        {
            "filing": filing,
            "snapshot": filing_snapshot(filing=filing),
            "approved": approved,
            "has_changes": filing_has_changes(filing=filing),
            "edit_label": filing_edit_label(filing=filing),
            "history": filer_history(obj=filing),
            "rejection": latest_rejection(obj=filing),
            "today": timezone.localdate().isoformat(),
            "cancel_form": cancel_form,
            # 注销 from the 备案信息 list (?cancel=1) opens the application form at once.
            "open_cancel": request.GET.get("cancel") == "1",
            "deadline_rows": filer_deadlines(entity_id=filing.entity_id, obj=filing),
        },
        status=status,
    )


@filer_required
@require_POST
def filing_cancel_view(request, pk: int):
    """申请注销 after confirmation, with the date the service terminated (ALG-10, DL-03); the office
    confirms it (REV-01) and until then the filing stays in force."""
    filing = _own_filing(request, pk)
    form = FilingCancelForm(request.POST)
    if not form.is_valid():  # SEC-05: the detail page again, the errors at their fields, the date kept
        return _detail_page(request, filing, cancel_form=form, status=400)
    try:
        filing_cancel(
            filing=filing,
            actor=request.user,
            terminated_on=form.cleaned_data["terminated_on"],
            version=posted_version(request),
        )
    except StaleEdit:
        messages.error(request, _("此备案在您打开页面后已有变化，请核对后再注销。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("注销申请已提交。网信部门确认前，备案继续有效。"))
    return redirect(reverse("algorithms:detail", kwargs={"pk": filing.pk}))
