"""The planner: drafts every student's week at once, explains it, re-plans on request.

Problems and plans are plain frozen dataclasses read from and written to
JSON files (`problem`, `plan`); `solve` drafts the plans, `check_plan`
recomputes every rule and score part on its own, `replan` answers a
request made in a conference.
"""

from coplanner.engine.planner.check import CheckReport, Violation, check_plan
from coplanner.engine.planner.errors import PlannerError, ProblemFormatError
from coplanner.engine.planner.example import build_example_problem
from coplanner.engine.planner.plan import (
    Conflict,
    Plan,
    Score,
    Slot,
    StudentPlan,
    load_plan,
    parse_plan,
    plan_to_json,
    read_plan,
    save_plan,
    write_plan,
)
from coplanner.engine.planner.problem import (
    Activity,
    Avoid,
    Block,
    Lock,
    MustDo,
    Problem,
    Rules,
    Skill,
    Student,
    Variant,
    Weights,
    load_problem,
    parse_problem,
    problem_to_json,
    read_problem,
    save_problem,
    write_problem,
)
from coplanner.engine.planner.solve import solve
from coplanner.engine.planner.terms import RELAXABLE_RULES, RULES

__all__ = [
    "RELAXABLE_RULES",
    "RULES",
    "Activity",
    "Avoid",
    "Block",
    "CheckReport",
    "Conflict",
    "Lock",
    "MustDo",
    "Plan",
    "PlannerError",
    "Problem",
    "ProblemFormatError",
    "Rules",
    "Score",
    "Skill",
    "Slot",
    "Student",
    "StudentPlan",
    "Variant",
    "Violation",
    "Weights",
    "build_example_problem",
    "check_plan",
    "load_plan",
    "load_problem",
    "parse_plan",
    "parse_problem",
    "plan_to_json",
    "problem_to_json",
    "read_plan",
    "read_problem",
    "save_plan",
    "save_problem",
    "solve",
    "write_plan",
    "write_problem",
]
