"""Import a State Council holiday schedule into the working-day calendar (DL-05)."""

from __future__ import annotations

import argparse
import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from review.calendar import library_covers
from review.models_calendar import CalendarDay, CalendarYear

HELP = """\
Import holidays and adjusted working days (调休上班) into the working-day calendar (DL-05).

FILE is a UTF-8 CSV (a byte-order mark is accepted) with the header

    date,kind,name

and, optionally, a fourth column `note`. One row per day:

    date  YYYY-MM-DD
    kind  holiday  (放假: a day off, e.g. each day of the Spring Festival break)
          workday  (上班: a Saturday or Sunday made a working day, 调休)
    name  the holiday it belongs to, e.g. 春节 (may be empty)

List every day off that falls on Monday-Friday and every weekend day that is worked;
weekend days inside a break may be listed as holiday too. A workday row on Monday-Friday
is refused, except in a year of the bundled calendar, where it corrects a day the calendar
lists as a holiday. Example:

    date,kind,name
    2026-02-14,workday,春节
    2026-02-16,holiday,春节

Rows are inserted or replace the existing row of the same date. If any row is bad,
every error is reported with its line number and nothing is written.

--complete marks the year(s) of the file complete: from then on every day of the year
not listed counts Monday-Friday as working days. Only do this once the whole schedule
of the year (国务院办公厅关于部分节假日安排的通知) is in. Deadlines falling in a year that is
neither in the bundled calendar nor complete are provisional (预计), estimated from the statutory
holidays; once this command commits, every open deadline is recomputed on the entered schedule.
"""

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
KINDS = {CalendarDay.Kind.HOLIDAY.value, CalendarDay.Kind.WORKDAY.value}
NAME_MAX = CalendarDay._meta.get_field("name").max_length


@dataclass(frozen=True)
class Row:
    line: int
    date: date
    kind: str
    name: str
    note: str


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file with the header date,kind,name")
        parser.add_argument(
            "--year", type=int, help="the year the file covers: a row of another year is an error"
        )
        parser.add_argument(
            "--complete",
            action="store_true",
            help="mark the year (--year, or every year in the file) complete",
        )
        parser.add_argument(
            "--source", default="", help="the notice the schedule comes from, recorded on the year"
        )

    def handle(self, *args, file: Path, year: int | None, complete: bool, source: str, **options):
        rows = self._read(file, year)
        years = sorted({row.date.year for row in rows} | ({year} if year else set()))
        if complete:
            empty = [y for y in years if not any(row.date.year == y for row in rows)]
            if not years:
                raise CommandError(f"{file}: no rows, and no --year: nothing to mark complete.")
            if empty:
                raise CommandError(
                    f"{file}: no rows for {', '.join(map(str, empty))}; refusing to mark an empty "
                    "schedule complete."
                )

        created = updated = 0
        with transaction.atomic():
            for row in rows:
                _, was_created = CalendarDay.objects.update_or_create(
                    date=row.date,
                    defaults={"kind": row.kind, "name": row.name, "note": row.note, "updated_by": None},
                )
                created += was_created
                updated += not was_created
            if complete:
                for y in years:
                    calendar_year, _ = CalendarYear.objects.get_or_create(year=y)
                    calendar_year.complete = True
                    calendar_year.source = source or calendar_year.source or f"import_calendar {file.name}"
                    calendar_year.save()

        self.stdout.write(
            self.style.SUCCESS(f"{file}: {len(rows)} rows imported ({created} new, {updated} replaced).")
        )
        for y in years:
            if library_covers(y):
                self.stdout.write(f"{y} is in the bundled calendar: these rows override it on their dates.")
        if complete:
            self.stdout.write(self.style.SUCCESS(f"Marked complete: {', '.join(map(str, years))}."))

    def _read(self, file: Path, year: int | None) -> list[Row]:
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                return self._parse(file, handle, year)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc

    def _parse(self, file: Path, handle, year: int | None) -> list[Row]:
        reader = csv.reader(handle)
        header = [cell.strip().lower() for cell in next(reader, [])]
        if header[:3] != ["date", "kind", "name"] or header[3:] not in ([], ["note"]):
            raise CommandError(f"{file}: line 1: the header must be date,kind,name (optionally ,note)")
        rows: list[Row] = []
        errors: list[str] = []
        seen: dict[date, int] = {}
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                errors.append(f"line {line}: {len(cells)} fields, expected {len(header)}")
                continue
            raw_date, raw_kind, name = (cell.strip() for cell in cells[:3])
            note = cells[3].strip() if len(cells) > 3 else ""
            problems = []
            day = None
            if not ISO_DATE.fullmatch(raw_date):
                problems.append(f"date {raw_date!r} is not YYYY-MM-DD")
            else:
                try:
                    day = date.fromisoformat(raw_date)
                except ValueError:
                    problems.append(f"date {raw_date!r} does not exist")
            kind = raw_kind.lower()
            if kind not in KINDS:
                problems.append(f"kind {raw_kind!r} is not holiday or workday")
            if len(name) > NAME_MAX:
                problems.append(f"name longer than {NAME_MAX} characters")
            if day is not None:
                if year is not None and day.year != year:
                    problems.append(f"{day.isoformat()} is not in --year {year}")
                if day in seen:
                    problems.append(f"{day.isoformat()} already on line {seen[day]}")
                else:
                    seen[day] = line
                if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5 and not library_covers(day.year):
                    problems.append(
                        f"{day.isoformat()} is a weekday: a workday row is for a Saturday or Sunday"
                    )
            if problems:
                errors.append(f"line {line}: " + "; ".join(problems))
            else:
                rows.append(Row(line=line, date=day, kind=kind, name=name, note=note))
        if errors:
            raise CommandError(
                f"{file}: {len(errors)} bad row(s), nothing written:\n  " + "\n  ".join(errors)
            )
        return rows
