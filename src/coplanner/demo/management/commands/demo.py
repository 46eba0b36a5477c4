from django.core.management.base import BaseCommand, CommandParser

from coplanner.demo.load import load_demo_school


class Command(BaseCommand):
    help = (
        "Load the demo school (an elementary school, K to 3) into the database, "
        "replacing an earlier demo school, and print the logins to try."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="The same seed always gives the same school (default 1).",
        )

    def handle(self, *args: object, seed: int, **options: object) -> None:
        summary = load_demo_school(seed)
        counts = summary.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary.school.name} (seed {seed}): "
                f"{counts['classrooms']} classrooms, {counts['students']} students, "
                f"{counts['skills']} skills, {counts['activities']} activities, "
                f"{counts['evidence']} pieces of evidence."
            )
        )
        self.stdout.write("\nDemo logins (every password is the same):")
        width = max(len(login.username) for login in summary.logins)
        for login in summary.logins:
            self.stdout.write(
                f"  {login.role:<9} {login.username:<{width}}  {login.name} — {login.note}"
            )
        self.stdout.write(f"\n  password: {summary.password}\n")
