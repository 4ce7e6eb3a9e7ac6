"""The Celery application: one app for the web process, the worker and beat.

The broker is Redis when REDIS_URL is set, else kombu's filesystem transport
under var/celery (see settings), so a real worker and beat run with no server.
"""

import os
import socket
import time

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beian.settings")

app = Celery("beian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="beian.ping", acks_late=True, time_limit=30, soft_time_limit=25)
def ping(busy_seconds: float = 0) -> dict:
    """Answer with who ran the task: proves a separate worker process is consuming. `busy_seconds` (at most
    20, within the time limit) keeps the worker busy first, as tests of stopping a busy worker need."""
    time.sleep(min(max(busy_seconds, 0), 20))
    return {"pid": os.getpid(), "hostname": socket.gethostname()}
