"""ALG-03: the 算法数据 table carries 采集时间 and 数据使用情况 (the materials list, seed 001) — optional
columns of the one declaration, so they reach the wizard, the summary and the self-assessment template."""

from __future__ import annotations

import pytest
from django.urls import reverse

from algorithms.declarations import FORM
from algorithms.documents import self_assessment_template_pdf
from algorithms.services import filing_problems

from .builders import DETAILS, complete_entity, complete_filing, complete_product
from .pdf_tools import poppler

pytestmark = pytest.mark.django_db

PERIOD = "2023年1月至今"
USAGE = "仅用于召回模型训练，训练后删除原始明细"


@pytest.fixture
def draft(filer):
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    return filer, complete_filing(filer, product, submit=False)


def _post_step_2(client, filing, **cells):
    row = DETAILS["data_sources"][0]
    page = {
        "action": "save",
        "ds_name": row["name"],
        "ds_type": row["type"],
        "ds_collection": row["collection"],
        "ds_volume": row["volume"],
        "ds_labelling": row.get("labelling", ""),
        **cells,
    }
    return client.post(reverse("algorithms:step", args=[filing.pk, 2]), page)


def test_alg_03_data_sources_have_collection_time_and_usage_columns():
    table = next(f for f in FORM[2].fields() if f.path == "details.data_sources")
    columns = {c.name: c for c in table.columns}
    assert str(columns["collection_time"].label) == "采集时间"
    assert str(columns["usage"].label) == "数据使用情况"
    assert not columns["collection_time"].required and not columns["usage"].required


def test_alg_03_collection_time_and_usage_are_asked_in_the_wizard_and_saved(client, draft):
    filer, filing = draft
    client.force_login(filer)
    html = client.get(reverse("algorithms:step", args=[filing.pk, 2])).content.decode()
    assert "采集时间" in html and 'name="ds_collection_time"' in html
    assert "数据使用情况" in html and 'name="ds_usage"' in html

    assert _post_step_2(client, filing, ds_collection_time=PERIOD, ds_usage=USAGE).status_code == 302
    filing.refresh_from_db()
    row = filing.data["details"]["data_sources"][0]
    assert row["collection_time"] == PERIOD and row["usage"] == USAGE

    summary = client.get(reverse("algorithms:step", args=[filing.pk, 4])).content.decode()
    assert PERIOD in summary and USAGE in summary


def test_alg_03_collection_time_and_usage_are_optional(client, draft):
    filer, filing = draft
    client.force_login(filer)
    assert _post_step_2(client, filing).status_code == 302
    filing.refresh_from_db()
    assert not [p for p in filing_problems(filing=filing) if p.field == "data_sources"]


def test_alg_03_self_assessment_lists_collection_time_and_usage(draft, tmp_path):
    _, filing = draft
    filing.data["details"]["data_sources"][0].update(collection_time=PERIOD, usage=USAGE)
    filing.save()
    pdf = self_assessment_template_pdf(filing=filing)
    text = "".join(poppler("pdftotext", pdf, tmp_path, "-raw").split())
    assert "标注情况采集时间数据使用情况" in text
    assert PERIOD in text and USAGE in text
