"""REL-04: `manage.py backup [--output PATH]` — the database and the uploads in one archive."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from beian.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Save every row of the database and every uploaded file (local media or the S3 bucket) in one "
        "archive with a manifest of row counts and file checksums. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="the archive to write (default: BEIAN_VAR_DIR/backups/beian-<time>.tar)",
        )
        parser.add_argument("--database", default="default", help="the database alias to save")
        parser.add_argument(
            "--allow-missing-files",
            action="store_true",
            help="record uploads that the database names but the storage lacks, instead of failing",
        )

    def handle(self, *args, **options):
        output = options["output"] or (
            Path(settings.VAR_DIR) / "backups" / f"beian-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
        )
        log = self.stdout.write if options["verbosity"] >= 1 else None
        try:
            result = backup_create(
                output=output,
                using=options["database"],
                allow_missing_files=options["allow_missing_files"],
                log=log,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for name in result.missing_files:
            self.stderr.write(f"missing from the storage, not saved: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.path}: {sum(result.rows.values())} rows, {result.files} files "
                f"({result.file_bytes} bytes), {result.size} bytes in all, in {result.seconds:.1f} s."
            )
        )
