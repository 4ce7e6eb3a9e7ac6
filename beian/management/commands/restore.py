"""REL-04: `manage.py restore PATH` — an archive of `manage.py backup` into a fresh database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beian.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup`: check every member against the manifest, migrate "
        "the target database, load the rows, write the uploaded files through the configured storage, "
        "then verify the row counts and file checksums. The target database must be empty (freshly "
        "created or migrated); --force deletes everything in it first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the .tar written by `manage.py backup`")
        parser.add_argument("--database", default="default", help="the database alias to restore into")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore into a database that holds data: every row in it is deleted first",
        )

    def handle(self, *args, **options):
        archive = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file")
        log = self.stdout.write if options["verbosity"] >= 1 else None
        try:
            result = backup_restore(
                archive=archive, using=options["database"], force=options["force"], log=log
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self.stdout.write(f"Archive of {result.created_at} ({result.source_vendor}); rows per model:")
            for label, count in sorted(result.rows.items()):
                if count:
                    self.stdout.write(f"  {label:32} {count:>9}")
        for name in result.missing_files:
            self.stderr.write(f"was missing when the backup was made, not restored: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(result.rows.values())} rows and {result.files} files "
                f"({result.file_bytes} bytes) in {result.seconds:.1f} s; row counts and file checksums "
                f"match the manifest."
            )
        )
