from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coplanner.privacy.export import record_student_export
from coplanner.roster.models import Student


class Command(BaseCommand):
    help = (
        "Export everything held about one student to a zip file. It holds a JSON "
        "file of every row and a spreadsheet-safe CSV file per kind of row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("student", type=int, metavar="ID", help="The student's id.")
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            metavar="FILE.zip",
            help="Where to write it.",
        )

    def handle(
        self, *args: object, student: int, output: str, **options: object
    ) -> None:
        found = Student.objects.filter(pk=student).first()
        if found is None:
            raise CommandError(
                f"No student has id {student}. Check the id on the admin pages."
            )
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(
                f"The folder {path.parent} does not exist. Create it first."
            )
        content = record_student_export(found, None)
        path.write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported student {found.pk} to {path} ({len(content)} bytes)."
            )
        )
