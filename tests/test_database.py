"""The database under the portal: PostgreSQL in CI (UTF-8 ctype), SQLite embedded (WAL, IMMEDIATE)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from .conftest import requires_postgres

ROOT = Path(__file__).resolve().parent.parent


@requires_postgres
@pytest.mark.django_db
def test_ci_runs_on_postgresql_with_a_utf8_ctype():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database"
            " WHERE datname = current_database()"
        )
        encoding, ctype = cursor.fetchone()
    assert encoding == "UTF8"
    assert "UTF-8" in ctype.upper() or "UTF8" in ctype.upper()


WRITER = """
import django
django.setup()
from django.db import transaction
from filers.models import Entity
for i in range({n}):
    with transaction.atomic():
        Entity.objects.create(name=f"并发写入{tag}-{{i}}", uscc=f"{tag}{{i:016d}}"[:18], region_code="110108")
        Entity.objects.filter(uscc__startswith="{tag}").count()
print("done")
"""


def test_embedded_sqlite_lets_web_and_worker_write_at_once_without_database_is_locked(tmp_path):
    """Two processes write to the embedded SQLite file at the same time (WAL + BEGIN IMMEDIATE)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "beian.settings", "BEIAN_VAR_DIR": str(tmp_path)})
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.format(n=150, tag=tag)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    ]
    outputs = [w.communicate(timeout=180) for w in writers]
    for writer, (_out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert "database is locked" not in err
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM filers_entity").fetchone()[0] == 300
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
