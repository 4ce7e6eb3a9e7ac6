"""Admin for 备案清单批次 (PUB-05): the batches published so far, read-only, and a page where an
administrator publishes the next batch of a list (a POST to lists.list_batch_publish)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .lists import ListBatchEmpty, list_batch_pending, list_batch_publish
from .models_lists import ListBatch, ListKind


@admin.register(ListBatch)
class ListBatchAdmin(admin.ModelAdmin):
    list_display = ("kind", "batch_label", "size", "published_at", "published_by")
    list_display_links = ("batch_label",)
    list_filter = ("kind", "year")
    date_hierarchy = "published_at"
    change_list_template = "admin/public_search/listbatch/change_list.html"
    fields = ("kind", "year", "number", "published_at", "published_by")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("批次"), ordering="number")
    def batch_label(self, obj: ListBatch) -> str:
        return obj.label

    @admin.display(description=gettext_lazy("备案数"))
    def size(self, obj: ListBatch) -> int:
        return obj.entries.count()

    # A batch is made only by publishing (its filings are what had not been published): never by hand.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        publish = self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.publish_view))
        return [path("publish/", publish, name="public_search_listbatch_publish"), *super().get_urls()]

    def publish_view(self, request):
        """发布下一批: what each list's next batch would hold, and a button per list."""
        if not request.user.has_perm("public_search.add_listbatch"):
            raise PermissionDenied
        if request.method == "POST":
            kind = request.POST.get("kind", "")
            if kind not in ListKind.values:
                self.message_user(request, _("请选择清单。"), messages.ERROR)
                return redirect("admin:public_search_listbatch_publish")
            try:
                batch = list_batch_publish(kind=kind, actor=request.user)
            except ListBatchEmpty:
                self.message_user(
                    request,
                    _("%(list)s没有待发布的备案。") % {"list": ListKind(kind).label},
                    messages.WARNING,
                )
                return redirect("admin:public_search_listbatch_publish")
            except IntegrityError:  # another administrator published the list's first batch meanwhile
                self.message_user(request, _("该清单刚刚已由他人发布，请查看批次列表。"), messages.WARNING)
                return redirect("admin:public_search_listbatch_changelist")
            count = batch.entries.count()
            public_url = f"{reverse('lists:page')}?{batch_query(batch)}"
            self.message_user(
                request,
                _("已发布%(title)s，共 %(n)d 项：%(url)s")
                % {"title": str(batch), "n": count, "url": request.build_absolute_uri(public_url)},
                messages.SUCCESS,
            )
            return redirect("admin:public_search_listbatch_changelist")
        lists = [
            {"kind": kind, "label": kind.label, "pending": list_batch_pending(kind=kind).count()}
            for kind in ListKind
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("发布下一批备案清单"),
            "opts": self.model._meta,
            "lists": lists,
        }
        return TemplateResponse(request, "admin/public_search/listbatch/publish.html", context)


def batch_query(batch: ListBatch) -> str:
    """The public list page's query string of a batch."""
    from django.utils.http import urlencode

    return urlencode({"batch": batch.key, **({"kind": batch.kind} if batch.generative else {})})
