from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from coplanner.accounts.picture_login import (
    DEMO_PICTURES,
    record_demo_picture_logins,
)
from coplanner.demo.load import load_demo_school
from coplanner.mastery.actions import record_mastery_fit
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import School

# Seconds the planner may think per class when the demo drafts its plans.
DEMO_DRAFT_SECONDS = 6.0


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
        parser.add_argument(
            "--no-plans",
            action="store_true",
            help="Load people, skills and evidence only: no mastery fit, no drafts.",
        )

    def handle(
        self, *args: object, seed: int, no_plans: bool, **options: object
    ) -> None:
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
        if not no_plans:
            fit = record_mastery_fit(summary.school)
            self.stdout.write(
                f"Fitted knowledge tracing: {fit.estimates} mastery estimates "
                f"in {fit.seconds:.1f} s."
            )
            for classroom in summary.school.classrooms.order_by("-grade"):
                draft = propose_class_drafts(
                    classroom, get_week_start(), None, DEMO_DRAFT_SECONDS
                )
                self.stdout.write(
                    f"Drafted this week's plans of {classroom.name}: "
                    f"{draft.drafted} plans ({draft.status}) in {draft.seconds:.1f} s."
                )
        self.stdout.write("\nDemo logins (every password is the same):")
        width = max(len(login.username) for login in summary.logins)
        for login in summary.logins:
            self.stdout.write(
                f"  {login.role:<9} {login.username:<{width}}  {login.name} — {login.note}"
            )
        self.stdout.write(f"\n  password: {summary.password}\n")
        self._print_picture_logins(summary.school)

    def _print_picture_logins(self, school: School) -> None:
        """Give the demo students their pictures and say where to tap them."""
        classrooms = list(school.classrooms.order_by("grade", "name"))
        tokens = record_demo_picture_logins(classrooms)
        self.stdout.write(
            "\nPicture login for the class tablet (no typing; on this server, "
            "e.g. http://127.0.0.1:8000):"
        )
        width = max((len(classroom.name) for classroom in classrooms), default=0)
        for classroom in classrooms:
            path = reverse("accounts:picture_login", args=[tokens[classroom.pk]])
            self.stdout.write(f"  {classroom.name:<{width}}  {path}")
        pictures = ", ".join(DEMO_PICTURES)
        self.stdout.write(
            f"  every demo student's pictures, in order: {pictures}\n"
            "  (teachers choose real pictures on their class page, under "
            "Picture login)\n"
        )
