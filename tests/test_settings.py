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
    assert broker.startswith("beianfs://")  # kombu's filesystem transport (beian.celery.EmbeddedTransport)
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
