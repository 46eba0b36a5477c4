"""Create an integration token: ``coplanner create-token --school SLUG --name NAME``.

The secret is printed once, on standard output alone, so that it can be
piped into the other system's configuration; it cannot be shown again.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coplanner.api.tokens import TokenNameInvalid, record_token
from coplanner.roster.models import School


class Command(BaseCommand):
    help = (
        "Create an integration token for a school and print its secret once. "
        "An integration sends it as 'Authorization: Bearer <token>'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's slug.")
        parser.add_argument(
            "--name",
            required=True,
            help="What the token is for, such as the system that will use it.",
        )

    def handle(self, *args: object, school: str, name: str, **options: object) -> None:
        found = School.objects.filter(slug=school).first()
        if found is None:
            known = ", ".join(School.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f"No school has the slug {school!r}. Known schools: {known}."
            )
        try:
            created = record_token(found, name, None)
        except TokenNameInvalid as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"Created token {created.token.pk} for {found.name}. Copy it now: "
            "it is shown only this once."
        )
        self.stdout.write(created.secret)
