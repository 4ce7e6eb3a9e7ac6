"""REL-04: `manage.py backup` saves the database and the uploads in one archive; `manage.py restore` puts
them into a fresh database and storage, and CI finds every row and file there.

The restore target is a database no test has touched: on PostgreSQL (CI) a new database created here and
dropped after, on SQLite a new file. Under PostgreSQL the archive is also restored into SQLite, which
proves the dump portable across vendors.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from moto import mock_aws

from algorithms.models import Filing
from beian.backup import MANIFEST, saved_models
from filers.models import Attachment, Entity
from products.models import Product
from review.models import ReviewEvent, Revision

from .builders import complete_entity, complete_product
from .factories import FilerFactory, valid_uscc

pytestmark = pytest.mark.django_db


def _postgres_admin(config: dict, statement: str) -> None:
    import psycopg2

    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or None,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement)
    finally:
        admin.close()


def _sqlite_config(path: Path) -> dict:
    config = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
    return connections.configure_settings({"default": config})["default"]


@pytest.fixture
def fresh_database(request, tmp_path):
    """The alias of a database created for this test and removed after it: of the same vendor as the
    suite's database, or (param "sqlite") an SQLite file whatever the suite runs on."""
    alias = f"restore_{uuid.uuid4().hex[:8]}"
    default = connections.settings["default"]
    postgres = default["ENGINE"].endswith("postgresql") and getattr(request, "param", "same") == "same"
    if postgres:
        name = f"{default['NAME']}_{alias}"[:63]
        _postgres_admin(
            default,
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            f"LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
        )
        config = {**copy.deepcopy(default), "NAME": name}
    else:
        config = _sqlite_config(tmp_path / f"{alias}.sqlite3")
    # A connection made here rather than declared in settings: Django's test case lets a test use such a
    # connection (it guards only the declared aliases a test did not ask for).
    connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        if postgres:
            _postgres_admin(default, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _targets():
    """The restore targets: a fresh database of the suite's vendor; under PostgreSQL, SQLite too."""
    from .conftest import _server

    return ["same", "sqlite"] if _server("DATABASE_URL") else ["same"]


def _rows(using: str) -> dict[str, list]:
    """Every saved row, as the serializer sees it (content types and users by natural key)."""
    return {
        model._meta.label_lower: serializers.serialize(
            "python",
            model._base_manager.using(using).order_by("pk"),
            use_natural_foreign_keys=True,
        )
        for model in saved_models(using)
    }


def _sha256(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _backup(tmp_path: Path, name: str = "backup.tar") -> Path:
    archive = tmp_path / name
    call_command("backup", output=archive, stdout=io.StringIO())
    return archive


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile(MANIFEST).read())


def _restore_media(settings, tmp_path: Path) -> None:
    """Restore into an empty media folder, as on a new machine."""
    settings.MEDIA_ROOT = tmp_path / "restored-media"


def _rewrite(archive: Path, out: Path, *, member: str | None = None, manifest=None) -> Path:
    """A copy of `archive` with one member's bytes flipped, or its manifest changed by `manifest`."""
    with tarfile.open(archive) as source, tarfile.open(out, "w") as target:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if info.name == member:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            if info.name == MANIFEST and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
                info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return out


@pytest.mark.parametrize("fresh_database", _targets(), indirect=True)
def test_rel_04_restore_into_a_fresh_database_finds_every_row_and_file(settings, tmp_path, fresh_database):
    """The demo data (filings in every state, revisions, the append-only review history, entities,
    products, attachments, numbers, notifications, the public projection) is backed up and restored into
    a database no one has touched: every row of every saved table is there as it was, every uploaded file
    with its bytes, and a row inserted afterwards gets a new id (the sequences were reset)."""
    call_command("seed_demo", stdout=io.StringIO())
    before = _rows("default")
    for model in (Filing, Revision, ReviewEvent, Entity, Product, Attachment):
        assert before[model._meta.label_lower], f"the demo data has no {model._meta.label}"
    checksums = {a.file.name: _sha256(a.file.name) for a in Attachment.objects.all()}
    archive = _backup(tmp_path)

    _restore_media(settings, tmp_path)
    out = io.StringIO()
    call_command("restore", archive, database=fresh_database, stdout=out)

    assert "Restored" in out.getvalue()
    assert _rows(fresh_database) == before  # timestamps to the microsecond, JSON, ids, natural keys
    restored = Attachment.objects.using(fresh_database).all()
    assert {a.file.name: _sha256(a.file.name) for a in restored} == checksums
    assert all(Path(settings.MEDIA_ROOT, name).is_file() for name in checksums)

    # New rows after the restore get fresh ids: on PostgreSQL the sequences were moved past the restored ids.
    entity = Entity.objects.using(fresh_database).create(name="恢复后新建的主体", uscc=valid_uscc(987654))
    assert entity.pk > max(Entity.objects.values_list("pk", flat=True))
    first = ReviewEvent.objects.using(fresh_database).order_by("pk").first()
    event = ReviewEvent.objects.using(fresh_database).create(
        content_type_id=first.content_type_id,
        object_id=entity.pk,
        action="submit",
        from_state="draft",
        to_state="submitted",
    )
    assert event.pk > max(ReviewEvent.objects.values_list("pk", flat=True))

    # The restored portal backs up as the original did (read in a snapshot of its own: no test transaction
    # holds this connection).
    again = tmp_path / "again.tar"
    call_command("backup", output=again, database=fresh_database, stdout=io.StringIO())
    first, second = _manifest(archive), _manifest(again)
    assert second["files"] == first["files"]
    assert second["rows"] == {
        **first["rows"],
        "filers.entity": first["rows"]["filers.entity"] + 1,
        "review.reviewevent": first["rows"]["review.reviewevent"] + 1,
    }


def test_rel_04_the_manifest_lists_rows_migrations_and_file_checksums(tmp_path):
    filer = FilerFactory()
    complete_entity(filer)
    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
        members = set(tar.getnames())
    assert manifest["format"] == "beian-backup" and manifest["vendor"] == connection.vendor
    assert manifest["created_at"]
    assert "0001_initial" in manifest["migrations"]["review"]
    assert manifest["rows"]["filers.entity"] == Entity.objects.count()
    assert manifest["rows"]["review.reviewevent"] == ReviewEvent.objects.count()
    assert "sessions.session" not in manifest["rows"] and "sessions.session" in manifest["not_saved"]
    files = {entry["name"]: entry for entry in manifest["files"]}
    assert set(files) == set(Attachment.objects.values_list("file", flat=True))
    for name, entry in files.items():
        assert entry["sha256"] == _sha256(name) and entry["size"] == default_storage.size(name)
        assert f"media/{name}" in members


def test_rel_04_restore_refuses_a_tampered_archive_and_touches_nothing(settings, tmp_path, fresh_database):
    filer = FilerFactory()
    complete_entity(filer)
    archive = _backup(tmp_path)
    name = Attachment.objects.first().file.name
    tampered = _rewrite(archive, tmp_path / "tampered.tar", member=f"media/{name}")

    _restore_media(settings, tmp_path)
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("restore", tampered, database=fresh_database, stdout=io.StringIO())
    assert connections[fresh_database].introspection.table_names() == []  # not even migrated
    assert not default_storage.exists(name)

    dump_altered = _rewrite(archive, tmp_path / "dump.tar", member="database.jsonl.gz")
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("restore", dump_altered, database=fresh_database, stdout=io.StringIO())


def test_rel_04_restore_refuses_a_database_with_data_unless_forced(settings, tmp_path, fresh_database):
    """A second restore into the same database finds it holding data and refuses; --force flushes it and
    restores again. An archive of another migration state is refused whatever the flags."""
    filer = FilerFactory()
    complete_entity(filer)
    archive = _backup(tmp_path)
    _restore_media(settings, tmp_path)
    call_command("restore", archive, database=fresh_database, stdout=io.StringIO())

    Entity.objects.using(fresh_database).create(name="恢复后新建的主体", uscc=valid_uscc(987654))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", archive, database=fresh_database, stdout=io.StringIO())
    assert Entity.objects.using(fresh_database).filter(name="恢复后新建的主体").exists()

    call_command("restore", archive, database=fresh_database, force=True, stdout=io.StringIO())
    assert not Entity.objects.using(fresh_database).filter(name="恢复后新建的主体").exists()
    assert _rows(fresh_database) == _rows("default")

    def older(manifest):
        manifest["migrations"]["review"] = manifest["migrations"]["review"][:-1]
        return manifest

    other_state = _rewrite(archive, tmp_path / "older.tar", manifest=older)
    with pytest.raises(CommandError, match="another migration state"):
        call_command("restore", other_state, database=fresh_database, force=True, stdout=io.StringIO())


def test_rel_04_restore_refuses_a_file_that_is_not_an_archive(tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", junk, stdout=io.StringIO())


def test_rel_04_backup_refuses_when_an_uploaded_file_is_missing(tmp_path):
    filer = FilerFactory()
    complete_product(filer, submit=False)
    complete_entity(filer, submit=False)
    lost = Attachment.objects.first().file.name
    default_storage.delete(lost)

    with pytest.raises(CommandError, match="missing from the storage"):
        call_command("backup", output=tmp_path / "b.tar", stdout=io.StringIO())
    assert not (tmp_path / "b.tar").exists() and not (tmp_path / "b.tar.partial").exists()

    err = io.StringIO()
    call_command(
        "backup", output=tmp_path / "b.tar", allow_missing_files=True, stdout=io.StringIO(), stderr=err
    )
    assert lost in err.getvalue()
    assert _manifest(tmp_path / "b.tar")["missing_files"] == [lost]


def _s3(settings, bucket: str) -> None:
    """Uploads in an S3 bucket (django-storages, as with AWS_STORAGE_BUCKET_NAME), mocked by moto."""
    import boto3

    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }


def test_rel_04_uploads_in_an_s3_bucket_are_saved_and_restored_into_a_new_bucket(
    settings, tmp_path, fresh_database
):
    """The backup reads each upload through default_storage, here an S3 bucket; the restore writes them
    into another, empty bucket, where every file's bytes are found."""
    with mock_aws():
        _s3(settings, "beian-uploads")
        filer = FilerFactory()
        complete_entity(filer)
        assert type(default_storage._wrapped).__name__ == "S3Storage"
        checksums = {a.file.name: _sha256(a.file.name) for a in Attachment.objects.all()}
        archive = _backup(tmp_path)

        _s3(settings, "beian-restored")
        assert not default_storage.exists(next(iter(checksums)))
        call_command("restore", archive, database=fresh_database, stdout=io.StringIO())
        restored = Attachment.objects.using(fresh_database).all()
        assert {a.file.name: _sha256(a.file.name) for a in restored} == checksums

        lost = next(iter(checksums))
        default_storage.delete(lost)
        with pytest.raises(CommandError, match=f"missing from the storage(.|\\n)*{lost}"):
            call_command("backup", output=tmp_path / "b.tar", database=fresh_database, stdout=io.StringIO())
