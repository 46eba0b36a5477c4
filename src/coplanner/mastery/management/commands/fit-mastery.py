from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from tqdm import tqdm

from coplanner.mastery.actions import record_mastery_fit
from coplanner.planning.distributed.cluster import ClusterError, open_client
from coplanner.planning.distributed.mastery import fit_on_cluster
from coplanner.roster.models import Classroom, School, Student
from distributed import Client

PHASES = (
    "reading evidence",
    "fitting skills",
    "estimating mastery",
    "storing estimates",
)


class Command(BaseCommand):
    help = (
        "Refit knowledge tracing from the evidence in the database and store "
        "every student's mastery estimates. Limit it with --school or --class. "
        "With --scheduler (or --distributed for a cluster on this machine) "
        "each skill is fitted by a Dask worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--school", help="The slug of one school.")
        scope.add_argument(
            "--class", dest="classroom", help="The code of one classroom."
        )
        cluster = parser.add_mutually_exclusive_group()
        cluster.add_argument(
            "--scheduler",
            help="Address of a running Dask scheduler (tcp://host:8786): "
            "fit one skill per task on its workers.",
        )
        cluster.add_argument(
            "--distributed",
            action="store_true",
            help="Fit on a Dask cluster started on this machine, one worker per core.",
        )

    def handle(
        self,
        *args: object,
        school: str | None,
        classroom: str | None,
        scheduler: str | None = None,
        distributed: bool = False,
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

        try:
            with (
                open_client(scheduler) if scheduler or distributed else nullcontext()
            ) as client:
                for target_school, students in targets:
                    self._fit(target_school, students, client)
        except ClusterError as error:
            raise CommandError(str(error)) from None

    def _fit(
        self,
        school: School,
        students: QuerySet[Student] | None,
        client: Client | None,
    ) -> None:
        """Refit one school, on the cluster when there is a client, and report."""
        with tqdm(total=len(PHASES), desc=school.name, unit="step", leave=True) as bar:

            def step(label: str) -> None:
                if label != PHASES[0]:
                    bar.update(1)
                bar.set_postfix_str(label)

            if client is None:
                summary = record_mastery_fit(school, students, step=step)
            else:
                summary = record_mastery_fit(
                    school, students, step=step, fit=fit_on_cluster(client)
                )
            bar.update(bar.total - bar.n)
        self.stdout.write(
            f"{school.name}: {summary.estimates} estimates for "
            f"{summary.students} students on {summary.skills} skills, from "
            f"{summary.evidence} pieces of evidence, in {summary.seconds:.1f} s."
        )
