"""The reviewers' pages: the queue, an item with its data, diff and history, and the moves (REV-02…05)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filers.regions import provinces, region_name

from .deadlines import deadlines_of, working_days_left
from .diff import labelled, revision_diff
from .forms import ActForm, QueueFilterForm, queue_algo_type_choices, queue_state_choices
from .models import Deadline, Notification
from .registry import kind_for, kinds
from .selectors import review_history, review_queue
from .services import TransitionError, transition_perform
from .transitions import Action, Side, actions_from

REASON_ACTIONS = {Action.REJECT, Action.MARK_INCOMPLETE, Action.REVOKE, Action.OFFICE_CANCEL}


def reviewer_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_reviewer:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@reviewer_required
def queue(request):
    """REV-02: the reviewer's queue, nearest deadline first, with working days left and overdue marked."""
    form = QueueFilterForm(request.GET)
    # What the reviewer picked, shown back in the filters whether it was valid or not.
    params = {k: request.GET.get(k, "") for k in form.fields}
    if form.is_valid():
        deadlines, status = review_queue(reviewer=request.user, **form.cleaned_data), 200
    else:  # SEC-05: a filter the page does not offer, said at its field
        deadlines, status = Deadline.objects.none(), 400
    page = Paginator(deadlines, 25).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # The subjects, one query per kind, with what the row shows.
    by_type: dict[int, list[int]] = {}
    for d in rows:
        by_type.setdefault(d.content_type_id, []).append(d.object_id)
    subjects = {}
    for k in kinds():
        ct = ContentType.objects.get_for_model(k.model)
        if ct.pk in by_type:
            for obj in k.model._default_manager.select_related(*k.select_related).filter(
                pk__in=by_type[ct.pk]
            ):
                subjects[(ct.pk, obj.pk)] = (k, obj)
    today = timezone.localdate()
    items = []
    for d in rows:
        kind, obj = subjects.get((d.content_type_id, d.object_id), (None, None))
        if obj is None:
            continue
        left = working_days_left(d, today)
        items.append(
            {
                "deadline": d,
                "kind": kind,
                "obj": obj,
                "left": left,
                "overdue": left is not None and left < 0,
                "overdue_days": -left if left is not None and left < 0 else 0,
                "entity": getattr(obj, "entity", obj),
                "is_change": obj.approved_revision_id is not None,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "review/queue.html",
        {
            "items": items,
            "page": page,
            "params": params,
            "query": query.urlencode(),
            "kinds": kinds(),
            "provinces": provinces(),
            "states": queue_state_choices(),
            "algo_types": queue_algo_type_choices(),
            "form": form,
        },
        status=status,
    )


def _subject(request, key: str, pk: int):
    kind = kind_for(key)
    if kind is None:
        raise Http404
    obj = kind.model._default_manager.select_related(*kind.select_related).filter(pk=pk).first()
    if obj is None or not request.user.can_review_region(obj.review_region_code()):
        raise Http404  # out of the reviewer's province: not found
    return kind, obj


@reviewer_required
def item(request, key: str, pk: int):
    """An item under review: all its data and attachments, the diff of a change, history and moves."""
    kind, obj = _subject(request, key, pk)
    return _item_page(request, kind, obj)


def _item_page(request, kind, obj, *, form: ActForm | None = None, status: int = 200):
    shown = obj.pending_revision or obj.approved_revision
    data = shown.data if shown else obj.revision_data()
    diff = []
    if obj.approved_revision_id and obj.pending_revision_id:
        diff = labelled(
            revision_diff(obj.approved_revision.data, obj.pending_revision.data), kind.field_label
        )
    moves = actions_from(obj.state, Side.REVIEWER)
    return render(
        request,
        "review/item.html",
        {
            "kind": kind,
            "obj": obj,
            "data": data,
            "diff": diff,
            "history": review_history(obj=obj),
            "moves": moves,
            "reason_actions": REASON_ACTIONS,
            "deadlines": [(d, working_days_left(d)) for d in deadlines_of(obj)],
            "detail_template": kind.detail_template,
            "region": region_name(obj.review_region_code() or ""),
            **(kind.describe(obj, data) if kind.describe else {}),
            "act_form": form,
        },
        status=status,
    )


@reviewer_required
@require_POST
def act(request, key: str, pk: int):
    """Perform one reviewer move; an illegal one is refused with the reason and changes nothing."""
    kind, obj = _subject(request, key, pk)
    form = ActForm(request.POST)
    if not form.is_valid():  # SEC-05: the item again, with the error at the field and the reason kept
        return _item_page(request, kind, obj, form=form, status=400)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        transition_perform(obj=obj, action=action, actor=request.user, reason=reason)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("已%(action)s：%(title)s") % {"action": Action(action).label, "title": obj}
        )
    return redirect("review:item", key=key, pk=pk)


@login_required
def notifications(request):
    """消息: the signed-in user's messages; opening the list marks them read."""
    items = list(Notification.objects.filter(user=request.user)[:100])
    Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return render(request, "review/notifications.html", {"items": items})
