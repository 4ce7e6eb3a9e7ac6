"""NUM-01 with a real Celery worker process over the real broker and database (CI: Redis, PostgreSQL).

The worker reads the test database, so these tests commit their data (transaction=True) and
run where a server database exists; they share one xdist group with the other worker test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection, connections, transaction

from algorithms.models import Filing
from beian.celery import app as celery_app
from review.models import Notification
from review.numbers import number_parse
from review.tasks import sweep

from .builders import approve_item, complete_entity, complete_filing, complete_product
from .conftest import requires_postgres
from .factories import FilerFactory

pytestmark = [requires_postgres, pytest.mark.xdist_group("worker"), pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


def _worker_env() -> dict:
    url = urlsplit(os.environ["DATABASE_URL"])
    test_db = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    return dict(os.environ, DATABASE_URL=test_db, C_FORCE_ROOT="1", PYTHONUNBUFFERED="1")


def _start_worker() -> subprocess.Popen:
    """A worker whose output is read as it comes (into `.output`): an unread pipe fills up and blocks a
    chatty worker mid-task, which made this test fail on a loaded machine."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "beian",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-Q",
            "celery",
            "--hostname=numbers@%h",
        ],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.output = []
    threading.Thread(
        target=lambda: process.output.extend(iter(process.stdout.readline, "")), daemon=True
    ).start()
    return process


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def real_broker():
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    yield
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")


def _approved_filing_without_number() -> Filing:
    filer = FilerFactory()
    complete_entity(filer, approve=True)  # ENT-05: the filing is approved after its entity and product
    product = complete_product(filer, approve=True)
    return complete_filing(filer, product)


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_num_01_the_worker_process_issues_the_number_after_approval(real_broker):
    filing = _approved_filing_without_number()
    worker = _start_worker()
    try:
        approve_item(filing)  # commits; the number task goes to the broker on commit
        issued = lambda: Filing.objects.filter(pk=filing.pk, number__isnull=False).exists()  # noqa: E731
        if not _wait_for(issued, timeout=30):
            # REL-01: a publish the broker did not take (a loaded machine, a 1 s connect timeout) is left to
            # the sweep, which beat sends every 5 minutes; send it now, as beat would: the worker does it.
            from review.tasks import sweep

            sweep.apply_async()
        assert _wait_for(issued), "the worker did not issue the number:\n" + "".join(worker.output[-40:])
    finally:
        _stop(worker)
    filing.refresh_from_db()
    assert number_parse(filing.number).well_formed


def test_num_01_a_worker_killed_mid_task_leaves_the_number_to_the_sweep(real_broker):
    filing = approve_item(_approved_filing_without_number())  # task queued; no worker yet
    assert filing.number is None

    # Hold the filing's row so the worker's task blocks inside number_issue, mid-task.
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic(using="default"):
            Filing.objects.select_for_update().get(pk=filing.pk)
            locked.set()
            release.wait(60)
        connections["default"].close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert locked.wait(10)
    worker = _start_worker()
    output = worker.output
    try:
        # The approval's outbox items reach the worker; the number's blocks on the held row, mid-task.
        assert _wait_for(
            lambda: any("outbox_deliver_task" in line and "received" in line.lower() for line in output), 60
        ), "".join(output)
        time.sleep(1.0)  # it is now waiting on the row lock
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        release.set()
        holder.join()
        _stop(worker)
    filing.refresh_from_db()
    assert filing.number is None  # the killed task did nothing

    celery_app.conf.task_always_eager = True
    result = sweep()  # the outbox item (once 30 s old) or the numbers repair issues it, whichever comes first
    assert result["numbers"] + result["outbox"]["done"] >= 1
    filing.refresh_from_db()
    assert number_parse(filing.number).well_formed
    assert Notification.objects.filter(title__contains=filing.display_number).count() == 1
