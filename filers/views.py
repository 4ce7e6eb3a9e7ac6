from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from beian.concurrency import StaleEdit, keep_typed, posted_version
from beian.http_cache import private_document
from beian.portal_origin import request_origin
from beian.regions import regions
from beian.throttling import rate_limited
from review.selectors import filer_deadlines, filer_history, latest_rejection
from review.services import TransitionError
from review.transitions import State

from . import documents
from .export import entity_export_file
from .forms import ActivationResendForm, EntityForm, RegistrationForm, entity_form_data
from .models import Attachment, Entity
from .selectors import entity_attachments, entity_display_sections
from .services import (
    EntityIncomplete,
    EntityLocked,
    account_activate,
    account_register,
    activation_resend,
    attachment_visible_to,
    entity_has_changes,
    entity_missing,
    entity_save,
    entity_submit,
)


def filer_required(view):
    """Pages of the filer's own entity: signed in, a filer account with an entity."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_filer or request.user.entity_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
def workspace(request):
    """The main page after login (manual 图 4): the three parts to fill."""
    entity = request.user.entity if request.user.is_filer else None
    rows = filer_deadlines(entity_id=entity.pk) if entity is not None else []
    return render(request, "filers/workspace.html", {"entity": entity, "deadline_rows": rows})


@require_http_methods(["GET", "POST"])
@rate_limited("register", methods=("POST",))
def register(request):
    """ACC-01/02: register an entity's one account; activated by an e-mailed link."""
    if request.user.is_authenticated:
        return redirect("filers:workspace")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_register(
                entity_name=data["entity_name"],
                uscc=data["uscc"],
                address=data["address"],
                legal_rep_name=data["legal_rep_name"],
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                mobile=data["mobile"],
            )
        except ValidationError as exc:  # lost a race with a registration of the same entity
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
        else:
            request.session["registered_email"] = user.email
            return redirect("filers:register_done")
    return render(request, "filers/register.html", {"form": form})


def register_done(request):
    return render(
        request, "filers/register_done.html", {"email": request.session.get("registered_email", "")}
    )


def activate(request, uidb64: str, token: str):
    user = account_activate(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "filers/activate_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("账号已激活。请先填报主体信息。"))
    return redirect("filers:entity")


@require_http_methods(["GET", "POST"])
@rate_limited("activation_resend", methods=("POST",))
def activation_resend_view(request):
    """ACC-01 重新发送激活邮件: the same answer whether or not such an account exists (no enumeration);
    limited per client address here and per account in the service."""
    form = ActivationResendForm(request.POST or None, initial={"login": request.GET.get("login", "")[:254]})
    if request.method == "POST" and form.is_valid():
        activation_resend(login=form.cleaned_data["login"], origin=request_origin())
        messages.info(
            request,
            _("如果该账号已注册且尚未激活，激活邮件已重新发送到注册时填写的联系邮箱，请查收。"),
        )
        return redirect("filers:login")
    return render(
        request, "filers/activation_resend.html", {"form": form}, status=400 if form.errors else 200
    )


@filer_required
def entity_detail(request):
    """主体信息: what is on file, its state and history; personal numbers masked (ENT-01, ENT-04)."""
    entity = request.user.entity
    return render(
        request,
        "filers/entity_detail.html",
        {
            "entity": entity,
            "sections": entity_display_sections(entity=entity, masked=True),
            "attachments": entity_attachments(entity=entity),
            "missing": entity_missing(entity=entity),
            "history": filer_history(obj=entity),
            "rejection": latest_rejection(obj=entity),
            "has_changes": entity_has_changes(entity=entity),
            "deadline_rows": filer_deadlines(entity_id=entity.pk, obj=entity),
        },
    )


@filer_required
@require_http_methods(["GET", "POST"])
def entity_edit(request):
    """Edit 主体信息: 保存 keeps the draft, everything typed (REL-03: a field whose format is wrong is kept as
    typed and marked); 提交审核 also submits it (ENT-04). An edit made from an older page is refused, with
    what differs, and what was typed stays on the page."""
    entity = request.user.entity
    refusal = entity.edit_refusal(_("主体信息"))
    if refusal:
        messages.error(request, refusal)
        return redirect("filers:entity")
    missing: list = []
    stale = None
    if request.method == "GET":
        if entity.draft_input:  # what was kept as typed: shown again, at its fields, with why
            form = EntityForm(entity_form_data(entity), instance=entity, actor=request.user)
            form.is_valid()
        else:
            form = EntityForm(instance=entity, actor=request.user)
        return render(request, "filers/entity_form.html", {"form": form, "entity": entity})

    form = EntityForm(request.POST, request.FILES or None, instance=entity, actor=request.user)
    valid = form.is_valid()
    typed_fields = set(Entity.EDITABLE_FIELDS)
    model_data = {k: v for k, v in form.cleaned_data.items() if k in typed_fields and k not in form.errors}
    drafts = {k: request.POST.get(k, "") for k in form.errors if k in typed_fields}
    try:
        entity_save(
            entity=entity,
            actor=request.user,
            data=model_data,
            attachments=form.pending,
            draft_input=drafts,
            version=form.cleaned_data.get("version") if "version" not in form.errors else 0,
        )
        if valid and request.POST.get("action") == "submit":
            entity_submit(entity=entity, actor=request.user)
            messages.success(request, _("主体信息已提交审核。"))
            return redirect("filers:entity")
    except StaleEdit as exc:
        stale = exc
        keep_typed(form, exc.current)
        messages.error(request, _("未保存：主体信息已被另一个登录修改。请核对后再保存。"))
        context = {"form": form, "entity": entity, "missing": missing, "stale": stale}
        return render(request, "filers/entity_form.html", context, status=409)
    except ValidationError as exc:  # the model's own rules, said at their fields (SEC-05)
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        messages.error(request, _("有内容填写不正确，请按提示修改。"))
    except EntityIncomplete as exc:
        missing = exc.missing
        messages.warning(request, _("已保存。提交前还需填写以下内容。"))
    except (EntityLocked, TransitionError) as exc:
        messages.error(request, str(exc))
        return redirect("filers:entity")
    else:
        if not form.errors:
            messages.success(request, _("已保存。"))
            return redirect("filers:entity")
        if drafts:
            labels = "、".join(str(form.fields[name].label) for name in drafts)
            messages.warning(
                request,
                _(
                    "已保存您填写的其他内容和上传的附件。以下%(n)s项格式不正确，已按您填写的原样保留为草稿，"
                    "修改正确前不会生效，也不能提交审核：%(fields)s。"
                )
                % {"n": len(drafts), "fields": labels},
            )
        refused = [str(form.fields[name].label) for name in form.errors if name in Entity.ATTACHMENT_FIELDS]
        if refused:
            messages.error(
                request,
                _("以下附件未能上传，请按提示重新选择文件（其他内容已保存）：%(files)s。")
                % {"files": "、".join(refused)},
            )
    keep_typed(form, entity.version)  # the page's next save is made from what was just saved
    return render(request, "filers/entity_form.html", {"form": form, "entity": entity, "missing": missing})


@filer_required
@require_http_methods(["POST"])
def entity_submit_view(request):
    """提交审核 from the 主体信息 page, for information already saved complete; a second click (a page
    older than what is saved) is refused, not submitted twice (REL-03)."""
    entity = request.user.entity
    try:
        entity_submit(entity=entity, actor=request.user, version=posted_version(request))
    except StaleEdit:
        entity.refresh_from_db()
        if entity.state in (State.SUBMITTED, State.MODIFIED):  # a second click: the first one submitted it
            messages.info(request, _("主体信息已提交审核，无需重复提交。"))
        else:
            messages.error(request, _("主体信息在您打开页面后已有变化，请核对后再提交。"))
    except EntityIncomplete:
        messages.error(request, _("主体信息尚不完整，请先补充所列内容。"))
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("主体信息已提交审核。"))
    return redirect("filers:entity")


@filer_required
def entity_document(request, kind: str):
    """ENT-02: the templates to print, stamp and upload, pre-filled with the entity's data."""
    render_pdf = {
        "commitment_letter": documents.commitment_letter_pdf,
        "responsibility_statement": documents.responsibility_statement_pdf,
    }.get(kind)
    if render_pdf is None:
        raise Http404
    pdf = render_pdf(entity=request.user.entity)  # laid out once while the entity's data is unchanged
    names = {
        "commitment_letter": "算法备案承诺书.pdf",
        "responsibility_statement": "落实算法安全主体责任基本情况.pdf",
    }
    return private_document(request, pdf, content_type="application/pdf", filename=names[kind])


@filer_required
def entity_export(request):
    """导出我的数据: everything of the filer's own entity, as one zip (filers.export)."""
    handle, name = entity_export_file(entity=request.user.entity)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download(request, pk: int):
    """Uploads are served only to the entity's account and reviewers in scope: 404 for anyone else."""
    attachment = get_object_or_404(Attachment.objects.select_related("entity"), pk=pk)
    if not attachment_visible_to(attachment=attachment, user=request.user):
        raise Http404
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(False, attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@cache_control(public=True, max_age=86400)
def regions_json(request):
    """The GB/T 2260 tree for the cascading province → city → district selects."""
    return JsonResponse(
        {code: r.name for code, r in regions().items()}, json_dumps_params={"ensure_ascii": False}
    )
