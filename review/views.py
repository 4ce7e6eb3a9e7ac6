"""The reviewers' pages: the queue, an item with its data, diff and history, and the moves (REV-02…05)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beian.regions import provinces, region_name

from .deadlines import deadlines_of, working_days_left
from .diff import labelled, revision_diff
from .forms import (
    REASON_MAX,
    NotificationsReadForm,
    QueueFilterForm,
    ReviewActForm,
    queue_algo_type_choices,
    queue_state_choices,
)
from .models import Deadline, Notification
from .notifications import notifications_mark_read
from .registry import kind_of, kinds, queue_tabs
from .selectors import (
    WAITING,
    OutOfScope,
    filer_subject,
    queue_items,
    review_history,
    review_queue,
    review_subject,
    reviewers_for,
)
from .services import (
    TransitionError,
    moves_for,
    prerequisites_waiting,
    transition_perform,
    withdrawal_perform,
)
from .transitions import CLAIMED_STATES, Action


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
    mine = request.GET.get("mine") == "1"
    if form.is_valid():
        deadlines, status = review_queue(reviewer=request.user, mine=mine, **form.cleaned_data), 200
    else:  # SEC-05: a filter the page does not offer, said at its field
        deadlines, status = Deadline.objects.none(), 400
    page = Paginator(deadlines, 25).get_page(request.GET.get("page"))
    items = queue_items(deadlines=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "review/queue.html",
        {
            "items": items,
            "page": page,
            "params": params,
            "mine": mine,
            "query": query.urlencode(),
            "kinds": kinds(),
            "provinces": provinces(),
            "states": queue_state_choices(),
            "algo_types": queue_algo_type_choices(),
            "form": form,
            # Tabs other apps keep beside the queue (RPT-01's 问题报告), each with what waits there.
            "tabs": [{"tab": tab, "count": tab.count(request.user)} for tab in queue_tabs()],
        },
        status=status,
    )


def _subject(request, key: str, pk: int):
    try:
        return review_subject(reviewer=request.user, key=key, pk=pk)
    except OutOfScope:
        raise Http404 from None  # out of the reviewer's province: not found


@reviewer_required
def item(request, key: str, pk: int):
    """An item under review: all its data and attachments, the diff of a change, history and moves."""
    kind, obj = _subject(request, key, pk)
    return render(request, "review/item.html", _item_context(request, kind, obj))


def _item_context(request, kind, obj, form: ReviewActForm | None = None) -> dict:
    shown = obj.pending_revision or obj.approved_revision
    data = shown.data if shown else obj.revision_data()
    diff = []
    if obj.approved_revision_id and obj.pending_revision_id:
        diff = labelled(
            revision_diff(obj.approved_revision.data, obj.pending_revision.data), kind.field_label
        )
    moves = moves_for(obj=obj, actor=request.user)
    waiting = prerequisites_waiting(obj=obj) if obj.state in WAITING else []
    return {
        "kind": kind,
        "obj": obj,
        "data": data,
        "diff": diff,
        "history": review_history(obj=obj),
        "moves": moves,
        "reason_max": REASON_MAX,
        "claimed": obj.state in CLAIMED_STATES,
        "waiting": [(kind_of(p), p) for p in waiting],
        "assignees": (
            reviewers_for(obj=obj).exclude(pk=obj.claimed_by_id)
            if any(m.action == Action.REASSIGN for m in moves)
            else []
        ),
        "form": form,
        "deadlines": [(d, working_days_left(d)) for d in deadlines_of(obj)],
        "detail_template": kind.detail_template,
        "region": region_name(obj.review_region_code() or ""),
        **(kind.describe(obj, data) if kind.describe else {}),
    }


@reviewer_required
@require_POST
def act(request, key: str, pk: int):
    """Perform one reviewer move; an illegal one is refused with the reason and changes nothing."""
    kind, obj = _subject(request, key, pk)
    form = ReviewActForm(request.POST, assignees=reviewers_for(obj=obj))
    if not form.is_valid():
        messages.error(request, _("提交的内容有误，请按提示修改。"))
        return render(request, "review/item.html", _item_context(request, kind, obj, form), status=400)
    action = form.cleaned_data["action"]
    try:
        transition_perform(
            obj=obj,
            action=action,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            assignee=form.cleaned_data["assignee"],
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("已%(action)s：%(title)s") % {"action": Action(action).label, "title": obj}
        )
        if not request.user.can_review_region(obj.review_region_code()):
            # An approved move of the entity hands it, and what it owns, to another province's office.
            messages.info(request, _("该主体的注册地已变更至其他省份，相关事项已转由当地网信部门审核。"))
            return redirect("review:queue")
    return redirect("review:item", key=key, pk=pk)


@login_required
@require_POST
def withdraw(request, key: str, pk: int):
    """撤回 (issue 16): the filer takes back a submission not yet claimed, then edits it and submits again."""
    from beian.concurrency import StaleEdit, posted_version

    if not request.user.is_filer:
        raise PermissionDenied
    try:
        obj = filer_subject(filer=request.user, key=key, pk=pk)
    except OutOfScope:
        raise Http404 from None
    try:
        withdrawal_perform(obj=obj, actor=request.user, version=posted_version(request))
    except StaleEdit:
        messages.error(request, _("此事项在您打开页面后已有变化（可能已被审核人员认领），请核对后再操作。"))
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已撤回。您可以继续修改，修改完成后请重新提交审核。"))
    return redirect(obj.review_filer_url())


@login_required
@require_GET
def notifications(request):
    """消息: the signed-in user's messages. Reading the list changes nothing (issue 14): a message is
    marked read by its 标为已读 button, by opening its link, or by 全部标为已读 (POSTs below)."""
    items = list(Notification.objects.filter(user=request.user)[:100])
    newest = max((n.pk for n in items), default=None)
    unread = any(n.read_at is None for n in items)
    return render(request, "review/notifications.html", {"items": items, "newest": newest, "unread": unread})


@login_required
@require_POST
def notifications_read(request):
    """全部标为已读: the messages up to the newest the list showed (`up_to`), or all."""
    form = NotificationsReadForm(request.POST)
    if form.is_valid():
        notifications_mark_read(user=request.user, up_to=form.cleaned_data["up_to"])
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request, pk: int):
    """标为已读, or opening a message's link (`open`): marks the user's own message read, then goes to
    its link or back to the list. Another user's message is not found."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications_mark_read(user=request.user, pk=notification.pk)
    target = notification.url
    if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications")
