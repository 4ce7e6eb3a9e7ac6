"""Public pages: home, search, the filing's public page with its badge and QR code, number check."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.views.decorators.http import require_GET

from algorithms.models import AlgorithmType, Role
from beian.http_cache import (
    IMAGE_MAX_AGE,
    QR_MAX_AGE,
    etag_of,
    page_respond,
    public_cache,
    respond_conditionally,
)
from beian.regions import provinces
from beian.throttling import rate_limited

from .forms import NumberCheckForm, PublicSearchForm
from .models import PublicFiling, PublicState
from .pagination import CappedPaginator
from .services import history_display, number_check, public_search, published_years, type_counts

PAGE_SIZE = 20
BADGE_FONTS = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def home(request):
    """首页: one search box (PUB-01), the number check beside it (NUM-04), counts by type."""
    return render(request, "public_search/home.html", {"type_counts": type_counts()})


@require_GET
@rate_limited("search")
def search(request):
    """PUB-02: results with name, type or role, entity, products, main use, number and state. A filter
    that is not one the page offers is a 400 with the error at its field (SEC-05)."""
    form = PublicSearchForm(request.GET)
    # What the reader sent, shown back in the box and the filters whether it was valid or not.
    params = {name: request.GET.get(name, "").strip() for name in form.fields}
    context = {
        "form": form,
        "params": params,
        "algo_types": AlgorithmType.choices,
        "roles": Role.choices,
        "provinces": provinces(),
        "states": PublicState.choices,
        "years": published_years(),
    }
    if not form.is_valid():
        return render(request, "public_search/search.html", {**context, "searched": False}, status=400)
    paginator = CappedPaginator(public_search(**form.search_arguments()), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public_search/search.html",
        {
            **context,
            "page": page,
            "query": query.urlencode(),
            "capped": paginator.capped,
            "count": paginator.shown_count,
            "searched": any(params.values()),
        },
    )


def filing_page(request, pk: int):
    """PUB-03: a filing's stable public page: approved 拟公示内容, number, entity, products, history.

    One query; its ETag (issue 17) is the record's last change, so a reader's revalidation is a 304
    without rendering."""
    record = get_object_or_404(PublicFiling.objects.defer("grams"), pk=pk)

    def build():
        url = request.build_absolute_uri(reverse("public_search:filing", args=[pk]))
        snippet = (
            f'<a href="{escape(url)}" target="_blank" rel="noopener">{escape(record.display_number)}</a>'
            if record.number
            else ""
        )
        return render(
            request,
            "public_search/filing.html",
            {
                "record": record,
                "history": history_display(record.history),
                "url": url,
                "snippet": snippet,
                "type_label": dict(AlgorithmType.choices).get(record.algo_type, ""),
                "role_label": dict(Role.choices).get(record.role, ""),
            },
        )

    return page_respond(request, build, "filing", record.pk, record.changed_at.isoformat(), record.state)


def filing_badge(request, pk: int):
    """A badge (SVG) filers can put beside their number, linking to the public page.

    第二十六条 has every provider show it on its own app or site, so each impression is a request: a shared
    cache may keep it for IMAGE_MAX_AGE and revalidate it with its ETag (issue 17). It is drawn in Chinese,
    the language of the number, whatever the reader's, so that every reader can share one copy."""
    record = get_object_or_404(PublicFiling.objects.only("number", "state", "changed_at"), pk=pk)

    def build():
        with translation.override(settings.LANGUAGE_CODE):
            state = str(dict(PublicState.choices)[record.state])
        label = "算法备案" if record.state == PublicState.APPROVED else state
        number = record.display_number or "—"
        colour = {"approved": "#1e7a3c", "cancelled": "#52606d", "revoked": "#b3261e"}[record.state]
        # Width from the glyphs: a CJK character is about 13 px at this size, a digit about 7.5 px.
        left = 72
        right = int(sum(13 if ord(ch) > 0x2E80 else 7.5 for ch in number)) + 20
        svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{left + right}" height="24" role="img"
 aria-label="{escape(label)}：{escape(number)}"><title>{escape(label)}：{escape(number)}</title>
<rect width="{left}" height="24" fill="{colour}"/>
<rect x="{left}" width="{right}" height="24" fill="#0f4c9c"/>
<g fill="#fff" font-family="{BADGE_FONTS}" font-size="13">
<text x="{left / 2}" y="16.5" text-anchor="middle">{escape(label)}</text>
<text x="{left + right / 2}" y="16.5" text-anchor="middle">{escape(number)}</text></g></svg>"""
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")

    etag = etag_of("badge", record.pk, record.changed_at.isoformat(), record.state, record.number)
    response = respond_conditionally(request, build, etag=etag, last_modified=record.changed_at)
    return public_cache(response, IMAGE_MAX_AGE)


def filing_qr(request, pk: int):
    """A QR code (SVG) of the public page's stable address: the same image as long as the page exists."""
    import io

    if not PublicFiling.objects.filter(pk=pk).exists():
        raise Http404
    url = request.build_absolute_uri(reverse("public_search:filing", args=[pk]))

    def build():
        import segno

        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, title="备案公示页面二维码")
        return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")

    return public_cache(respond_conditionally(request, build, etag=etag_of("qr", url)), QR_MAX_AGE)


@rate_limited("number_check")
def number_check_page(request):
    """NUM-04: anyone checks a number shown in an app: well formed, exists, and its state."""
    form = NumberCheckForm(request.GET)
    text = request.GET.get("number", "").strip()
    if not form.is_valid():
        context = {"text": text, "result": None, "form": form}
        return render(request, "public_search/number_check.html", context, status=400)
    number = form.cleaned_data["number"]
    result = number_check(number, request=request) if number else None
    return render(request, "public_search/number_check.html", {"text": text, "result": result, "form": form})
