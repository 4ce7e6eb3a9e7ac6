"""Issue 15's data migrations, run on data as it was before them: ALG-02's five types (05 → 04, numbers
untouched) and ALG-12's 拟公示内容 filled from the text the public was shown, so no public page goes blank."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from algorithms.models import Filing
from public_search.models import PublicFiling
from public_search.services import public_refresh
from review.models import Revision

from .builders import BASIC, DETAILS, published_filings

pytestmark = pytest.mark.django_db

five_types = importlib.import_module("algorithms.migrations.0007_five_algorithm_types").five_types
fill_disclosure = importlib.import_module(
    "algorithms.migrations.0008_public_disclosure_written_for_the_public"
).fill_disclosure
public_five_types = importlib.import_module("public_search.migrations.0009_five_algorithm_types").five_types

OLD_KEYS = ("public_principle", "public_mechanism", "public_scenarios", "public_purpose")


def _as_before(filing: Filing, **basic) -> None:
    """The filing, its revisions and its public record as they were before issue 15."""
    for obj in (filing, *Revision.objects.filter(object_id=filing.pk, content_type__model="filing")):
        data = obj.data
        for key in OLD_KEYS:
            data["basic"].pop(key, None)
        data["basic"].update(basic)
        type(obj).objects.filter(pk=obj.pk).update(data=data)
    old_disclosure = {
        "principle": DETAILS["model"]["principle"],
        "mechanism": DETAILS["strategy"],
        "scenarios": DETAILS["scenarios"],
        "purpose": BASIC["main_use"],
    }
    PublicFiling.objects.filter(pk=filing.pk).update(disclosure=old_disclosure)
    if "algo_type" in basic:
        Filing.objects.filter(pk=filing.pk).update(algo_type=basic["algo_type"])
        PublicFiling.objects.filter(pk=filing.pk).update(algo_type=basic["algo_type"])


def _disclosure_section(client, filing) -> str:
    html = client.get(f"/public/filing/{filing.pk}/").content.decode()
    start = html.index('<section class="card section disclosure"')
    return html[start : html.index("</section>", start)]


def test_alg_02_filings_typed_05_become_04_and_keep_their_numbers():
    (filing,) = published_filings()
    number = filing.number
    _as_before(filing, algo_type="05")
    five_types(apps, None)
    public_five_types(apps, None)
    filing.refresh_from_db()
    assert filing.algo_type == "04" and filing.data["basic"]["algo_type"] == "04"
    assert filing.approved_revision.data["basic"]["algo_type"] == "04"
    assert PublicFiling.objects.get(pk=filing.pk).algo_type == "04"
    assert filing.number == number  # NUM-01: never reissued, its type digits stay as issued


def test_alg_12_existing_filings_get_the_text_the_public_was_shown_and_are_marked_for_review(client):
    (filing,) = published_filings()
    _as_before(filing)
    before = _disclosure_section(client, filing)
    fill_disclosure(apps, None)
    filing.refresh_from_db()
    basic = filing.data["basic"]
    assert basic["public_principle"] == DETAILS["model"]["principle"]
    assert basic["public_mechanism"] == DETAILS["strategy"]
    assert basic["public_scenarios"] == DETAILS["scenarios"]
    assert basic["public_purpose"] == BASIC["main_use"]
    assert filing.disclosure_prefilled  # the filer is asked to rewrite it for the public
    assert filing.approved_revision.data["basic"]["public_mechanism"] == DETAILS["strategy"]
    # Nothing the public sees changed, and the working copy shows no change waiting to be filed.
    assert DETAILS["strategy"] in before  # the text it had (the leak ALG-12 ends at the filer's next change)
    assert _disclosure_section(client, filing) == before
    public_refresh(filing=filing)  # made again from the approved revision, as any later event does
    assert _disclosure_section(client, filing) == before
    from algorithms.services import filing_has_changes

    assert not filing_has_changes(filing=filing)
    # Run again: nothing more to do.
    fill_disclosure(apps, None)
    assert Filing.objects.get(pk=filing.pk).data == filing.data
