"""Tiny plan problems for the planner tests, built as problem-file JSON.

The cast: Ms Lee runs both small groups; Ana is ready for adding within 20
(counting is mastered) and knows her short vowels; other students are added
per test.
"""

import copy
from typing import Any

from coplanner.engine.planner import Plan, Problem, check_plan, parse_problem, solve

Data = dict[str, Any]

_BASE: Data = {
    "format": "coplanner.problem/1",
    "blocks": [
        {
            "id": "mon-1",
            "day": "Monday",
            "start": "09:00",
            "minutes": 30,
            "subject": "math",
        },
        {
            "id": "mon-2",
            "day": "Monday",
            "start": "09:30",
            "minutes": 30,
            "subject": "reading",
        },
        {
            "id": "mon-3",
            "day": "Monday",
            "start": "10:00",
            "minutes": 30,
            "subject": "any",
        },
    ],
    "skills": [
        {
            "id": "count",
            "subject": "math",
            "prerequisites": [],
            "name": "counting to 20",
        },
        {
            "id": "add",
            "subject": "math",
            "prerequisites": ["count"],
            "name": "adding within 20",
        },
        {
            "id": "vowels",
            "subject": "reading",
            "prerequisites": [],
            "name": "short vowels",
        },
    ],
    "activities": [
        {
            "id": "math-group",
            "name": "Math group",
            "subject": "math",
            "modality": "small_group",
            "skills": ["add"],
            "capacity": 1,
            "staff": "ms-lee",
            "variants": [],
        },
        {
            "id": "math-app",
            "name": "Math app",
            "subject": "math",
            "modality": "online",
            "skills": ["add", "count"],
            "capacity": None,
            "staff": None,
            "variants": [{"id": "short", "label": "A shorter session"}],
        },
        {
            "id": "phonics",
            "name": "Phonics group",
            "subject": "reading",
            "modality": "small_group",
            "skills": ["vowels"],
            "capacity": 1,
            "staff": "ms-lee",
            "variants": [],
        },
        {
            "id": "nook",
            "name": "Reading nook",
            "subject": "reading",
            "modality": "reading",
            "skills": [],
            "capacity": None,
            "staff": None,
            "variants": [{"id": "cushion", "label": "On the big cushion"}],
        },
        {
            "id": "art",
            "name": "Art studio",
            "subject": "art",
            "modality": "hands_on",
            "skills": [],
            "capacity": None,
            "staff": None,
            "variants": [],
        },
    ],
    "students": [],
    "rules": {
        "subject_minutes": {},
        "mastered_at": 0.85,
        "struggle_below": 0.6,
        "small_group_below": 0.6,
        "small_group_at_least": 0,
        "max_same_activity_per_day": 1,
    },
    "weights": {"rigor": 0, "voice": 1, "confidence": 0, "variety": 0, "stability": 0},
    "previous": {},
    "time_limit_s": 5,
}


def student(identifier: str = "ana", **fields: Any) -> Data:
    """Return a student entry; Ana's mastery unless `mastery` is given."""
    entry: Data = {
        "id": identifier,
        "grade": 2,
        "autonomy": 2,
        "mastery": {"count": 0.95, "add": 0.4, "vowels": 0.9},
        "preferences": {},
        "must_do": [],
        "locks": [],
        "avoid": [],
    }
    entry.update(fields)
    return entry


def data(*students: Data, **changes: Any) -> Data:
    """Return the base problem with these students and top-level changes.

    `rules` and `weights` are merged into the base ones.
    """
    result = copy.deepcopy(_BASE)
    result["students"] = list(students) or [student()]
    for key, value in changes.items():
        if key in ("rules", "weights"):
            result[key].update(value)
        else:
            result[key] = value
    return result


def problem(*students: Data, **changes: Any) -> Problem:
    """Return the parsed base problem with these students and changes."""
    return parse_problem(data(*students, **changes))


def solved(prob: Problem, **options: Any) -> Plan:
    """Solve with one worker and a fixed seed, and insist the checker agrees."""
    options.setdefault("workers", 1)
    options.setdefault("seed", 0)
    options.setdefault("time_limit_s", 5)
    plan = solve(prob, **options)
    report = check_plan(prob, plan)
    assert report.ok, report.lines()
    return plan


def week(plan: Plan, identifier: str = "ana") -> dict[str, str]:
    """Return a student's block -> activity."""
    return plan.assignment()[identifier]


def hand_plan(prob: Problem, weeks: dict[str, dict[str, str]]) -> Plan:
    """Return a plan of the given weeks, scored and explained by the engine."""
    from coplanner.engine.planner.model import prepare
    from coplanner.engine.planner.solve import make_plan

    return make_plan(prepare(prob), weeks, "feasible", None, 0.0)


def broken_rules(prob: Problem, weeks: dict[str, dict[str, str]]) -> set[str]:
    """Return the rules the checker finds broken in a hand-made plan."""
    return {
        violation.rule
        for violation in check_plan(prob, hand_plan(prob, weeks)).violations
    }
