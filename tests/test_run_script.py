"""issue 13: make run stops within 10 s — scripts/run.sh stops the worker, beat and the server on SIGTERM
and on Ctrl-C, leaving no process behind.

The script runs as `make run` runs it (after `migrate` and `seed_demo`, which it does not do itself), in
the embedded configuration whatever the suite's environment: DATABASE_URL and REDIS_URL are emptied, so that
its worker never takes tasks from the shared Redis queue of another test, and BEIAN_VAR_DIR is a migrated
temporary folder (SQLite and the filesystem broker). ADDR is a free port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN_SCRIPT = ROOT / "scripts" / "run.sh"
STOP_WITHIN_S = 10

pytestmark = [
    pytest.mark.skipif(
        not (ROOT / ".venv" / "bin" / "celery").exists(),
        reason="scripts/run.sh runs .venv/bin/celery: create the virtualenv with `make install`",
    ),
    pytest.mark.skipif(
        shutil.which("setsid") is None or not Path("/proc/self/stat").exists(),
        reason="needs setsid (util-linux) and /proc, as on the Debian machines make run is for",
    ),
    # Three servers each: one case at a time.
    pytest.mark.xdist_group("run_script"),
]


def _embedded_env(var_dir: Path, **extra: str) -> dict:
    # Empty rather than absent: a developer's .env fills in only what the environment lacks.
    env = {k: v for k, v in os.environ.items() if k != "CELERY_QUEUE_DIR"}
    env.update(DATABASE_URL="", REDIS_URL="", BEIAN_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    return dict(env, **extra)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    """A BEIAN_VAR_DIR with a migrated SQLite database, as `make run` leaves it before scripts/run.sh."""
    var_dir = tmp_path_factory.mktemp("run-script-var")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=_embedded_env(var_dir),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return var_dir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes() -> dict[int, tuple[int, int, int, str]]:
    """Every process on the machine: pid -> (parent, process group, session, state), from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it has just exited
        # The command name is in parentheses and may hold spaces: the fields start after the last ")".
        state, ppid, pgid, sid = stat.rsplit(")", 1)[1].split()[:4]
        found[int(entry.name)] = (int(ppid), int(pgid), int(sid), state)
    return found


def _family(script_pid: int, sessions: set[int]) -> set[int]:
    """The script's process group and the sessions its children lead (each child runs under setsid)."""
    return {
        pid
        for pid, (_ppid, pgid, sid, state) in _processes().items()
        if (pgid == script_pid or sid in sessions) and state != "Z"
    }


def _page_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — our own http://127.0.0.1
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _send_sigterm(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)  # a supervisor, `kill <pid>`, or make on SIGTERM


def _send_sigterm_to_group(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # `kill -- -<pgid>`: how the worker was left in "Warm shutdown"


def _send_ctrl_c(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)  # the terminal sends SIGINT to the whole foreground group


@pytest.mark.parametrize(
    ("send", "busy"),
    [(_send_sigterm, False), (_send_sigterm_to_group, True), (_send_ctrl_c, True)],
    ids=["SIGTERM-idle", "SIGTERM-to-group-busy", "Ctrl-C-busy"],
)
def test_issue_13_make_run_stops_worker_beat_and_server_within_10_s(var_dir, tmp_path, send, busy):
    """issue 13: make run stops within 10 s — on SIGTERM to the script, on SIGTERM to its process group and
    on Ctrl-C (SIGINT to the group), the worker (with its pool), beat and the server are all gone within
    10 s, also while the worker runs a task that would take 20 s; that task goes back to the queue."""
    queue_folder = var_dir / "celery" / "queue"
    for message in queue_folder.glob("*.msg"):
        message.unlink()  # what an earlier case left there
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        # Its own process group, as a shell gives a job: the group is what a Ctrl-C reaches.
        process = subprocess.Popen(
            [str(RUN_SCRIPT)],
            cwd=ROOT,
            env=_embedded_env(var_dir, ADDR=f"127.0.0.1:{port}"),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    sessions: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        # Stop it once all three are up: the page answers and the worker is consuming.
        while not (_page_answers(url) and "Portal:" in log_path.read_text()):
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "not started in 120 s:\n" + log_path.read_text()
            time.sleep(0.2)
        # Issue 16: the address (and the demo logins) come after the worker's start-up lines, not above them.
        started_log = log_path.read_text()
        assert started_log.index("worker@") < started_log.index("ready.") < started_log.index("Portal:")
        task_id = None
        if busy:
            task_id = subprocess.run(
                [str(ROOT / ".venv" / "bin" / "celery"), "-A", "beian", "call", "beian.ping"]
                + ["--kwargs", '{"busy_seconds": 20}'],
                cwd=ROOT,
                env=_embedded_env(var_dir),
                check=True,
                capture_output=True,
                text=True,
                timeout=60,
            ).stdout.strip()
            while f"beian.ping[{task_id}] received" not in log_path.read_text():
                assert time.monotonic() < deadline, "task not taken:\n" + log_path.read_text()
                time.sleep(0.1)
        children = {pid for pid, (ppid, *_rest) in _processes().items() if ppid == process.pid}
        sessions = {_processes()[pid][2] for pid in children}
        family = _family(process.pid, sessions)
        # The script, the worker and its two pool processes, beat, gunicorn and its workers.
        assert len(children) == 3 and len(family) >= 7, log_path.read_text()

        started = time.monotonic()
        send(process)
        while time.monotonic() - started < STOP_WITHIN_S + 5:
            process.poll()  # reap the script, our child, once it exits
            if not _family(process.pid, sessions):
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        left = _family(process.pid, sessions)
        print(f"{send.__name__}: everything stopped in {elapsed:.1f} s")

        assert not left, f"still running after {elapsed:.1f} s: {sorted(left)}\n" + log_path.read_text()
        assert elapsed < STOP_WITHIN_S, log_path.read_text()
        process.wait(timeout=1)  # gone, perhaps not yet reaped: the loop above counts no zombie
        assert log_path.read_text().rstrip().endswith("Stopped."), log_path.read_text()
        if busy:
            # Cancelled by the cold shutdown and, being acks_late, handed back to the broker: not lost.
            queued = [message.read_text() for message in queue_folder.glob("*.msg")]
            assert any(task_id in message for message in queued), log_path.read_text()
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            pass  # nobody listens on the port any more
    finally:
        # A failing case must not leave servers behind for the rest of the suite.
        for pid in _family(process.pid, sessions):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)
