from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class BeianConfig(AppConfig):
    """Project-level commands (seed_demo), tasks (ping, heartbeat), the rate-limit counter (SEC-03)
    and the API tokens' revocation (SEC-04)."""

    name = "beian"
    verbose_name = "beian"

    def ready(self) -> None:
        from django.urls import register_converter

        from . import tokens  # noqa: F401  (connects the receivers)
        from .input_fields import IdConverter

        register_converter(IdConverter, "id")  # SEC-05: object ids in URLs
        for folder in runtime_folders():
            folder.mkdir(parents=True, exist_ok=True)


def runtime_folders() -> list[Path]:
    """The embedded runtime's folders that must exist before anything uses them, made as the web process,
    the worker, beat or a command starts (issue 14: not when the settings are read). SQLite cannot create
    its file's folder; whitenoise reads STATIC_ROOT as it starts; kombu's filesystem transport and Celery's
    file result backend expect their folders. The file cache and uploads make their own."""
    folders = [Path(settings.STATIC_ROOT)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]) != ":memory:":
        folders.append(Path(database["NAME"]).parent)
    queue_dir = getattr(settings, "CELERY_QUEUE_DIR", None)
    if queue_dir is not None:
        folders += [Path(queue_dir) / name for name in ("queue", "control", "results")]
    return folders
