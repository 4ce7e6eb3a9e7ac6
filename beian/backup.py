"""REL-04: one archive saves the database and the uploads; restore puts both into a fresh installation.

The archive is a plain tar file (the uploads are PDF, JPEG and PNG, already compressed):

    database.jsonl.gz   every row, one JSON object a line (Django's jsonl serializer), gzipped
    media/<name>        each uploaded file referenced by a FileField, under its storage name
    manifest.json       written last: format, created_at, vendor, migration state, rows per model,
                        every file with its size and SHA-256, and the dump's own size and SHA-256

The dump is Django's serialization rather than pg_dump or a copy of the SQLite file, so a backup of
either vendor restores into either, and the tools need nothing but the portal's own code. Rows refer to
content types, permissions, groups and users by natural key, since a freshly migrated database numbers
its content types in its own order; every other key is kept, so ids, filing numbers and public URLs
stay what they were. Rows are written and read one at a time (a queryset iterator into a gzip stream;
loaddata reads jsonl a line at a time), files are streamed between the storage and the archive in
chunks: nothing holds the whole dump in memory.

Restore reads the manifest, checks every member against its checksum before it touches anything, runs
`migrate` on the target, requires the same migration state as the archive's, and refuses a database that
already holds rows (or a storage that holds a different file under an archived name) unless `force`, which
flushes the database first. It then loads the rows with loaddata (which saves them raw, past the models'
own save(): the append-only review history is inserted, never updated), resets the PostgreSQL sequences,
writes the files through default_storage (local media or the S3 bucket alike) and verifies the row counts
and every file's checksum against the manifest.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "beian-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "database.jsonl.gz"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
MANIFEST_MAX_BYTES = 256 * 1024 * 1024

# Tables not saved, and why: each is rebuilt by `migrate` or is short-lived state whose loss is harmless.
NOT_SAVED = {
    "contenttypes.contenttype": "rebuilt by migrate; rows name content types by natural key",
    "auth.permission": "rebuilt by migrate; rows name permissions by natural key",
    "sessions.session": "web sign-ins: everyone signs in again",
    "knox.authtoken": "API tokens are credentials that die within hours (SEC-04): clients ask anew",
    "axes.accessattempt": "login-failure counters of lockouts that last half an hour (ACC-04)",
    "axes.accessattemptexpiration": "expiry of those counters",
    "beian.ratecounter": "rate-limit windows of the last minutes (SEC-03)",
}

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup that cannot be made, or an archive that must not be restored: the message says why."""


@dataclass
class BackupResult:
    path: Path
    size: int
    rows: dict[str, int]
    files: int
    file_bytes: int
    missing_files: list[str]
    seconds: float


@dataclass
class RestoreResult:
    rows: dict[str, int]
    files: int
    file_bytes: int
    source_vendor: str
    created_at: str
    flushed: bool
    seconds: float
    missing_files: list[str] = field(default_factory=list)


def saved_models(using: str = "default") -> list[type[models.Model]]:
    """The models whose rows a backup holds, in an order where natural keys come before their users."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module is not None]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in NOT_SAVED
        and model._meta.managed
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]


# --- backup ------------------------------------------------------------------------------------


def backup_create(
    *, output: Path, using: str = "default", allow_missing_files: bool = False, log: Log | None = None
) -> BackupResult:
    """Write the archive to `output` (through `output.partial`, renamed once complete)."""
    started = time.monotonic()
    log = _timed(log, started)
    connection = connections[using]
    saved = saved_models(using)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    created_at = timezone.now()
    with tempfile.TemporaryDirectory(prefix="beian-backup-") as scratch:
        dump_path = Path(scratch) / DATABASE_MEMBER
        # One snapshot: the rows, the files they name and the migration state agree with each other.
        with _read_snapshot(using):
            rows = _dump(saved, dump_path, using)
            names = _referenced_files(saved, using)
            migration_state = _applied_migrations(using)
        log(f"database: {sum(rows.values())} rows of {len(rows)} models dumped")
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                with dump_path.open("rb") as dump:
                    database = _add_member(tar, DATABASE_MEMBER, dump, dump_path.stat().st_size)
                files, missing = [], []
                for name in names:
                    try:
                        # Opened before anything else is asked: S3 as a disk answers FileNotFoundError.
                        handle = default_storage.open(name, "rb")
                    except FileNotFoundError:
                        missing.append(name)
                        continue
                    with handle:
                        files.append(
                            {"name": name, **_add_member(tar, MEDIA_PREFIX + name, handle, handle.size)}
                        )
                if missing and not allow_missing_files:
                    shown = "\n  ".join(missing[:20])
                    raise BackupError(
                        f"{len(missing)} uploaded file(s) named by the database are missing from the "
                        f"storage; no backup written (--allow-missing-files records them and goes on):"
                        f"\n  {shown}"
                    )
                log(f"files: {len(files)} ({sum(f['size'] for f in files)} bytes) archived")
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": created_at.isoformat(),
                    "vendor": connection.vendor,
                    "django": django.get_version(),
                    "migrations": migration_state,
                    "database": {"member": DATABASE_MEMBER, **database},
                    "rows": rows,
                    "files": files,
                    "missing_files": missing,
                    "not_saved": NOT_SAVED,
                }
                payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                _add_member(tar, MANIFEST, io.BytesIO(payload), len(payload))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(output)
    return BackupResult(
        path=output,
        size=output.stat().st_size,
        rows=rows,
        files=len(files),
        file_bytes=sum(f["size"] for f in files),
        missing_files=missing,
        seconds=time.monotonic() - started,
    )


def _timed(log: Log | None, started: float) -> Log:
    """Each line of progress with the seconds since the start."""
    if log is None:
        return lambda message: None
    return lambda message: log(f"[{time.monotonic() - started:6.1f} s] {message}")


@contextmanager
def _read_snapshot(using: str) -> Iterator[None]:
    """Read everything from one snapshot of the database, without stopping the portal's writers."""
    connection = connections[using]
    if connection.in_atomic_block:  # the caller's transaction is the snapshot (tests run in one)
        yield
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # atomic() would BEGIN IMMEDIATE (this project's transaction_mode) and hold the write lock for the
        # whole backup. A deferred transaction only reads: in WAL mode its first read fixes the snapshot
        # and writers go on meanwhile.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
    else:
        with transaction.atomic(using=using):
            yield


def _dump(saved: list[type[models.Model]], path: Path, using: str) -> dict[str, int]:
    """Serialize every row to gzipped JSON lines, a chunk of rows at a time; the count per model."""
    rows: dict[str, int] = {}
    serializer = serializers.get_serializer("jsonl")()
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as stream:
        for model in saved:
            # Keys to models with a natural key are written as that key: fetch the referenced row with its
            # own, not with a query per row.
            natural = [
                f.name
                for f in model._meta.concrete_fields
                if f.is_relation and hasattr(f.related_model, "natural_key")
            ]
            queryset = model._base_manager.using(using).select_related(*natural).order_by("pk")
            counted = _Counted(queryset.iterator(chunk_size=2000))
            serializer.serialize(counted, stream=stream, use_natural_foreign_keys=True, cls=_ExactJSONEncoder)
            rows[model._meta.label_lower] = counted.count
    return rows


class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, which dumpdata uses, cuts times to milliseconds (ECMA-262): a restore would then
    move every timestamp, and the open-data cursor that pages by (changed_at, id) with it. Keep them whole."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class _Counted:
    def __init__(self, iterable):
        self._iterable = iterable
        self.count = 0

    def __iter__(self):
        for item in self._iterable:
            self.count += 1
            yield item


def _referenced_files(saved: list[type[models.Model]], using: str) -> list[str]:
    """The storage names that any FileField of a saved row holds."""
    names: set[str] = set()
    for model in saved:
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                values = (
                    model._base_manager.using(using)
                    .exclude(**{f"{model_field.attname}__isnull": True})
                    .exclude(**{model_field.attname: ""})
                    .values_list(model_field.attname, flat=True)
                )
                names.update(values.iterator())
    return sorted(names)


def _applied_migrations(using: str) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        state.setdefault(app_label, []).append(name)
    return {app_label: sorted(names) for app_label, names in sorted(state.items())}


class _HashingReader:
    """A file object that hashes and counts what is read through it."""

    def __init__(self, raw):
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_member(tar: tarfile.TarFile, name: str, handle, size: int) -> dict:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    reader = _HashingReader(handle)
    tar.addfile(info, reader)  # reads exactly `size` bytes, or raises if the file is shorter
    return {"size": reader.size, "sha256": reader.sha256.hexdigest()}


# --- restore -----------------------------------------------------------------------------------


def backup_restore(
    *, archive: Path, using: str = "default", force: bool = False, log: Log | None = None
) -> RestoreResult:
    """Restore `archive` into the database `using` and default_storage; refuse a damaged archive, another
    migration state, or a target that holds data (unless `force`, which flushes it first)."""
    started = time.monotonic()
    log = _timed(log, started)
    try:
        tar = tarfile.open(archive, "r:")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive: {exc}") from exc
    with tar:
        manifest = _manifest_read(tar)
        _members_verify(tar, manifest)
        log("archive: every member matches its checksum")

        call_command("migrate", database=using, interactive=False, verbosity=0)
        _migrations_check(manifest, using)
        log("target: migrated, at the archive's migration state")
        saved = _manifest_models(manifest)

        occupied = {
            model._meta.label_lower: count
            for model in saved
            if (count := model._base_manager.using(using).count())
        }
        present, conflicts = _storage_state(manifest["files"])
        if (occupied or conflicts) and not force:
            raise BackupError(_refusal(occupied, conflicts))
        if occupied:
            call_command("flush", database=using, interactive=False, verbosity=0)
            log(f"target: flushed ({sum(occupied.values())} rows deleted), --force")

        with tempfile.TemporaryDirectory(prefix="beian-restore-") as scratch:
            dump_path = Path(scratch) / DATABASE_MEMBER
            with tar.extractfile(DATABASE_MEMBER) as source, dump_path.open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
            call_command("loaddata", str(dump_path), database=using, verbosity=0)
        _sequences_reset(saved, using)
        log(f"database: {sum(manifest['rows'].values())} rows loaded")

        for entry in manifest["files"]:
            name = entry["name"]
            if name in present:
                continue  # the storage already holds these very bytes
            if name in conflicts:
                default_storage.delete(name)
            with tar.extractfile(MEDIA_PREFIX + name) as source:
                stored = default_storage.save(name, File(source, name=name))
            if stored != name:
                raise BackupError(f"the storage saved {name!r} as {stored!r}")
        log(f"files: {len(manifest['files'])} written")

    rows = _rows_verify(saved, manifest, using)
    _files_verify(manifest["files"])
    log("verified: row counts and file checksums match the manifest")
    return RestoreResult(
        rows=rows,
        files=len(manifest["files"]),
        file_bytes=sum(entry["size"] for entry in manifest["files"]),
        source_vendor=manifest["vendor"],
        created_at=manifest["created_at"],
        flushed=bool(occupied),
        seconds=time.monotonic() - started,
        missing_files=list(manifest.get("missing_files", [])),
    )


def _manifest_read(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
    except KeyError as exc:
        raise BackupError("the archive has no manifest.json: it is not a backup of this portal") from exc
    if not member.isfile() or member.size > MANIFEST_MAX_BYTES:
        raise BackupError("the archive's manifest.json is not a manifest")
    with tar.extractfile(member) as handle:
        try:
            manifest = json.loads(handle.read())
        except ValueError as exc:
            raise BackupError(f"the archive's manifest.json is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("the archive's manifest.json is not a manifest of this portal's backups")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"archive format version {manifest.get('format_version')!r}; this code reads {FORMAT_VERSION}"
        )
    for key, kind in (("rows", dict), ("files", list), ("migrations", dict), ("database", dict)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"the archive's manifest.json lacks {key!r}")
    for entry in manifest["files"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        path = PurePosixPath(name or "")
        if not name or path.is_absolute() or ".." in path.parts or str(path) != name:
            raise BackupError(f"the manifest names an unsafe file: {name!r}")
    return manifest


def _members_verify(tar: tarfile.TarFile, manifest: dict) -> None:
    """Every member the manifest names is there with its size and checksum, and nothing else is."""
    expected = {DATABASE_MEMBER: manifest["database"]}
    expected.update({MEDIA_PREFIX + entry["name"]: entry for entry in manifest["files"]})
    seen = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        entry = expected.get(member.name)
        if entry is None or not member.isfile() or member.name in seen:
            raise BackupError(f"the archive holds {member.name!r}, which its manifest does not list")
        seen.add(member.name)
        digest = hashlib.sha256()
        with tar.extractfile(member) as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        if member.size != entry.get("size") or digest.hexdigest() != entry.get("sha256"):
            raise BackupError(
                f"checksum mismatch: {member.name!r} is not what the manifest recorded — the archive is "
                f"damaged or was altered; nothing was restored"
            )
    absent = sorted(set(expected) - seen)
    if absent:
        raise BackupError(f"the archive lacks {len(absent)} member(s) its manifest lists: {absent[:5]}")


def _migrations_check(manifest: dict, using: str) -> None:
    here = _applied_migrations(using)
    there = manifest["migrations"]
    if here != there:

        def only_in(a: dict, b: dict) -> list[str]:
            return sorted(f"{app}.{n}" for app, names in a.items() for n in set(names) - set(b.get(app, [])))

        newer_here, newer_there = only_in(here, there), only_in(there, here)
        raise BackupError(
            "the archive was made at another migration state than this code's; restore it with the "
            "release that made it, then upgrade with `manage.py migrate`.\n"
            f"  only in this code: {newer_here[:10]}\n  only in the archive: {newer_there[:10]}"
        )


def _manifest_models(manifest: dict) -> list[type[models.Model]]:
    saved = []
    for label in manifest["rows"]:
        try:
            saved.append(apps.get_model(label))
        except (LookupError, ValueError) as exc:
            raise BackupError(f"the archive holds rows of {label!r}, which this code does not know") from exc
    return saved


def _storage_state(files: list[dict]) -> tuple[set[str], set[str]]:
    """Archived names the storage already holds: with the same bytes, and with other bytes."""
    present, conflicts = set(), set()
    for entry in files:
        name = entry["name"]
        if default_storage.exists(name):
            same = _storage_sha256(name) == entry["sha256"]
            (present if same else conflicts).add(name)
    return present, conflicts


def _storage_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _refusal(occupied: dict[str, int], conflicts: set[str]) -> str:
    lines = ["the target already holds data; restore wants an empty, freshly migrated database."]
    if occupied:
        shown = ", ".join(f"{label} {count}" for label, count in sorted(occupied.items())[:8])
        lines.append(f"  rows: {sum(occupied.values())} ({shown})")
    if conflicts:
        lines.append(f"  files with other contents under archived names: {sorted(conflicts)[:5]}")
    lines.append("--force deletes every row of the target database (and replaces those files) first.")
    return "\n".join(lines)


def _sequences_reset(saved: list[type[models.Model]], using: str) -> None:
    """Rows came with their ids: move each id sequence past them, so that the next insert gets a new id.
    (loaddata does this for the models it loaded; this covers every saved model and its m2m tables.)"""
    connection = connections[using]
    tables = list(saved)
    for model in saved:
        tables.extend(f.remote_field.through for f in model._meta.local_many_to_many)
    statements = connection.ops.sequence_reset_sql(no_style(), tables)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _rows_verify(saved: list[type[models.Model]], manifest: dict, using: str) -> dict[str, int]:
    rows = {model._meta.label_lower: model._base_manager.using(using).count() for model in saved}
    wrong = {label: (rows[label], count) for label, count in manifest["rows"].items() if rows[label] != count}
    if wrong:
        shown = ", ".join(f"{label}: {got} of {want}" for label, (got, want) in sorted(wrong.items()))
        raise BackupError(f"restored row counts differ from the manifest: {shown}")
    return rows


def _files_verify(files: list[dict]) -> None:
    wrong = [entry["name"] for entry in files if _storage_sha256(entry["name"]) != entry["sha256"]]
    if wrong:
        raise BackupError(f"{len(wrong)} restored file(s) differ from their checksum: {wrong[:5]}")
