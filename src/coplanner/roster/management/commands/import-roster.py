"""Import a OneRoster 1.1 CSV bundle: ``coplanner import-roster FILE.zip [--dry-run]``.

The zip is what a student information system exports for OneRoster 1.1
CSV. Districts, schools, classes, staff, students and families are created
or updated by sourcedId; ``tobedeleted`` rows are honoured. A bundle with
any bad row changes nothing and gets a report of every one. The rules are
in ``coplanner.roster.importing``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coplanner.roster.importing import RosterImport, record_roster_import


class Command(BaseCommand):
    help = (
        "Import districts, schools, classes, staff, students and families from "
        "a OneRoster 1.1 CSV zip. A bundle with any bad row changes nothing and "
        "gets a report of every one; importing it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The OneRoster 1.1 CSV zip.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the bundle and say what would change; write nothing.",
        )

    def handle(
        self, *args: object, file: Path, dry_run: bool, **options: object
    ) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Cannot read {file}: {error.strerror}. Check the path."
            ) from None
        result = record_roster_import(data, dry_run=dry_run)
        if not result.ok:
            for problem in result.problems:
                value = f", value “{problem.value}”" if problem.value else ""
                where = problem.where or "The bundle"
                self.stderr.write(f"{where}{value}: {problem.message}")
            rows = (
                "1 problem"
                if len(result.problems) == 1
                else (f"{len(result.problems)} problems")
            )
            raise CommandError(
                f"Nothing was imported: {rows}. Fix what is listed above, then "
                "import the bundle again."
            )
        self.report(result)

    def report(self, result: RosterImport) -> None:
        if not result.changed:
            self.stdout.write(
                f"Nothing changed: coplanner already holds everything in the "
                f"bundle ({result.rows} rows)."
            )
        else:
            lead = (
                "Dry run, nothing was written. Would change:"
                if result.dry_run
                else ("Imported:")
            )
            self.stdout.write(lead)
            for kind, count in result.count_rows():
                if count.changed:
                    self.stdout.write(
                        f"  {kind}: {count.created} created, {count.updated} "
                        f"updated, {count.removed} removed, {count.unchanged} "
                        "unchanged"
                    )
        for note in result.notes:
            self.stdout.write(note)
