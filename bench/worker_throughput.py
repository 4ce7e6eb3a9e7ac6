"""How fast a real Celery worker drains cheap tasks (issue 13: the embedded worker, at least 50 a second).

    make bench-worker
    .venv/bin/python bench/worker_throughput.py [-n 300] [--idle-seconds 10]

Starts `celery -A beian worker` as scripts/run.sh does (prefork, concurrency 2) with the project's settings:
the embedded filesystem transport when REDIS_URL is unset, Redis when it is set. The worker consumes a queue
of its own, and the filesystem broker works in a temporary folder (CELERY_QUEUE_DIR), so a running
`make run` neither steals the bench's tasks nor gives it its own. After one warm-up task has come back, it
sends N `beian.ping` tasks and waits until every result is in:

    tasks_per_s=<x> n=<N> seconds=<from the first send to the last result> transport=<beianfs|redis>
    idle_cpu_percent=<x> seconds=<s>     the worker and its pool children with nothing to do

The idle figure is the CPU time the worker's process tree used over --idle-seconds after the tasks were done,
as a percentage of one core (from /proc; 0 skips it).
"""

# Our own subprocess (S603).
# ruff: noqa: S603

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _process_tree_cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` and its children (the prefork pool), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the fields start after the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        ppid, utime, stime = int(fields[1]), int(fields[11]), int(fields[12])
        if int(entry.name) == pid or ppid == pid:
            total += utime + stime
    return total / ticks


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=300, help="tasks to send (300)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes, as scripts/run.sh (2)")
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="idle CPU over (10 s; 0 skips)")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after this long (600 s)")
    args = parser.parse_args()

    queue_dir = tempfile.TemporaryDirectory(prefix="beian-bench-worker-")
    if not os.environ.get("REDIS_URL"):
        os.environ["CELERY_QUEUE_DIR"] = queue_dir.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from celery.result import allow_join_result

    from beian.celery import app, ping

    transport = app.connection_for_write().transport_cls
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "beian",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={args.concurrency}",
            f"--hostname={queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
        ],
        cwd=ROOT,
        env=dict(os.environ, C_FORCE_ROOT="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # An unread pipe fills up and blocks the worker; keep its output for a failure.
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(iter(worker.stdout.readline, "")), daemon=True).start()
    try:
        with allow_join_result():
            started = time.perf_counter()
            ping.apply_async(queue=queue).get(timeout=120)
            print(f"worker ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)

            started = time.perf_counter()
            pending = [ping.apply_async(queue=queue) for _ in range(args.n)]
            sent = time.perf_counter() - started
            # Results come back about in the order sent: look at the oldest one only, so that waiting
            # costs the worker next to no CPU on a 2-core machine.
            while pending:
                if pending[0].ready():
                    pending.pop(0).get()  # raises if the task failed
                    continue
                if time.perf_counter() - started > args.timeout:
                    print(f"timeout: {len(pending)} of {args.n} tasks not done", file=sys.stderr)
                    return 1
                time.sleep(0.01)
            seconds = time.perf_counter() - started
        print(f"sent {args.n} in {sent:.2f} s", file=sys.stderr)
        print(f"tasks_per_s={args.n / seconds:.1f} n={args.n} seconds={seconds:.2f} transport={transport}")

        if args.idle_seconds > 0:
            time.sleep(1)  # let the last acknowledgements and result writes settle
            before = _process_tree_cpu_seconds(worker.pid)
            time.sleep(args.idle_seconds)
            used = _process_tree_cpu_seconds(worker.pid) - before
            print(f"idle_cpu_percent={100 * used / args.idle_seconds:.1f} seconds={args.idle_seconds:g}")
        return 0
    except Exception:
        print("".join(output[-40:]), file=sys.stderr)
        raise
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        queue_dir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
