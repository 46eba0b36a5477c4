from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coplanner.privacy.backup import write_backup
from coplanner.roster.models import School


class Command(BaseCommand):
    help = (
        "Back up a school (or every school) to a file, every row with its key. "
        "People's accounts come with their password hashes: keep the file safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--school", metavar="SLUG", help="The school to back up (default: all)."
        )
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            metavar="FILE",
            help="Where to write the backup; a name ending in .gz is compressed.",
        )

    def handle(
        self, *args: object, school: str | None, output: str, **options: object
    ) -> None:
        chosen = None
        if school:
            chosen = School.objects.filter(slug=school).first()
            if chosen is None:
                known = (
                    ", ".join(School.objects.values_list("slug", flat=True)) or "none"
                )
                raise CommandError(f"No school is called {school!r}. Schools: {known}.")
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(
                f"The folder {path.parent} does not exist. Create it first."
            )
        summary = write_backup(chosen, path)
        what = f"school {summary.school}" if summary.school else "every school"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {what}: {summary.rows} rows in {summary.tables} tables to {path}."
            )
        )
