"""``coplanner plan-week``: draft a school's or a district's week on a Dask cluster."""

import datetime
import logging

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from coplanner.planning.distributed.cluster import ClusterError, open_client
from coplanner.planning.distributed.week import (
    FAILED,
    NOTHING_TO_DO,
    PLANNED,
    UnitOutcome,
    WeekSummary,
    plan_week,
)
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import District, School

# Dask's own loggers talk about every worker that comes and goes; the
# command's log line per unit is what a person running it needs.
QUIET_LOGGERS = ("distributed", "tornado")


class Command(BaseCommand):
    help = (
        "Draft the week of every classroom of a school or a district on a Dask "
        "cluster, one task per planning unit (classrooms that share staff). "
        "Students without a plan or with an untouched draft get a new "
        "version; plans in conference or agreed are kept. Exit code 0 when "
        "every unit was planned, 1 when some failed (listed by id)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--school", help="The slug of one school.")
        scope.add_argument(
            "--district", help="The slug of a district: all its schools."
        )
        parser.add_argument(
            "--scheduler",
            help="Address of a running Dask scheduler (tcp://host:8786). "
            "Without it, a cluster of --workers processes starts on this machine.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="Worker processes of the local cluster (default: one per core).",
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            help="Seconds each planning unit may think (default: 30 per classroom).",
        )
        parser.add_argument(
            "--week",
            help="A day of the week to plan, YYYY-MM-DD (default: this week).",
        )

    def handle(self, *args: object, **options: object) -> None:
        schools = self._schools(options["school"], options["district"])
        week_start = self._week_start(options["week"])
        time_limit = options["time_limit"]
        workers = options["workers"]
        if time_limit is not None and not float(str(time_limit)) > 0:
            raise CommandError("--time-limit must be a number of seconds above 0.")
        if workers is not None and int(str(workers)) < 1:
            raise CommandError("--workers must be at least 1.")
        if options["scheduler"] and workers is not None:
            raise CommandError(
                "--workers sets up a local cluster; with --scheduler the "
                "cluster's own workers are used. Give one or the other."
            )
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)

        bar = tqdm(total=0, unit="unit", desc="Planning units", disable=None)

        failed = 0

        def on_outcome(outcome: UnitOutcome) -> None:
            nonlocal failed
            failed += outcome.result == FAILED
            bar.update(1)
            bar.set_postfix(failed=failed)

        def on_units(count: int) -> None:
            bar.reset(total=count)

        try:
            with (
                logging_redirect_tqdm(loggers=[logging.getLogger("coplanner")]),
                open_client(
                    str(options["scheduler"]) if options["scheduler"] else None,
                    int(str(workers)) if workers is not None else None,
                ) as client,
            ):
                summary = plan_week(
                    client,
                    schools,
                    week_start,
                    time_limit_s=float(str(time_limit)) if time_limit else None,
                    on_units=on_units,
                    on_outcome=on_outcome,
                )
        except ClusterError as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()
        self._report(summary)
        if summary.failed:
            raise CommandError(
                f"{len(summary.failed)} of {len(summary.outcomes)} planning units "
                "failed (listed above); the others are stored.",
                returncode=1,
            )

    def _schools(self, school: object, district: object) -> list[School]:
        if school:
            found = list(School.objects.filter(slug=str(school)))
            if not found:
                known = ", ".join(School.objects.values_list("slug", flat=True))
                raise CommandError(
                    f"No school has the slug {school!r}. Known schools: "
                    f"{known or 'none'}."
                )
            return found
        try:
            chosen = District.objects.get(slug=str(district))
        except District.DoesNotExist:
            known = ", ".join(District.objects.values_list("slug", flat=True))
            raise CommandError(
                f"No district has the slug {district!r}. Known districts: "
                f"{known or 'none'}."
            ) from None
        found = list(chosen.schools.order_by("slug"))
        if not found:
            raise CommandError(
                f"District {district!r} has no schools yet. Import its roster first."
            )
        return found

    def _week_start(self, week: object) -> datetime.date:
        if not week:
            return get_week_start()
        try:
            return get_week_start(datetime.date.fromisoformat(str(week)))
        except ValueError:
            raise CommandError(
                f"--week {week!r} is not a date; write it as YYYY-MM-DD."
            ) from None

    def _report(self, summary: WeekSummary) -> None:
        for outcome in summary.failed:
            tried = (
                f" after {outcome.attempts} attempt(s) on a worker"
                if outcome.attempts
                else ""
            )
            self.stderr.write(f"Unit {outcome.unit.id} failed{tried}: {outcome.reason}")
        self.stdout.write(
            f"Week of {summary.week_start}: {summary.count(PLANNED)} units planned, "
            f"{summary.count(FAILED)} failed, {summary.count(NOTHING_TO_DO)} with "
            f"nothing to do; {summary.drafted} plans drafted, on "
            f"{summary.workers} workers, in {summary.seconds:.1f} s."
        )
