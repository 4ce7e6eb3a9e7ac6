"""The Celery application: one app for the web process, the worker and beat.

The broker is Redis when REDIS_URL is set, else kombu's filesystem transport
under var/celery (see settings), so a real worker and beat run with no server.
"""

import os
import socket
import time

from celery import Celery
from celery.signals import worker_ready
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.filesystem import Transport as FilesystemTransport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")


class EmbeddedTransport(FilesystemTransport):
    """kombu's filesystem transport, whose waits for a message end within 0.25 s.

    Celery's loop for a transport like this one waits up to 2 s per call and, once told to stop, waits one
    call more before it stops: an idle worker took 2-4 s to notice a Ctrl-C, most of what scripts/run.sh
    can give it (issue 13). Polling is unchanged (settings: polling_interval); only a wait is cut short.
    """

    def drain_events(self, connection, timeout=None):
        if timeout is not None:
            timeout = min(timeout, 0.25)
        return super().drain_events(connection, timeout=timeout)


# The embedded broker's URL scheme (settings: CELERY_BROKER_URL), registered wherever the app is loaded.
TRANSPORT_ALIASES["beianfs"] = "beian.celery:EmbeddedTransport"

app = Celery("beian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="beian.ping", acks_late=True, time_limit=30, soft_time_limit=25)
def ping(busy_seconds: float = 0) -> dict:
    """Answer with who ran the task: proves a separate worker process is consuming. `busy_seconds` (at most
    20, within the time limit) keeps the worker busy first, as tests of stopping a busy worker need."""
    time.sleep(min(max(busy_seconds, 0), 20))
    return {"pid": os.getpid(), "hostname": socket.gethostname()}


@worker_ready.connect
def _worker_ready_file(**kwargs) -> None:
    """scripts/run.sh waits for this file before it prints the portal's address and the demo logins, so
    that the worker's start-up lines do not push them out of sight (issue 16)."""
    path = os.environ.get("BEIAN_WORKER_READY_FILE")
    if path:
        with open(path, "w") as ready:
            ready.write(str(os.getpid()))
