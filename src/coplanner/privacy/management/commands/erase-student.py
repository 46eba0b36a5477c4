from django.core.management.base import BaseCommand, CommandError, CommandParser

from coplanner.privacy.erase import describe_removal, erase_student
from coplanner.roster.models import Student


class Command(BaseCommand):
    help = (
        "Erase one student for good: every row about them and their account. "
        "The audit log keeps ids only. Export the student first if the family "
        "wants their data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("student", type=int, metavar="ID", help="The student's id.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Do not ask to type the student's name to confirm.",
        )

    def handle(self, *args: object, student: int, yes: bool, **options: object) -> None:
        found = Student.objects.filter(pk=student).first()
        if found is None:
            raise CommandError(
                f"No student has id {student}. Check the id on the admin pages."
            )
        self.stdout.write(f"Erasing student {found.pk} removes for good:")
        for name, count in describe_removal(found):
            self.stdout.write(f"  {count:>6}  {name}")
        if not yes:
            try:
                typed = input(
                    f"Type the student's name ({found.display_name}) to confirm: "
                )
            except EOFError:
                typed = ""
            if typed.strip().casefold() != found.display_name.casefold():
                raise CommandError("The name did not match, so nothing was erased.")
        erased = erase_student(found, None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased student {erased.student_id}: {erased.total} rows removed, "
                f"{erased.audit_entries_marked} audit entries kept with ids only."
            )
        )
