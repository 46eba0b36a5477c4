"""The plan: every student's week, its score and, when there is none, why.

The plan is read from and written to the ``coplanner.plan/1`` JSON format.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from coplanner.engine.planner._reading import (
    item,
    join,
    parse_json,
    read_format,
    read_list,
    read_mapping,
    read_number,
    read_object,
    read_optional_string,
    read_string,
    read_text_file,
    shown,
)
from coplanner.engine.planner.errors import ProblemFormatError
from coplanner.engine.planner.problem import Weights

PLAN_FORMAT = "coplanner.plan/1"
STATUSES = ("optimal", "feasible", "infeasible", "unknown")
SCORE_PARTS = ("rigor", "voice", "confidence", "variety", "stability")


@dataclass(frozen=True)
class Score:
    """The plan score parts of one student or of everyone."""

    rigor: float = 0.0
    voice: float = 0.0
    confidence: float = 0.0
    variety: float = 0.0
    stability: float = 0.0

    def __add__(self, other: "Score") -> "Score":
        return Score(
            rigor=self.rigor + other.rigor,
            voice=self.voice + other.voice,
            confidence=self.confidence + other.confidence,
            variety=self.variety + other.variety,
            stability=self.stability + other.stability,
        )

    def part(self, name: str) -> float:
        """Return the part called `name`."""
        return float(getattr(self, name))

    def weighted(self, weights: Weights) -> float:
        """Return the objective: the parts times their weights, summed."""
        return sum(
            self.part(name) * float(getattr(weights, name)) for name in SCORE_PARTS
        )


@dataclass(frozen=True)
class Slot:
    """One block of a student's week: the activity, its variant, and why."""

    block: str
    activity: str
    variant: str | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StudentPlan:
    """One student's week."""

    slots: tuple[Slot, ...]
    score: Score = field(default_factory=Score)

    def activity_in(self, block: str) -> str | None:
        """Return the activity of a block, or None when there is no slot."""
        for slot in self.slots:
            if slot.block == block:
                return slot.activity
        return None


@dataclass(frozen=True)
class Conflict:
    """A rule that keeps a plan from existing, who it concerns, and a fix."""

    rule: str
    students: tuple[str, ...]
    message: str
    fix: str


@dataclass(frozen=True)
class Plan:
    """The answer of the planner for one problem.

    `objective` and `bound` are None when there is no plan.
    """

    status: str
    objective: float | None
    bound: float | None
    seconds: float
    students: Mapping[str, StudentPlan] = field(default_factory=dict)
    score: Score = field(default_factory=Score)
    conflicts: tuple[Conflict, ...] = ()

    @property
    def has_plan(self) -> bool:
        """Say whether the answer holds a plan."""
        return self.status in ("optimal", "feasible")

    def assignment(self) -> dict[str, dict[str, str]]:
        """Return student id -> block id -> activity id."""
        return {
            student: {slot.block: slot.activity for slot in week.slots}
            for student, week in self.students.items()
        }


# Reading -------------------------------------------------------------------


def parse_plan(data: object) -> Plan:
    """Build a plan from parsed ``coplanner.plan/1`` JSON.

    Raise `ProblemFormatError` naming the first bad field. References to
    blocks and activities are checked against a problem by `check_plan`.
    """
    root = read_object(
        read_format(data, PLAN_FORMAT),
        "",
        required=(
            "format",
            "status",
            "objective",
            "bound",
            "seconds",
            "students",
            "score",
            "conflicts",
        ),
    )
    status = read_string(root["status"], "status")
    if status not in STATUSES:
        raise ProblemFormatError(
            "status", f"expected one of {', '.join(STATUSES)}, got {shown(status)}"
        )
    students: dict[str, StudentPlan] = {}
    for student, raw in read_mapping(root["students"], "students").items():
        path = join("students", student)
        entry = read_object(raw, path, required=("slots", "score"))
        slots = []
        slots_path = join(path, "slots")
        for index, raw_slot in enumerate(read_list(entry["slots"], slots_path)):
            slot_path = item(slots_path, index)
            slot = read_object(
                raw_slot,
                slot_path,
                required=("block", "activity"),
                optional=("variant", "reasons"),
            )
            reasons_path = join(slot_path, "reasons")
            slots.append(
                Slot(
                    block=read_string(slot["block"], join(slot_path, "block")),
                    activity=read_string(slot["activity"], join(slot_path, "activity")),
                    variant=read_optional_string(
                        slot.get("variant"), join(slot_path, "variant")
                    ),
                    reasons=tuple(
                        read_string(reason, item(reasons_path, position))
                        for position, reason in enumerate(
                            read_list(slot.get("reasons", []), reasons_path)
                        )
                    ),
                )
            )
        students[student] = StudentPlan(
            slots=tuple(slots), score=_read_score(entry["score"], join(path, "score"))
        )
    conflicts = []
    for index, raw in enumerate(read_list(root["conflicts"], "conflicts")):
        path = item("conflicts", index)
        entry = read_object(raw, path, required=("rule", "students", "message", "fix"))
        students_path = join(path, "students")
        conflicts.append(
            Conflict(
                rule=read_string(entry["rule"], join(path, "rule")),
                students=tuple(
                    read_string(student, item(students_path, position))
                    for position, student in enumerate(
                        read_list(entry["students"], students_path)
                    )
                ),
                message=read_string(entry["message"], join(path, "message")),
                fix=read_string(entry["fix"], join(path, "fix")),
            )
        )
    return Plan(
        status=status,
        objective=_read_optional_number(root["objective"], "objective"),
        bound=_read_optional_number(root["bound"], "bound"),
        seconds=read_number(root["seconds"], "seconds", minimum=0),
        students=students,
        score=_read_score(root["score"], "score"),
        conflicts=tuple(conflicts),
    )


def read_plan(text: str) -> Plan:
    """Build a plan from the text of a plan file."""
    return parse_plan(parse_json(text))


def load_plan(path: str | Path) -> Plan:
    """Read a plan file from disk."""
    return read_plan(read_text_file(path))


def _read_score(value: object, path: str) -> Score:
    entry = read_object(value, path, required=SCORE_PARTS)
    return Score(
        **{name: read_number(entry[name], join(path, name)) for name in SCORE_PARTS}
    )


def _read_optional_number(value: object, path: str) -> float | None:
    return None if value is None else read_number(value, path)


# Writing -------------------------------------------------------------------


def score_to_json(score: Score) -> dict[str, float]:
    """Return the JSON object of a score."""
    return {name: score.part(name) for name in SCORE_PARTS}


def plan_to_json(plan: Plan) -> dict[str, object]:
    """Return the ``coplanner.plan/1`` JSON object of a plan."""
    return {
        "format": PLAN_FORMAT,
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "seconds": plan.seconds,
        "students": {
            student: {
                "slots": [
                    {
                        "block": slot.block,
                        "activity": slot.activity,
                        "variant": slot.variant,
                        "reasons": list(slot.reasons),
                    }
                    for slot in week.slots
                ],
                "score": score_to_json(week.score),
            }
            for student, week in plan.students.items()
        },
        "score": score_to_json(plan.score),
        "conflicts": [
            {
                "rule": conflict.rule,
                "students": list(conflict.students),
                "message": conflict.message,
                "fix": conflict.fix,
            }
            for conflict in plan.conflicts
        ],
    }


def write_plan(plan: Plan) -> str:
    """Return the text of the plan file of a plan."""
    return json.dumps(plan_to_json(plan), indent=1, ensure_ascii=False) + "\n"


def save_plan(plan: Plan, path: str | Path) -> None:
    """Write a plan file to disk."""
    Path(path).write_text(write_plan(plan), encoding="utf-8")
