"""Settings: embedded defaults with no environment; production needs its secrets; check --deploy is clean."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J!x9-q2Vd7#pL0mZ8wR4tY6uB1nC5eH2jK9sD3fG7hQ0aW8vX4",
    "ALLOWED_HOSTS": "beian.example.cn",
}


def _manage(*args, env_extra, drop=()):
    # The browser tests' async flag is a test-process setting, not production's.
    env = {k: v for k, v in os.environ.items() if k not in (*drop, "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_configuration_passes_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_production_process_without_a_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", env_extra=env, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_embedded_default_needs_no_server(tmp_path):
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS'],"
        " s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.STORAGES['default']['BACKEND'], str(s.MEDIA_ROOT)]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "beian.settings", "BEIAN_VAR_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    engine, options, broker, email, storage, media = __import__("json").loads(result.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert broker.startswith("filesystem://")
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert storage == "django.core.files.storage.FileSystemStorage"
    assert media == str(tmp_path / "media")


def test_s3_storage_and_smtp_come_from_the_environment():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.STORAGES['default']['BACKEND'], s.AWS_S3_ENDPOINT_URL,"
        " s.EMAIL_BACKEND, s.EMAIL_HOST]))"
    )
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "beian.settings",
            "AWS_STORAGE_BUCKET_NAME": "beian",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "EMAIL_URL": "smtp://mailer:secret@127.0.0.1:2525",
        }
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    storage, endpoint, email, host = __import__("json").loads(result.stdout)
    assert storage == "storages.backends.s3.S3Storage"
    assert endpoint == "http://127.0.0.1:9000"
    assert email == "django.core.mail.backends.smtp.EmailBackend" and host == "127.0.0.1"


def test_the_interface_language_is_chinese_with_english_available():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


# --- Issue 14: .env read first, nothing made at import, DEBUG off unless set --------------------------

READ_SETTINGS = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("copied_settings", sys.argv[1])
module = importlib.util.module_from_spec(spec)
try:
    spec.loader.exec_module(module)
except Exception as exc:
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
else:
    print(json.dumps({"DEBUG": module.DEBUG, "VAR_DIR": str(module.VAR_DIR),
                      "ALLOWED_HOSTS": module.ALLOWED_HOSTS,
                      "DATABASE": str(module.DATABASES["default"]["NAME"])}))
"""


def _read_settings(tmp_path: Path, *, env: dict, dotenv: str | None = None) -> dict:
    """The settings module, copied with a project folder of its own (BASE_DIR is its grandparent, so its
    `.env` is `dotenv`), read in a fresh interpreter whose environment is `env` and nothing else."""
    project = tmp_path / "project"
    (project / "beian").mkdir(parents=True, exist_ok=True)
    (project / "beian" / "settings.py").write_text((ROOT / "beian" / "settings.py").read_text())
    (project / ".env").unlink(missing_ok=True)
    if dotenv is not None:
        (project / ".env").write_text(dotenv)
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS, str(project / "beian" / "settings.py")],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return __import__("json").loads(result.stdout)


def test_issue_14_debug_is_off_unless_set(tmp_path):
    # An empty environment: DEBUG off, so the missing secret stops the process (fails closed).
    assert "SECRET_KEY must be set" in _read_settings(tmp_path, env={})["error"]
    read = _read_settings(tmp_path, env={"SECRET_KEY": PRODUCTION["SECRET_KEY"]})
    assert read["DEBUG"] is False and read["ALLOWED_HOSTS"] == []
    assert _read_settings(tmp_path, env={"DEBUG": "1"})["DEBUG"] is True


def test_issue_14_dotenv_is_read_first_and_can_set_the_var_dir(tmp_path):
    var_dir = tmp_path / "var-from-dotenv"
    read = _read_settings(tmp_path, env={}, dotenv=f"DEBUG=1\nBEIAN_VAR_DIR={var_dir}\n")
    assert read["DEBUG"] is True
    assert read["VAR_DIR"] == str(var_dir) and read["DATABASE"] == str(var_dir / "db.sqlite3")
    # The environment wins over .env.
    other = tmp_path / "var-from-env"
    read = _read_settings(
        tmp_path, env={"BEIAN_VAR_DIR": str(other)}, dotenv=f"DEBUG=1\nBEIAN_VAR_DIR={var_dir}\n"
    )
    assert read["VAR_DIR"] == str(other)
    # Reading the settings made none of the folders they name.
    assert not var_dir.exists() and not other.exists()


def test_issue_14_the_folders_are_made_when_django_starts_not_when_settings_are_read(tmp_path):
    var_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_QUEUE_DIR")}
    env.update({"DJANGO_SETTINGS_MODULE": "beian.settings", "BEIAN_VAR_DIR": str(var_dir), "DEBUG": "1"})
    imported = subprocess.run(
        [sys.executable, "-c", "import beian.settings"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert imported.returncode == 0, imported.stderr
    assert not var_dir.exists()
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert started.returncode == 0, started.stderr
    for folder in ("static", "celery/queue", "celery/control", "celery/results"):
        assert (var_dir / folder).is_dir(), folder
