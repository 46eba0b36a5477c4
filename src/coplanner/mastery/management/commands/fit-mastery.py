from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from coplanner.mastery.actions import record_mastery_fit
from coplanner.roster.models import Classroom, School

PHASES = (
    "reading evidence",
    "fitting skills",
    "estimating mastery",
    "storing estimates",
)


class Command(BaseCommand):
    help = (
        "Refit knowledge tracing from the evidence in the database and store "
        "every student's mastery estimates. Limit it with --school or --class."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--school", help="The slug of one school.")
        scope.add_argument(
            "--class", dest="classroom", help="The code of one classroom."
        )

    def handle(
        self,
        *args: object,
        school: str | None,
        classroom: str | None,
        **options: object,
    ) -> None:
        if classroom:
            found = Classroom.objects.filter(code=classroom).select_related("school")
            if found.count() != 1:
                raise CommandError(
                    f"No single classroom has the code {classroom!r}. "
                    "Check the code in the admin pages, or use --school."
                )
            targets = [(found[0].school, found[0].students.all())]
        elif school:
            try:
                targets = [(School.objects.get(slug=school), None)]
            except School.DoesNotExist:
                raise CommandError(
                    f"No school has the slug {school!r}. "
                    f"Known schools: {', '.join(School.objects.values_list('slug', flat=True)) or 'none'}."
                ) from None
        else:
            targets = [(each, None) for each in School.objects.all()]

        for target_school, students in targets:
            with tqdm(
                total=len(PHASES), desc=target_school.name, unit="step", leave=True
            ) as bar:

                def step(label: str) -> None:
                    if label != PHASES[0]:
                        bar.update(1)
                    bar.set_postfix_str(label)

                summary = record_mastery_fit(target_school, students, step=step)
                bar.update(bar.total - bar.n)
            self.stdout.write(
                f"{target_school.name}: {summary.estimates} estimates for "
                f"{summary.students} students on {summary.skills} skills, from "
                f"{summary.evidence} pieces of evidence, in {summary.seconds:.1f} s."
            )
