"""Plan a generated district's week through Dask, and project it onto a cluster.

The district: ``--students`` students (20,000) in ``--classes`` classes
(800) of realistic, uneven sizes (from three quarters to six fifths of the
mean), 20 classes to a school. Within a school, specialists serve a grade
band of one to four neighbouring classes, so those classes share staff and
seats and form one planning unit, as `coplanner plan-week` would find them.
Each unit is the engine's example problem for its students
(`build_example_problem`: staff, small groups and seats per 25 students,
shared across the unit; a little stricter than ``plan-week``, which gives
each class its own seats at a station), so the planning part needs no
database.

Every unit goes to a worker of a local Dask cluster (processes, one thread
each, one per core) through the same task as ``plan-week``
(`coplanner.planning.distributed.worker.solve_unit`), with a time limit of
``--time-limit`` seconds per class of the unit; every plan that comes back
is checked with `check_plan`. Printed: the time per unit on the worker
(median, 95th percentile), the wall-clock total, the total projected on 64
workers from the measured per-unit times (longest first onto the least
loaded worker, plus the measured per-task overhead), and the resident
memory of the scheduler and of each worker.

Optional steps (PostgreSQL, run under ``scripts/with-postgres``):
``--roster-import`` generates the district's OneRoster bundle with
``bench/roster_import.py`` and times its import; ``--class-page`` then (with
the district in the database) gives one class 30 students and 60 skills
with evidence and fitted estimates, serves the production settings with
gunicorn on loopback, and times its teacher's class page and heat map
(median and 95th percentile of ``--page-requests`` requests, one at a time,
after a warm-up), against the target of a 100 ms median.

Full run (5 s per class of a unit: 800 classes x 5 s on 2 cores is 33
minutes when the cores are free, about 52 with the second tries of the units
that found no first plan in time; on a busy machine more units need one):

    .venv/bin/python bench/scale.py

A smaller one (about 2 minutes):

    .venv/bin/python bench/scale.py --students 100 --classes 4 --time-limit 60

The import and the class page alone, without planning:

    scripts/with-postgres .venv/bin/python bench/scale.py --no-planning \
        --roster-import --class-page
"""

import argparse
import datetime
import heapq
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from coplanner.engine.planner import build_example_problem, check_plan, parse_plan
from coplanner.engine.planner.problem import Problem, problem_to_json
from coplanner.planning.distributed.cluster import (
    EXTRA_TIME_FACTOR,
    TASK_RETRIES,
    memory_figures,
    open_client,
)
from coplanner.planning.distributed.worker import solve_unit
from distributed import Client, Future, as_completed

CLASSES_PER_SCHOOL = 20
# How many classes a specialist's grade band holds, and how often.
BAND_SIZES = (1, 2, 3, 4)
BAND_WEIGHTS = (0.2, 0.35, 0.3, 0.15)
PROJECTED_WORKERS = 64
# The class whose page is timed, and the target of its median.
PAGE_STUDENTS = 30
PAGE_SKILLS = 60
TARGET_PAGE_MEDIAN_MS = 100.0


@dataclass(frozen=True)
class Unit:
    """A generated planning unit: some classes of one school."""

    id: str
    class_sizes: tuple[int, ...]
    seed: int

    @property
    def students(self) -> int:
        return sum(self.class_sizes)


def class_sizes(students: int, classes: int, rng: random.Random) -> list[int]:
    """Draw uneven class sizes that add up to exactly ``students``."""
    mean = students / classes
    sizes = [rng.randint(round(mean * 0.75), round(mean * 1.2)) for _ in range(classes)]
    # Move children one at a time until the total is right, never below 5.
    while (gap := students - sum(sizes)) != 0:
        index = rng.randrange(classes)
        if gap > 0:
            sizes[index] += 1
        elif sizes[index] > 5:
            sizes[index] -= 1
    return sizes


def build_district(students: int, classes: int, seed: int) -> list[Unit]:
    """Split the district's classes into schools and grade bands (units)."""
    rng = random.Random(seed)
    sizes = class_sizes(students, classes, rng)
    units: list[Unit] = []
    for school, first in enumerate(range(0, classes, CLASSES_PER_SCHOOL)):
        rest = sizes[first : first + CLASSES_PER_SCHOOL]
        band = 0
        while rest:
            take = min(len(rest), rng.choices(BAND_SIZES, BAND_WEIGHTS)[0])
            units.append(
                Unit(
                    f"school-{school + 1}/band-{band + 1}",
                    tuple(rest[:take]),
                    rng.randrange(10**6),
                )
            )
            rest = rest[take:]
            band += 1
    return units


def project(seconds: list[float], workers: int, overhead_s: float) -> float:
    """Return the makespan of these unit times on ``workers`` workers.

    Longest unit first onto the least loaded worker, the way a scheduler
    with a full queue ends up; each unit also pays the measured overhead.
    """
    loads = [0.0] * workers
    heapq.heapify(loads)
    for unit_seconds in sorted(seconds, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + unit_seconds + overhead_s)
    return max(loads)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def plan_district(client: Client, units: list[Unit], per_class_s: float) -> dict:
    """Send every unit to the cluster, check each plan; return the figures.

    A unit that comes back "unknown" (no plan found in its time, none proven
    impossible) is sent once more with `EXTRA_TIME_FACTOR` times the time, as
    ``plan-week`` does; its time on the worker is the two tries together.
    """
    started = time.monotonic()

    def submit(unit: Unit, problem: Problem, limit: float, again: bool) -> Future:
        return client.submit(
            solve_unit,
            problem_to_json(problem),
            limit,
            0,
            key=f"scale-{unit.id}{'-longer' if again else ''}",
            retries=TASK_RETRIES,
            pure=False,
        )

    futures: dict[Future, tuple[Unit, Problem, float]] = {}
    for unit in units:
        limit = per_class_s * len(unit.class_sizes)
        problem = build_example_problem(
            unit.students, seed=unit.seed, time_limit_s=limit
        )
        futures[submit(unit, problem, limit, False)] = (unit, problem, 0.0)
    built = time.monotonic() - started

    worker_seconds: list[float] = []
    statuses: dict[str, int] = {}
    broken = failed = retried = 0
    peak = memory_figures(client)
    done = 0
    pending = as_completed(list(futures))
    for future in pending:
        unit, problem, earlier = futures.pop(future)
        try:
            answer = future.result()
        except Exception as error:  # noqa: BLE001 - report and go on
            failed += 1
            done += 1
            print(f"  {unit.id} failed: {type(error).__name__}: {error}", flush=True)
            continue
        finally:
            future.release()
        plan = parse_plan(answer["plan"])
        if plan.status == "unknown" and not earlier:
            retried += 1
            longer = per_class_s * len(unit.class_sizes) * EXTRA_TIME_FACTOR
            print(f"  {unit.id}: no plan yet, again with {longer:.0f} s", flush=True)
            again = submit(unit, problem, longer, True)
            futures[again] = (unit, problem, answer["worker_seconds"])
            pending.add(again)
            continue
        statuses[plan.status] = statuses.get(plan.status, 0) + 1
        if plan.has_plan and not check_plan(problem, plan).ok:
            broken += 1
        worker_seconds.append(earlier + answer["worker_seconds"])
        done += 1
        if done % 10 == 0 or done == len(units):
            for name, rss in memory_figures(client).items():
                peak[name] = max(peak.get(name, 0), rss)
            print(
                f"  {done}/{len(units)} units, {time.monotonic() - started:.0f} s",
                flush=True,
            )
    return {
        "wall": time.monotonic() - started,
        "built": built,
        "worker_seconds": worker_seconds,
        "statuses": statuses,
        "broken": broken,
        "failed": failed,
        "retried": retried,
        "memory": peak,
    }


def measure_overhead(client: Client, tasks: int = 40) -> float:
    """Return the seconds Dask adds per task: a round trip of an empty task."""
    started = time.monotonic()
    futures = client.map(lambda number: number, range(tasks), pure=False)
    client.gather(futures)
    return (time.monotonic() - started) / tasks


def bench_module(name: str):  # type: ignore[no-untyped-def]
    """Import another benchmark of this folder (``load``, ``roster_import``)."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look themselves up here
    spec.loader.exec_module(module)
    return module


def roster_import_step(students: int, seed: int) -> bool:
    """Generate the district's OneRoster bundle and time its import.

    Return whether the district is now in the database.
    """
    roster = bench_module("roster_import")
    with tempfile.TemporaryDirectory(prefix="scale-roster-") as folder:
        bundle = roster.generate_bundle(Path(folder), students, seed)
        vendor = roster._setup_django(Path(folder))
        if vendor != "postgresql":
            print(
                f"roster import: on {vendor}, not PostgreSQL; run under "
                "scripts/with-postgres for the district's database"
            )
        from coplanner.roster.importing import record_roster_import
        from coplanner.roster.models import Classroom, School, Student

        started = time.perf_counter()
        result = record_roster_import(bundle.read_bytes())
        seconds = time.perf_counter() - started
        if not result.ok:
            print(f"roster import: refused, {len(result.problems)} problems")
            return False
        print(
            f"roster import on {vendor}: {result.rows:,} rows in {seconds:.1f} s; "
            f"{School.objects.count()} schools, {Classroom.objects.count()} classes, "
            f"{Student.objects.count():,} students",
            flush=True,
        )
    return True


def prepare_class(seed: int):  # type: ignore[no-untyped-def]
    """Give the first class of the district 30 students and 60 skills.

    Students come from the school's other classes; each gets answers on
    every skill (a grade's chain of prerequisites per subject) and the
    school is fitted, so the heat map shows estimates as in a real class.
    Return the class.
    """
    from django.utils import timezone

    from coplanner.curriculum.models import Prerequisite, Skill, Subject
    from coplanner.mastery.actions import record_mastery_fit
    from coplanner.mastery.models import Evidence, EvidenceKind
    from coplanner.roster.models import Classroom, Student

    classroom = (
        Classroom.objects.filter(teachers__isnull=False)
        .select_related("school")
        .order_by("pk")
        .first()
    )
    assert classroom is not None, "the district has no class with a teacher"
    missing = PAGE_STUDENTS - classroom.students.count()
    if missing > 0:
        movers = (
            Student.objects.filter(school=classroom.school)
            .exclude(classroom=classroom)
            .order_by("pk")
            .values_list("pk", flat=True)[:missing]
        )
        Student.objects.filter(pk__in=list(movers)).update(classroom=classroom)
    students = list(classroom.students.order_by("pk")[:PAGE_STUDENTS])
    grade = max(0, min(student.grade for student in students))

    skills: list[Skill] = []
    for subject_code, subject_name in (("math", "Mathematics"), ("lit", "Literacy")):
        subject, _created = Subject.objects.get_or_create(
            code=subject_code, defaults={"name": subject_name}
        )
        chain: Skill | None = None
        for number in range(PAGE_SKILLS // 2):
            skill = Skill.objects.create(
                code=f"scale.{subject_code}.{number + 1:02d}",
                subject=subject,
                name=f"{subject_name} skill {number + 1}",
                grade=grade if number < PAGE_SKILLS // 4 else grade + 1,
            )
            if chain is not None:
                Prerequisite.objects.create(skill=skill, requires=chain)
            chain = skill
            skills.append(skill)

    rng = random.Random(seed)
    now = timezone.now()
    evidence = []
    for student in students:
        for position, skill in enumerate(skills):
            ability = rng.uniform(0.2, 0.95) - 0.01 * (position % (PAGE_SKILLS // 2))
            for answer in range(rng.randint(2, 8)):
                evidence.append(
                    Evidence(
                        student=student,
                        skill=skill,
                        kind=EvidenceKind.RESPONSE,
                        correct=rng.random() < ability,
                        observed_at=now - datetime.timedelta(hours=answer + 1),
                        source="bench",
                    )
                )
    Evidence.objects.bulk_create(evidence, batch_size=5000)
    fit = record_mastery_fit(
        classroom.school, Student.objects.filter(pk__in=[s.pk for s in students])
    )
    print(
        f"class page: {classroom.name} of {classroom.school.name}, "
        f"{len(students)} students, {len(skills)} skills, {len(evidence):,} "
        f"answers, {fit.estimates:,} estimates fitted",
        flush=True,
    )
    return classroom


def class_page_step(requests: int, seed: int) -> None:
    """Time the teacher's class page and heat map with the district loaded."""
    from django.db import connection
    from django.urls import reverse

    if connection.vendor != "postgresql":
        print("class page: needs PostgreSQL; run under scripts/with-postgres")
        return
    load = bench_module("load")
    classroom = prepare_class(seed)
    teacher = classroom.teachers.select_related("user").first().user
    # Signed in through the login form: the server has its own secret key,
    # so a session made here would not be its.
    password = "scale-bench-teacher-42"
    teacher.set_password(password)
    teacher.save(update_fields=["password"])
    pages = {
        "class page": reverse("classroom_detail", args=[classroom.pk]),
        "heat map": reverse("mastery:heat_map", args=[classroom.pk]),
    }
    database_url = os.environ["DATABASE_URL"]
    port = load.free_port()
    server = load.start_server(database_url, port, workers=2, threads=4)
    samples: list = []
    try:
        browser = load.Browser(port, samples.append)
        if not browser.log_in(teacher.get_username(), password):
            print("class page: the teacher could not log in; see the server output")
            return
        for path in pages.values():
            for _warm_up in range(5):
                browser.request("warm", "GET", path)
        samples.clear()
        for name, path in pages.items():
            for _ in range(requests):
                browser.request(name, "GET", path)
        browser.close()
    finally:
        load.stop_server(server)
    for name in pages:
        times = [sample.seconds * 1000 for sample in samples if sample.kind == name]
        failed = [
            sample.what for sample in samples if sample.kind == name and not sample.ok
        ]
        errors = len(failed)
        if failed:
            print(f"{name}: first error: {failed[0]}")
        median = statistics.median(times)
        met = "met" if median < TARGET_PAGE_MEDIAN_MS and not errors else "MISSED"
        print(
            f"{name}: median {median:.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
            f"max {max(times):.0f} ms over {len(times)} requests, {errors} errors "
            f"({met}: median under {TARGET_PAGE_MEDIAN_MS:.0f} ms)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--classes", type=int, default=800)
    parser.add_argument(
        "--time-limit",
        type=float,
        default=5.0,
        help="seconds per class of a unit (default 5: a band of 3 classes gets 15 s)",
    )
    parser.add_argument("--workers", type=int, help="local workers (default: cores)")
    parser.add_argument("--scheduler", help="a running Dask scheduler instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--roster-import", action="store_true")
    parser.add_argument(
        "--class-page",
        action="store_true",
        help="after --roster-import: time a class's page with the district loaded",
    )
    parser.add_argument("--page-requests", type=int, default=200)
    parser.add_argument(
        "--no-planning", action="store_true", help="skip planning the district"
    )
    args = parser.parse_args(argv)
    if args.classes < 1 or args.students < 5 * args.classes:
        parser.error("need at least one class and at least 5 students per class")

    units = build_district(args.students, args.classes, args.seed)
    sizes = [size for unit in units for size in unit.class_sizes]
    print(
        f"district: {args.students:,} students in {args.classes} classes "
        f"(sizes {min(sizes)}-{max(sizes)}, median {statistics.median(sizes):.0f}), "
        f"{-(-args.classes // CLASSES_PER_SCHOOL)} schools, {len(units)} planning "
        f"units of 1-{max(len(u.class_sizes) for u in units)} classes "
        f"({min(u.students for u in units)}-{max(u.students for u in units)} "
        f"students); time limit {args.time_limit:g} s per class of a unit",
        flush=True,
    )
    # The database steps first: they are short, and the planning after them
    # has the cores to itself.
    if args.class_page and not args.roster_import:
        parser.error(
            "--class-page times the page with the district loaded: add --roster-import"
        )
    if args.roster_import and roster_import_step(args.students, args.seed):
        if args.class_page:
            class_page_step(args.page_requests, args.seed)
    if args.no_planning:
        return 0
    return plan_step(args, units)


def plan_step(args: argparse.Namespace, units: list[Unit]) -> int:
    """Plan the district's units on the cluster and print the figures."""
    with open_client(args.scheduler, args.workers) as client:
        workers = len(client.scheduler_info(n_workers=-1)["workers"])
        overhead = measure_overhead(client)
        print(f"cluster: {workers} workers; {overhead * 1000:.1f} ms per empty task")
        figures = plan_district(client, units, args.time_limit)

    per_unit = figures["worker_seconds"]
    planned = sum(
        figures["statuses"].get(status, 0) for status in ("optimal", "feasible")
    )
    print(
        f"units with a plan: {planned} of {len(units)} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(figures['statuses'].items()))}); "
        f"failed {figures['failed']}; plans breaking a rule: {figures['broken']}; "
        f"units tried again with more time: {figures['retried']}"
    )
    if per_unit:
        print(
            f"time per unit on a worker: median {statistics.median(per_unit):.1f} s, "
            f"p95 {percentile(per_unit, 0.95):.1f} s, max {max(per_unit):.1f} s; "
            f"sum {sum(per_unit):.0f} s"
        )
        print(
            f"total: {figures['wall']:.0f} s on {workers} workers "
            f"(problems built and sent in {figures['built']:.1f} s)"
        )
        print(
            f"projected on {PROJECTED_WORKERS} workers: "
            f"{project(per_unit, PROJECTED_WORKERS, overhead):.0f} s "
            f"(the same units, longest first)"
        )
    memory = figures["memory"]
    worker_rss = [rss for name, rss in memory.items() if name != "scheduler"]
    print(
        f"peak resident memory: scheduler {memory['scheduler'] / 2**20:.0f} MiB"
        f"{' (this process: a local cluster runs it here)' if not args.scheduler else ''}, "
        f"workers {min(worker_rss) / 2**20:.0f}-{max(worker_rss) / 2**20:.0f} MiB "
        f"each"
    )
    return 0 if planned == len(units) and not figures["broken"] else 1


if __name__ == "__main__":
    sys.exit(main())
