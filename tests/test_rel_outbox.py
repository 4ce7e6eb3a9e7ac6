"""REL-01, REL-02: what a change owes is written with it and done once — a broker outage never turns a
committed change into an error page nor loses its message; many workers and sweeps never double a number
or a message; one failing item never stops the sweep for the others."""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from algorithms.models import Filing, NumberSequence
from review.models import Notification, OutboxItem, ReviewEvent
from review.outbox import outbox_add, outbox_deliver, outbox_sweep
from review.services import RefusedByRule, transition_perform
from review.tasks import outbox_deliver_task, sweep
from review.transitions import Action, State

from .builders import approve_item, complete_entity, complete_filing, complete_product
from .conftest import requires_postgres
from .factories import FilerFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _age_outbox() -> None:
    """Make every pending item old enough for the sweep (it leaves fresh ones to their worker)."""
    OutboxItem.objects.filter(done_at=None).update(created_at=timezone.now() - timedelta(minutes=5))


def _filing_ready(filer=None) -> Filing:
    """A submitted filing whose entity and product are approved: one reviewer's step from approval."""
    filer = filer or FilerFactory()
    complete_entity(filer, approve=True)
    return complete_filing(filer, complete_product(filer, approve=True))


def _number_messages(filing: Filing) -> int:
    return Notification.objects.filter(
        user=filing.entity.account,
        title__contains="备案编号",
        url=reverse("algorithms:detail", args=[filing.pk]),
    ).count()


# --- REL-01: a broker outage ---------------------------------------------------------------------


def test_rel_01_a_broker_outage_commits_the_rejection_and_the_sweep_delivers_its_reasons(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    filing = _filing_ready()
    reviewer = ReviewerFactory()
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)
    client.force_login(reviewer)
    url = reverse("review:act", args=["filing", filing.pk])
    reason = "算法安全自评估报告缺少风险评估章节。"

    with mock.patch.object(outbox_deliver_task, "apply_async", side_effect=BrokerDown("Redis is down")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"action": "reject", "reason": reason})
    assert response.status_code == 302  # the reviewer's page answers normally
    filing.refresh_from_db()
    assert filing.state == State.REJECTED  # and the change is committed
    rejection = ReviewEvent.objects.get(object_id=filing.pk, action=Action.REJECT)
    owed = OutboxItem.objects.get(key=f"notify:event:{rejection.pk}")
    assert owed.done_at is None
    assert not Notification.objects.filter(user=filing.entity.account, body__contains=reason).exists()

    # The broker is back; the sweep delivers what is owed: the message, then its e-mail, once each.
    _age_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    _age_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
        sweep()
    message = Notification.objects.get(user=filing.entity.account, body__contains=reason)
    assert message.emailed_at is not None
    assert len([m for m in mailoutbox if reason in m.body]) == 1
    assert not OutboxItem.objects.filter(done_at=None).exists()


def test_rel_01_a_filers_submit_answers_normally_with_the_broker_down(
    client, django_capture_on_commit_callbacks
):
    filer = FilerFactory()
    complete_entity(filer, approve=True)
    product = complete_product(filer, approve=True)
    filing = complete_filing(filer, product, submit=False)
    client.force_login(filer)
    with mock.patch.object(outbox_deliver_task, "apply_async", side_effect=BrokerDown("down")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("algorithms:step", args=[filing.pk, 4]), {"commitment": "on", "action": "submit"}
            )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == State.SUBMITTED
    assert OutboxItem.objects.filter(done_at=None).exists()  # owed: the message and the deadline's date


def test_rel_01_an_approval_owes_its_number_and_the_sweep_issues_it(django_capture_on_commit_callbacks):
    filing = _filing_ready()
    with mock.patch.object(outbox_deliver_task, "apply_async", side_effect=BrokerDown("down")):
        with django_capture_on_commit_callbacks(execute=True):
            approve_item(filing)
    assert filing.number is None
    assert OutboxItem.objects.get(key=f"number:filing:{filing.pk}").done_at is None
    _age_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    filing.refresh_from_db()
    assert filing.number and _number_messages(filing) == 1


# --- REL-02: once --------------------------------------------------------------------------------


def test_rel_02_owing_the_same_thing_twice_owes_it_once(django_capture_on_commit_callbacks):
    filing = _filing_ready()
    for _ in range(3):
        outbox_add(key=f"number:filing:{filing.pk}", handler="filing_number", filing_id=filing.pk)
    assert OutboxItem.objects.filter(key=f"number:filing:{filing.pk}").count() == 1


def test_rel_02_delivering_an_item_again_does_nothing_more(django_capture_on_commit_callbacks):
    filing = _filing_ready()
    with mock.patch.object(outbox_deliver_task, "apply_async"):
        with django_capture_on_commit_callbacks(execute=True):
            approve_item(filing)
    item = OutboxItem.objects.get(key=f"number:filing:{filing.pk}")
    assert outbox_deliver(item.pk) == "done"
    assert outbox_deliver(item.pk) == "skipped"
    filing.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sweep()  # the number repair finds the number there: no second message
    assert _number_messages(filing) == 1


def test_rel_02_the_number_message_is_written_only_by_whoever_issued_the_number(
    django_capture_on_commit_callbacks,
):
    """The old task read "had a number" before the lock, and the loser of the race notified too."""
    from algorithms.services import filing_number_issue

    filing = _filing_ready()
    with mock.patch.object(outbox_deliver_task, "apply_async"):
        with django_capture_on_commit_callbacks(execute=True):
            approve_item(filing)
    first = filing_number_issue(filing_id=filing.pk)
    again = filing_number_issue(filing_id=filing.pk)
    assert first == again and _number_messages(filing) == 1


def test_rel_02_a_sequence_past_999_is_refused_at_approval_with_a_clear_message():
    filing = _filing_ready()
    NumberSequence.objects.create(entity=filing.entity, algo_type=filing.algo_type, last=999)
    reviewer = ReviewerFactory()
    transition_perform(obj=filing, action=Action.CLAIM, actor=reviewer)
    with pytest.raises(RefusedByRule, match="备案编号已用完"):
        transition_perform(obj=filing, action=Action.APPROVE, actor=reviewer)
    filing.refresh_from_db()
    assert filing.state == State.UNDER_REVIEW


def test_rel_02_one_failing_item_does_not_stop_the_sweep(django_capture_on_commit_callbacks, caplog):
    filings = [_filing_ready() for _ in range(3)]
    with mock.patch.object(outbox_deliver_task, "apply_async"):
        with django_capture_on_commit_callbacks(execute=True):
            for filing in filings:
                approve_item(filing)
    # The middle one cannot be numbered (as if its sequence had run out after approval).
    NumberSequence.objects.create(entity=filings[1].entity, algo_type=filings[1].algo_type, last=999)
    _age_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()
    numbers = [Filing.objects.get(pk=f.pk).number for f in filings]
    assert numbers[0] and numbers[2] and numbers[1] is None
    assert result["outbox"]["failed"] >= 1
    assert result["deadlines"] is not None  # the sweep went on to the deadlines
    failed = OutboxItem.objects.get(key=f"number:filing:{filings[1].pk}")
    assert failed.done_at is None and failed.attempts == 1 and "ValueError" in failed.last_error
    assert failed.available_at > timezone.now()  # tried again later, not at every sweep
    assert any("outbox item" in r.message and "failed" in r.message for r in caplog.records)


def test_rel_02_a_failing_repair_is_logged_and_the_others_run(monkeypatch, caplog):
    from review import outbox

    monkeypatch.setitem(outbox.REPAIRS, "broken", mock.Mock(side_effect=RuntimeError("boom")))
    result = sweep()
    assert result["broken"] is None and "numbers" in result and "deadlines" in result
    assert any("repair broken failed" in r.message for r in caplog.records)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_rel_02_workers_and_sweeps_racing_give_one_number_and_one_message_per_filing():
    """Twelve issuers — workers delivering the outbox items and sweeps — over the same approvals."""
    reviewer = ReviewerFactory()
    filings = []
    for _ in range(3):
        filer = FilerFactory()
        complete_entity(filer, approve=True)
        product = complete_product(filer, approve=True)
        for n in range(4):
            filings.append(complete_filing(filer, product, basic={"name": f"算法{n}"}))
    with mock.patch.object(outbox_deliver_task, "apply_async"):  # nothing delivered on commit
        for filing in filings:
            approve_item(filing, reviewer)
    OutboxItem.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    items = list(OutboxItem.objects.filter(done_at=None).values_list("pk", flat=True))
    barrier = threading.Barrier(12)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            if i % 3 == 0:
                sweep()
            else:
                for pk in items[i % 2 :: 1]:
                    outbox_deliver(pk)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    outbox_sweep()  # e-mails owed by the messages just written
    OutboxItem.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    outbox_sweep()
    for filing in filings:
        filing.refresh_from_db()
        assert filing.number, filing.pk
        assert _number_messages(filing) == 1, filing.pk
    numbers = [f.number for f in filings]
    assert len(set(numbers)) == len(numbers)
    titles = Notification.objects.filter(title__contains="备案编号").values_list("pk", "emailed_at")
    assert all(emailed for _pk, emailed in titles)
