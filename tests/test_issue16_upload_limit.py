"""Issue 16 / ALG-13: every upload field tells the browser the limit and the server's own message, so a file
over it is refused at its field before it is sent (static/js/upload_limit.js); the server check stays."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from filers.uploads import MAX_UPLOAD_BYTES, upload_check

from .builders import complete_entity, complete_filing
from .factories import FilerFactory

pytestmark = pytest.mark.django_db


FILE_INPUT = re.compile(r'<input type="file" ([^>]*)>')


def _limits(body: str) -> dict[str, str]:
    """Each file input's name and the message it carries for a file over the limit."""
    found = {}
    for attrs in FILE_INPUT.findall(body):
        name = re.search(r'name="(\w+)"', attrs).group(1)
        message = re.search(r'data-too-large="([^"]*)"', attrs)
        found[name] = html.unescape(message.group(1)) if message else None
    return found


def test_alg_13_entity_upload_fields_carry_the_limit_and_the_servers_message(client):
    filer = FilerFactory()
    client.force_login(filer)
    body = client.get(reverse("filers:entity_edit")).content.decode()
    limits = _limits(body)
    assert limits["commitment_letter"] == "算法备案承诺书文件过大（{size}），单个文件不能超过20 MB。"
    assert f'data-max-bytes="{MAX_UPLOAD_BYTES}"' in body
    assert "js/upload_limit.js" in body


def test_alg_13_filing_step1_upload_fields_carry_the_limit(client):
    filer = FilerFactory()
    complete_entity(filer)
    filing = complete_filing(filer, None, submit=False)
    client.force_login(filer)
    body = client.get(reverse("algorithms:step", args=[filing.pk, 1])).content.decode()
    limits = _limits(body)
    assert limits["self_assessment"] == "算法安全自评估报告文件过大（{size}），单个文件不能超过20 MB。"
    assert set(limits) == {"self_assessment", "disclosure"}
    assert "js/upload_limit.js" in body


def test_alg_13_the_server_still_refuses_a_file_over_the_limit_with_the_same_words():
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ValidationError) as excinfo:
        upload_check(big, label="算法备案承诺书")
    assert excinfo.value.messages == ["算法备案承诺书文件过大（20.0\xa0MB），单个文件不能超过20 MB。"]
