"""Properties over random small problems: plans pass the checker, conflicts mend.

Every plan returned keeps every hard rule and reports the score the checker
recomputes; every infeasible answer names rules, and giving up what it
names gives a plan that breaks nothing else; on problems small enough to
try every week, the plan called optimal is the best one.
"""

import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from coplanner.engine.planner import (
    RULES,
    Plan,
    Slot,
    StudentPlan,
    check_plan,
    parse_problem,
    solve,
)
from coplanner.engine.planner.model import activity_fits

SUBJECTS = ("math", "reading")
MODALITIES = ("small_group", "online", "partner", "hands_on", "reading", "other")
SKILLS = [
    {"id": "k1", "subject": "math", "prerequisites": []},
    {"id": "k2", "subject": "math", "prerequisites": ["k1"], "name": "adding"},
    {"id": "k3", "subject": "reading", "prerequisites": []},
]
LEVELS = (0.1, 0.5, 0.7, 0.9, 1.0)


def sometimes(strategy):
    """Draw an empty list two times in three, else a list from `strategy`."""
    return st.one_of(st.just([]), st.just([]), strategy)


@st.composite
def problems(draw, max_students=4, max_blocks=4, max_activities=5):
    """Draw a small problem file in which every block has some activity."""
    days = draw(st.integers(1, 2))
    per_day = draw(st.integers(1, max(1, max_blocks // days)))
    blocks = [
        {
            "id": f"d{day}b{index}",
            "day": f"day{day}",
            "start": f"{9 + index:02d}:00",
            "minutes": draw(st.sampled_from((20, 30, 45))),
            "subject": draw(st.sampled_from(("math", "reading", "any"))),
        }
        for day in range(days)
        for index in range(per_day)
    ]
    count = draw(st.integers(2, max_activities))
    activities = []
    for index in range(count):
        # The first two, one per subject, fit every block of their subject.
        subject = (
            SUBJECTS[index]
            if index < 2
            else draw(st.sampled_from(("math", "reading", "art")))
        )
        fitting_skills = [s["id"] for s in SKILLS if s["subject"] == subject]
        activity = {
            "id": f"a{index}",
            "name": f"Activity {index}",
            "subject": subject,
            "modality": draw(st.sampled_from(MODALITIES)),
            "skills": draw(st.lists(st.sampled_from(fitting_skills), unique=True))
            if fitting_skills
            else [],
            "capacity": draw(st.sampled_from((None, 1, 2, 3))),
            "staff": draw(st.sampled_from((None, None, "t1", "t2"))),
            "variants": draw(st.sampled_from(([], [{"id": "v", "label": "Variant"}]))),
        }
        if index >= 2 and draw(st.booleans()):
            activity["blocks"] = draw(
                st.lists(
                    st.sampled_from([b["id"] for b in blocks]), min_size=1, unique=True
                )
            )
        activities.append(activity)
    activity_ids = [a["id"] for a in activities]
    block_ids = [b["id"] for b in blocks]
    students = []
    for index in range(draw(st.integers(1, max_students))):
        students.append(
            {
                "id": f"s{index}",
                "grade": 2,
                "autonomy": 2,
                "mastery": draw(
                    st.dictionaries(
                        st.sampled_from(["k1", "k2", "k3"]), st.sampled_from(LEVELS)
                    )
                ),
                "preferences": draw(
                    st.dictionaries(
                        st.sampled_from(activity_ids), st.sampled_from((-1, 0, 1, 2))
                    )
                ),
                "must_do": [
                    {"activity": a, "at_least": n}
                    for a, n in draw(
                        sometimes(
                            st.lists(
                                st.tuples(
                                    st.sampled_from(activity_ids), st.integers(1, 2)
                                ),
                                max_size=1,
                            )
                        )
                    )
                ],
                "locks": [
                    {"block": b, "activity": a}
                    for b, a in draw(
                        st.lists(
                            st.tuples(
                                st.sampled_from(block_ids),
                                st.sampled_from(activity_ids),
                            ),
                            max_size=1,
                        )
                    )
                ],
                "avoid": [
                    {"activity": a} if b is None else {"block": b, "activity": a}
                    for b, a in draw(
                        sometimes(
                            st.lists(
                                st.tuples(
                                    st.sampled_from([None, *block_ids]),
                                    st.sampled_from(activity_ids),
                                ),
                                max_size=1,
                            )
                        )
                    )
                ],
            }
        )
    weight = st.sampled_from((0.0, 0.25, 1.0, 1.7))
    return parse_problem(
        {
            "format": "coplanner.problem/1",
            "blocks": blocks,
            "skills": SKILLS,
            "activities": activities,
            "students": students,
            "rules": {
                "subject_minutes": draw(
                    st.sampled_from(({}, {"math": 30}, {"math": 45, "reading": 20}))
                ),
                "small_group_at_least": draw(st.integers(0, 2)),
                "max_same_activity_per_day": draw(st.integers(1, 2)),
            },
            "weights": {
                name: draw(weight)
                for name in ("rigor", "voice", "confidence", "variety", "stability")
            },
            "time_limit_s": 5,
        }
    )


PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY_SETTINGS
@given(problems())
def test_every_answer_is_a_valid_plan_or_names_a_mendable_conflict(problem):
    plan = solve(problem, workers=1, seed=0, time_limit_s=5)
    assert plan.status in ("optimal", "infeasible")
    report = check_plan(problem, plan)
    assert report.ok, report.lines()
    if plan.has_plan:
        return

    assert plan.conflicts
    assert all(conflict.rule in RULES for conflict in plan.conflicts)
    relaxed = {(c.rule, s) for c in plan.conflicts for s in c.students}
    again = solve(problem, relaxed=relaxed, workers=1, seed=0, time_limit_s=5)
    assert again.has_plan
    for violation in check_plan(problem, again).violations:
        assert any((violation.rule, s) in relaxed for s in violation.students), (
            violation
        )


def best_by_trying_every_week(problem) -> float | None:
    """Return the best objective over every valid plan, found by brute force."""
    students = [s.id for s in problem.students]
    options = {
        block.id: [a.id for a in problem.activities if activity_fits(block, a)]
        for block in problem.blocks
    }
    cells = [(s, b.id) for s in students for b in problem.blocks]
    best = None
    for choice in itertools.product(*(options[b] for _, b in cells)):
        slots: dict[str, list[Slot]] = {s: [] for s in students}
        for (student_id, block_id), activity_id in zip(cells, choice, strict=True):
            slots[student_id].append(
                Slot(
                    block_id,
                    activity_id,
                    best_variant(problem, student_id, block_id, activity_id),
                )
            )
        plan = Plan(
            "feasible",
            0.0,
            None,
            0.0,
            {s: StudentPlan(tuple(v)) for s, v in slots.items()},
        )
        report = check_plan(problem, plan)
        if report.violations:
            continue
        assert report.objective is not None
        if best is None or report.objective > best:
            best = report.objective
    return best


def best_variant(problem, student_id, block_id, activity_id):
    """Name the variant that a lock asks for, or that honours a disliked must-do."""
    student = problem.student_by_id[student_id]
    activity = problem.activity_by_id[activity_id]
    for lock in student.locks:
        if lock.block == block_id and lock.activity == activity_id and lock.variant:
            return lock.variant
    required = {item.activity for item in student.must_do}
    disliked = student.preferences.get(activity_id) == -1
    if activity.variants and disliked and activity_id in required:
        return activity.variants[0].id
    return None


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(problems(max_students=2, max_blocks=3, max_activities=4))
def test_the_plan_called_optimal_is_the_best_of_all_weeks(problem):
    options = 1
    for block in problem.blocks:
        options *= sum(1 for a in problem.activities if activity_fits(block, a))
    assume(options ** len(problem.students) <= 1500)
    plan = solve(problem, workers=1, seed=0, time_limit_s=5)
    best = best_by_trying_every_week(problem)
    if best is None:
        assert plan.status == "infeasible"
    else:
        assert plan.status == "optimal"
        assert plan.objective == pytest.approx(best, abs=1e-6)
