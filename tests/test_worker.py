"""A task sent from the web process is executed by a separate worker process, over the real broker:
Redis when REDIS_URL is set (CI), else the embedded filesystem transport."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from celery.result import ResultSet, allow_join_result

from beian.celery import app as celery_app
from beian.celery import ping

ROOT = Path(__file__).resolve().parent.parent


def _worker(*pool: str):
    """A real `celery worker` process on a queue of its own, stopped after the test."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, C_FORCE_ROOT="1", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "beian",
            "worker",
            "-Q",
            queue,
            *pool,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--hostname={queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Read the worker's output as it comes: an unread pipe fills up and blocks the worker.
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(iter(process.stdout.readline, "")), daemon=True).start()
    celery_app.conf.task_always_eager = False
    try:
        yield process, queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def worker():
    yield from _worker("--pool=solo", "--concurrency=1")


@pytest.fixture
def prefork_worker():
    """As scripts/run.sh runs it: two pool processes, which acknowledge a task after the fact."""
    yield from _worker("--pool=prefork", "--concurrency=2")


@pytest.mark.xdist_group("worker")
def test_a_task_sent_here_runs_in_the_separate_worker_process(worker):
    process, queue = worker
    result = ping.apply_async(queue=queue)
    # Another test in this process may have started an in-process worker, which marks the whole
    # process as "inside a task" for Celery; this test is not a task, so waiting here is allowed.
    with allow_join_result():
        answer = result.get(timeout=60)
    assert answer["pid"] == process.pid  # --pool=solo: the worker process itself ran it
    assert answer["pid"] != os.getpid()
    transport = celery_app.connection_for_write().transport_cls
    # beianfs: kombu's filesystem transport (beian.celery.EmbeddedTransport)
    assert transport == ("redis" if os.environ.get("REDIS_URL") else "beianfs")


@pytest.mark.xdist_group("worker")
def test_issue_13_the_worker_drains_100_tasks_in_seconds_not_minutes(prefork_worker):
    """issue 13: the embedded worker drained 3-8 tasks a second: kombu's filesystem transport slept 1 s
    whenever a poll took nothing, which includes the two prefetched tasks not yet acknowledged by the pool.
    A bound generous enough for a busy machine; `make bench-worker` measures the rate (at least 50 a
    second)."""
    _process, queue = prefork_worker
    with allow_join_result():
        ping.apply_async(queue=queue).get(timeout=60)  # the worker is up
        started = time.monotonic()
        results = ResultSet([ping.apply_async(queue=queue) for _ in range(100)])
        results.join(timeout=60, interval=0.05)
    elapsed = time.monotonic() - started
    assert results.completed_count() == 100
    assert elapsed < 10, f"100 tasks took {elapsed:.1f} s"


def test_every_periodic_job_names_a_task_the_worker_knows():
    """A typo in the beat schedule would only show as a worker error at 03:30 in production."""
    from django.conf import settings

    celery_app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert "list-exports-prune" in schedule
    for name, entry in schedule.items():
        assert entry["task"] in celery_app.tasks, name
