"""STAT-01 统计: the public statistics page, each chart an SVG drawn on the server (pygal) beside the table
of its numbers, and a CSV of each. All three read the counters (public_search.stats) in one query."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass

import pygal
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from pygal.etree import etree
from pygal.style import Style

from algorithms.models import AlgorithmType
from beian.regions import regions

from .models import PublicState, StatChart
from .stats import stat_counts

FONTS = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
STYLE = Style(
    font_family=FONTS,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#222222",
    foreground_strong="#222222",
    foreground_subtle="#666666",
    colors=("#1f5fa8", "#d9822b", "#3a9d5d", "#b03a48", "#7b5ea7", "#5a6b7b"),
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
)


@dataclass
class Table:
    """A chart's numbers: column headings and rows (a label, then a number per column)."""

    chart: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[int]]]


def _type_label(code: str) -> str:
    return str(AlgorithmType(code).label) if code in AlgorithmType.values else code or _("未填写")


def _province_label(code: str) -> str:
    region = regions().get(f"{code}0000")
    return region.name if region else code or _("未填写")


def _tables() -> dict[str, Table]:
    """The four charts' tables, built from one read of the counters."""
    counts = stat_counts()
    tables: dict[str, Table] = {}
    months = sorted({period for period, _key, _n in counts[StatChart.APPROVED]})
    types = [code for code in AlgorithmType.values]
    cells = {(period, key): n for period, key, n in counts[StatChart.APPROVED]}
    tables[StatChart.APPROVED] = Table(
        StatChart.APPROVED,
        str(StatChart.APPROVED.label),
        [_type_label(code) for code in types],
        [(month, [cells.get((month, code), 0) for code in types]) for month in months],
    )
    for chart, label in ((StatChart.PROVINCE, _province_label), (StatChart.DOMAIN, None)):
        rows = sorted(counts[chart], key=lambda row: (-row[2], row[1]))
        tables[chart] = Table(
            chart,
            str(chart.label),
            [_("在册备案数")],
            [(label(key) if label else key or _("未填写"), [n]) for _period, key, n in rows],
        )
    ended_states = [PublicState.CANCELLED.value, PublicState.REVOKED.value]
    ended = {(period, key): n for period, key, n in counts[StatChart.ENDED]}
    ended_months = sorted({period for period, _key in ended})
    tables[StatChart.ENDED] = Table(
        StatChart.ENDED,
        str(StatChart.ENDED.label),
        [str(PublicState(state).label) for state in ended_states],
        [(month or _("未知"), [ended.get((month, s), 0) for s in ended_states]) for month in ended_months],
    )
    return tables


def _table(chart: str) -> Table:
    if chart not in StatChart.values:
        raise Http404
    return _tables()[chart]


@require_GET
def stats_page(request):
    """统计: four charts, each with its table and a CSV (STAT-01)."""
    return render(request, "public_search/stats.html", {"tables": list(_tables().values())})


def _chart_svg(table: Table) -> bytes:
    horizontal = table.chart in (StatChart.PROVINCE, StatChart.DOMAIN)
    config = {
        "style": STYLE,
        "js": [],  # no script from a CDN (pygal's default): the SVG is plain markup
        "width": 800,
        "height": max(300, 26 * len(table.rows) + 80) if horizontal else 400,
        "show_legend": len(table.columns) > 1,
        "legend_at_bottom": True,
        "print_values": horizontal,
        "x_label_rotation": 0 if horizontal else 45,
        "truncate_label": -1,
        "no_data_text": _("暂无数据"),
        "margin": 12,
    }
    if horizontal:  # pygal measures labels as Latin text: leave room for the widest Chinese one
        config["margin_left"] = 14 * max((len(label) for label, _numbers in table.rows), default=2) + 12
    chart = pygal.HorizontalBar(**config) if horizontal else pygal.StackedBar(**config)
    labels = [label for label, _numbers in table.rows]
    if horizontal:
        labels, numbers = labels[::-1], [numbers for _label, numbers in table.rows][::-1]
    else:
        numbers = [numbers for _label, numbers in table.rows]
    chart.x_labels = labels
    for index, column in enumerate(table.columns):
        chart.add(column, [row[index] for row in numbers])
    tree = chart.render_tree()
    # pygal always writes its config as an inline <script> for its (unused) tooltips: drop it, the chart
    # is plain markup and the portal's CSP allows no inline script.
    for parent in tree.iter():
        for child in list(parent):
            if str(child.tag).rpartition("}")[2] == "script":
                parent.remove(child)
    return etree.tostring(tree, encoding="utf-8")


@require_GET
@cache_control(public=True, max_age=300)
@csp_update({"style-src": [UNSAFE_INLINE]})  # pygal styles its SVG with an inline <style>
def stats_chart(request, chart: str):
    table = _table(chart)
    # Drawing takes pygal tens of milliseconds; the same numbers in the same language draw the same SVG.
    digest = hashlib.sha256(repr((table.title, table.columns, table.rows)).encode()).hexdigest()[:32]
    key = f"stats:svg:{chart}:{get_language()}:{digest}"
    return HttpResponse(cache.get_or_set(key, lambda: _chart_svg(table), 3600), content_type="image/svg+xml")


@require_GET
@cache_control(public=True, max_age=300)
def stats_csv(request, chart: str):
    table = _table(chart)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stats-{table.chart}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV as Chinese only with the BOM
    writer = csv.writer(response)
    writer.writerow([table.title, *table.columns])
    for label, numbers in table.rows:
        writer.writerow([label, *numbers])
    return response
