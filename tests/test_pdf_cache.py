"""Issue 17: a pre-filled PDF template is laid out once while nothing on it changed; downloading it
again is a 304, and the copy is the filer's browser's alone (ENT-02)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from filers import documents
from filers.services import entity_save

from .builders import ENTITY_DATA
from .factories import FilerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def layouts(settings, monkeypatch):
    """A cache of this test's own, and the number of layouts WeasyPrint was asked for."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    calls = []
    real = documents._layout

    def counting(html: str) -> bytes:
        calls.append(html)
        return real(html)

    monkeypatch.setattr(documents, "_layout", counting)
    return calls


def test_ent_02_a_template_is_laid_out_once_while_the_entity_is_unchanged(client, layouts):
    filer = FilerFactory(entity__name="北京星河算法科技有限公司")
    client.force_login(filer)
    url = reverse("filers:entity_document", args=["commitment_letter"])
    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert {"private", "no-cache"} <= {p.strip() for p in first["Cache-Control"].split(",")}
    assert len(layouts) == 1

    again = client.get(url)
    assert again.content == first.content and len(layouts) == 1  # from the cache
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not_modified.content == b"" and len(layouts) == 1

    entity_save(
        entity=filer.entity, actor=filer, data={**ENTITY_DATA, "name": "北京星河智联信息技术有限公司"}
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"] and len(layouts) == 2


def test_ent_02_two_entities_never_share_a_template(client, layouts):
    url = reverse("filers:entity_document", args=["commitment_letter"])
    client.force_login(FilerFactory(entity__name="北京星河算法科技有限公司"))
    first = client.get(url)
    client.force_login(FilerFactory(entity__name="上海云帆数据科技有限公司"))
    other = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200 and other.content != first.content and len(layouts) == 2


def test_ent_02_a_cache_that_is_down_costs_a_layout_not_the_download(client, settings, monkeypatch):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        set = get

    monkeypatch.setattr(documents, "cache", Down())
    client.force_login(FilerFactory())
    response = client.get(reverse("filers:entity_document", args=["commitment_letter"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_alg_02_a_filings_template_is_laid_out_once_while_its_draft_is_unchanged(client, layouts):
    from .builders import complete_entity, complete_filing, complete_product

    filer = FilerFactory()
    complete_entity(filer, approve=True)
    filing = complete_filing(filer, complete_product(filer, approve=True), submit=False)
    client.force_login(filer)
    url = reverse("algorithms:document", args=[filing.pk, "self_assessment"])
    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF") and len(layouts) == 1
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and len(layouts) == 1
