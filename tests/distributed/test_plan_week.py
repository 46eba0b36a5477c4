"""Planning a school's week on a real Dask cluster, unit by unit."""

from collections import Counter
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coplanner.curriculum.models import Activity
from coplanner.engine.planner.check import check_plan
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.adapter import build_class_plan, build_class_problem
from coplanner.planning.distributed import cluster
from coplanner.planning.distributed.cluster import TASK_RETRIES
from coplanner.planning.distributed.week import (
    FAILED,
    PLANNED,
    build_unit_job,
    find_planning_units,
    plan_week,
    solve_and_store,
)
from coplanner.planning.models import ChangeSource, MustDo, Plan, PlanVersion, Slot
from coplanner.planning.queries import get_week_start
from tests.distributed.school import OakSchool, build_oak_school

# Seconds a unit of this small school may think: it is solved to optimality
# in well under a second, so this only bounds a slow, shared machine.
TIME_LIMIT_S = 5


@pytest.fixture
def oak(db) -> OakSchool:
    return build_oak_school()


class TestUnits:
    def test_classrooms_sharing_a_member_of_staff_form_one_unit(self, oak):
        units, failures = find_planning_units([oak.school])

        assert [unit.id for unit in units] == ["oak/a+b", "oak/c"]
        assert units[0].classroom_ids == (oak.room_a.pk, oak.room_b.pk)
        assert failures == []

    def test_a_classroom_without_a_week_template_is_reported_not_planned(self, oak):
        oak.room_c.week_template = None
        oak.room_c.save()

        units, failures = find_planning_units([oak.school])

        assert [unit.id for unit in units] == ["oak/a+b"]
        assert [(f.unit.id, f.result, f.reason) for f in failures] == [
            ("oak/c", FAILED, "This class has no week template yet.")
        ]

    def test_each_class_keeps_its_own_seats_at_a_station_open_to_all(self, oak):
        (unit, _), _ = find_planning_units([oak.school])

        job = build_unit_job(unit, get_week_start(), TIME_LIMIT_S)

        ids = {activity.id for activity in job.problem.activities}
        assert {"math-games@a", "math-games@b", "park-a", "park-b"} <= ids
        assert "math-games" not in ids
        assert job.originals["math-games@b"] == "math-games"


class TestSharedSeats:
    """A computer lab: one set of seats for the whole school."""

    @pytest.fixture
    def lab(self, oak):
        """Four lab seats for the school; every child must go once this week.

        Three math blocks of four seats are exactly the twelve children of
        the three classes: each class has to leave the others' seats.
        """
        lab = Activity.objects.get(school=oak.school, code="math-games")
        lab.capacity = 4
        lab.seats_shared = True
        lab.save()
        for room in (oak.room_a, oak.room_b, oak.room_c):
            MustDo.objects.create(classroom=room, activity=lab, at_least=1)
        return lab

    def test_a_lab_the_school_shares_joins_every_class_into_one_unit(self, oak, lab):
        units, _ = find_planning_units([oak.school])

        assert [unit.id for unit in units] == ["oak/a+b+c"]
        job = build_unit_job(units[0], get_week_start(), TIME_LIMIT_S)
        by_id = job.problem.activity_by_id
        assert "math-games" in by_id and not any("math-games@" in a for a in by_id)
        assert by_id["math-games"].capacity == 4

    def test_a_class_drafted_alone_leaves_the_seats_other_classes_hold(self, oak, lab):
        week_start = get_week_start()
        for room in (oak.room_a, oak.room_b):
            assert propose_class_drafts(room, week_start, None, TIME_LIMIT_S).has_plans
        held = Counter(
            Slot.objects.filter(
                version__plan__week_start=week_start, activity=lab
            ).values_list("block__code", flat=True)
        )
        assert held, "the first two classes should use the lab somewhere"

        built = build_class_problem(oak.room_c, week_start)
        taken = dict(built.problem.activity_by_id["math-games"].seats_taken)
        assert taken == {block: count for block, count in held.items()}
        assert propose_class_drafts(
            oak.room_c, week_start, None, TIME_LIMIT_S
        ).has_plans

        everyone = Counter(
            Slot.objects.filter(
                version__plan__week_start=week_start, activity=lab
            ).values_list("block__code", flat=True)
        )
        assert max(everyone.values()) <= lab.capacity, everyone


def _stored_weeks(week_start):
    """Return student code -> block code -> activity code of the newest versions."""
    weeks: dict[str, dict[str, str]] = {}
    for slot in Slot.objects.filter(
        version__plan__week_start=week_start
    ).select_related("version__plan__student", "block", "activity"):
        weeks.setdefault(slot.version.plan.student.code, {})[slot.block.code] = (
            slot.activity.code
        )
    return weeks


class TestOnACluster:
    def test_plans_every_unit_and_stores_checked_versions(self, oak, client):
        week_start = get_week_start()

        summary = plan_week(client, [oak.school], week_start, time_limit_s=TIME_LIMIT_S)

        assert sorted((o.unit.id, o.result) for o in summary.outcomes) == [
            ("oak/a+b", PLANNED),
            ("oak/c", PLANNED),
        ]
        assert summary.drafted == 12
        assert summary.workers == 2
        plans = Plan.objects.filter(week_start=week_start)
        assert plans.count() == 12
        assert set(plans.values_list("version", flat=True)) == {1}
        assert set(PlanVersion.objects.values_list("source", flat=True)) == {
            ChangeSource.PLANNER
        }
        # What is stored is a whole week per child that keeps every rule.
        for room in (oak.room_a, oak.room_b, oak.room_c):
            built = build_class_problem(room, week_start)
            stored = build_class_plan(built, week_start)
            assert len(stored.plan.students) == 4
            report = check_plan(stored.problem, stored.plan)
            assert report.violations == ()
        # Ms Park runs one group at a time although she serves two classes.
        weeks = _stored_weeks(week_start)
        for block in oak.blocks:
            running = {week[block.code] for week in weeks.values()} & {
                "park-a",
                "park-b",
            }
            assert len(running) <= 1, block.code
        # Each class's copy of a station holds at most its own 4 seats.
        for block in oak.blocks:
            for room in "abc":
                at_games = [
                    code
                    for code, week in weeks.items()
                    if code.startswith(room) and week[block.code] == "math-games"
                ]
                assert len(at_games) <= 4

    def test_a_failing_unit_is_retried_reported_and_the_others_kept(self, oak, client):
        week_start = get_week_start()
        units, _ = find_planning_units([oak.school])
        jobs = [build_unit_job(unit, week_start, TIME_LIMIT_S) for unit in units]
        # The unit of Rooms A and B goes to the worker with a lock on a block
        # the week does not have: the engine's reader refuses it there.
        broken = jobs[0].payload | {
            "students": [
                jobs[0].payload["students"][0]
                | {"locks": [{"block": "d9-none", "activity": "park-a"}]},
                *jobs[0].payload["students"][1:],
            ]
        }
        jobs[0] = replace(jobs[0], payload=broken)

        outcomes = solve_and_store(client, jobs, week_start)

        by_unit = {outcome.unit.id: outcome for outcome in outcomes}
        failed = by_unit["oak/a+b"]
        assert failed.result == FAILED
        assert failed.attempts == TASK_RETRIES + 1
        assert failed.reason.startswith("ProblemFormatError")
        assert "d9-none" in failed.reason
        assert by_unit["oak/c"].result == PLANNED
        planned = Counter(
            Plan.objects.filter(week_start=week_start).values_list(
                "student__classroom__code", flat=True
            )
        )
        assert planned == {"c": 4}


class TestCommand:
    def test_plan_week_plans_a_district_and_prints_the_summary(
        self, oak, scheduler_address, capsys
    ):
        call_command(
            "plan-week",
            district="river",
            scheduler=scheduler_address,
            time_limit=TIME_LIMIT_S,
        )

        out = capsys.readouterr().out
        assert (
            "2 units planned, 0 failed, 0 with nothing to do; 12 plans drafted" in out
        )
        assert Plan.objects.count() == 12

    def test_a_second_run_leaves_drafts_in_conference_alone(
        self, oak, scheduler_address, capsys
    ):
        call_command(
            "plan-week", school="oak", scheduler=scheduler_address, time_limit=5
        )
        Plan.objects.filter(student__code="a1").update(status="conference")

        call_command(
            "plan-week", school="oak", scheduler=scheduler_address, time_limit=5
        )

        assert Plan.objects.get(student__code="a1").version == 1
        assert set(
            Plan.objects.exclude(student__code="a1").values_list("version", flat=True)
        ) == {2}

    def test_a_failed_unit_makes_the_exit_code_1(self, oak, scheduler_address):
        oak.room_c.week_template = None
        oak.room_c.save()

        with pytest.raises(CommandError) as raised:
            call_command(
                "plan-week", school="oak", scheduler=scheduler_address, time_limit=5
            )

        assert raised.value.returncode == 1
        assert "1 of 2 planning units failed" in str(raised.value)
        assert Plan.objects.filter(student__classroom=oak.room_a).count() == 4

    def test_an_unknown_school_names_the_known_ones(self, oak):
        with pytest.raises(CommandError, match="No school has the slug 'elm'.*oak"):
            call_command("plan-week", school="elm")

    def test_an_unreachable_scheduler_says_what_to_do(self, oak, monkeypatch):
        monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)

        with pytest.raises(CommandError, match="No Dask scheduler answered"):
            call_command(
                "plan-week", school="oak", scheduler="tcp://127.0.0.1:9", time_limit=5
            )
