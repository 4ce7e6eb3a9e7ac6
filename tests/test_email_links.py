"""Links in e-mails point at the address the portal actually serves (issue 16): the origin of the request
during which the e-mail became owed, else PORTAL_BASE_URL (which `make run` sets from ADDR)."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from review.models import Deadline, DeadlineKind
from review.reminders import reminders_send

from .builders import BASIC, approve_item, complete_entity, complete_filing, complete_product
from .factories import ReviewerFactory
from .test_accounts import GOOD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def served(settings):
    settings.ALLOWED_HOSTS = ["testserver", "beian.test"]
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8765"
    return {"HTTP_HOST": "beian.test:8123"}


def test_the_activation_link_is_on_the_address_the_filer_registered_at(
    client, served, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("filers:register"), GOOD, **served)
    assert response.status_code == 302
    link = re.search(r"\S+/activate/\S+/", mailoutbox[0].body).group(0)
    assert link.startswith("http://beian.test:8123/account/activate/")
    assert "8000" not in mailoutbox[0].body and "8765" not in mailoutbox[0].body


def test_a_decision_mailed_during_a_request_links_to_its_origin(
    client, filer, served, mailoutbox, django_capture_on_commit_callbacks
):
    complete_entity(filer)
    client.force_login(ReviewerFactory())
    item = reverse("review:act", args=["entity", filer.entity.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(item, {"action": "claim"}, **served)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(item, {"action": "approve"}, **served)
    bodies = [m.body for m in mailoutbox if m.to == [filer.email]]
    assert len(bodies) == 2  # 已进入审核, 已审核通过
    assert bodies and all("http://beian.test:8123/account/entity/" in b for b in bodies), bodies


def test_a_reminder_sent_outside_a_request_links_to_portal_base_url(
    filer, served, mailoutbox, django_capture_on_commit_callbacks
):
    from algorithms.services import filing_save_step

    complete_entity(filer, approve=True)
    filing = approve_item(complete_filing(filer, complete_product(filer, approve=True)))
    filing_save_step(filing=filing, actor=filer, step=1, basic={**BASIC, "main_use": "变更。"})
    Deadline.objects.filter(kind=DeadlineKind.CHANGE).update(
        starts_on=date(2025, 3, 3), due_on=date(2025, 3, 17), computed_at="2025-03-03T00:00:00Z"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=date(2025, 3, 12)) == 1
    assert f"http://127.0.0.1:8765{reverse('algorithms:detail', args=[filing.pk])}" in mailoutbox[-1].body


def test_a_refused_host_never_reaches_an_email(
    client, served, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("filers:register"), GOOD, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("addr", "expected"),
    [
        ("", "http://127.0.0.1:8000"),
        ("127.0.0.1:8042", "http://127.0.0.1:8042"),
        ("0.0.0.0:8043", "http://127.0.0.1:8043"),
        ("8044", "http://127.0.0.1:8044"),
    ],
)
def test_make_run_sets_portal_base_url_from_the_address_it_serves(addr, expected):
    """scripts/run.sh's own lines, run up to where it starts anything."""
    script = (ROOT / "scripts" / "run.sh").read_text()
    head = script[: script.index("pids=()")]
    env = {"PATH": "/usr/bin:/bin", **({"ADDR": addr} if addr else {})}
    out = subprocess.run(  # noqa: S603
        ["/bin/bash", "-c", head + '\necho "$PORTAL_BASE_URL"'],
        cwd=ROOT / "scripts",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == expected
    kept = subprocess.run(  # noqa: S603
        ["/bin/bash", "-c", head + '\necho "$PORTAL_BASE_URL"'],
        cwd=ROOT / "scripts",
        env={**env, "PORTAL_BASE_URL": "https://beian.example.cn"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert kept.stdout.strip() == "https://beian.example.cn"
