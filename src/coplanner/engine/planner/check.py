"""Check a plan against its problem: every hard rule and every score part.

This is written apart from the model and from `terms` on purpose, straight
from the definitions of the plan score and the hard rules, so that a
mistake in one shows up as a disagreement with the other.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coplanner.engine.planner.plan import SCORE_PARTS, Plan, Score, StudentPlan
from coplanner.engine.planner.problem import Block, Problem, Student

# How far a reported score part may be from the recomputed one, per student.
TOLERANCE = 0.01


@dataclass(frozen=True)
class Violation:
    """A broken hard rule (or a malformed answer: rule ``plan_format``)."""

    rule: str
    students: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Mismatch:
    """A reported figure that differs from its recomputation.

    `student` is None for the plan's total score, its objective and bound.
    """

    student: str | None
    part: str
    reported: float | None
    recomputed: float


@dataclass(frozen=True)
class CheckReport:
    """What the checker found, and the scores it recomputed."""

    violations: tuple[Violation, ...]
    mismatches: tuple[Mismatch, ...]
    scores: Mapping[str, Score]
    total: Score
    objective: float | None

    @property
    def ok(self) -> bool:
        """Say whether the plan keeps every rule and reports its scores right."""
        return not self.violations and not self.mismatches

    def lines(self) -> list[str]:
        """Return the report as lines of text for a person."""
        lines = [f"{v.rule}: {v.message}" for v in self.violations]
        for m in self.mismatches:
            who = f"student {m.student}" if m.student is not None else "plan"
            lines.append(
                f"score: {who} reports {m.part} = {m.reported}, recomputed {m.recomputed:.4f}"
            )
        return lines


def check_plan(problem: Problem, plan: Plan) -> CheckReport:
    """Recompute every hard rule and every score part of a plan from the plan alone."""
    violations: list[Violation] = []
    if not plan.has_plan:
        if plan.students:
            violations.append(
                Violation("plan_format", (), f"a {plan.status} answer holds weeks")
            )
        if plan.status == "infeasible" and not plan.conflicts:
            violations.append(
                Violation("plan_format", (), "an infeasible answer names no conflict")
            )
        return CheckReport(tuple(violations), (), {}, Score(), None)

    weeks = _read_weeks(problem, plan, violations)
    _check_capacity_and_staff(problem, weeks, violations)
    for student in problem.students:
        week = weeks.get(student.id, {})
        _check_student(problem, student, week, violations)

    scores = {
        student.id: score_student(problem, student, weeks.get(student.id, {}))
        for student in problem.students
    }
    total = Score()
    for score in scores.values():
        total = total + score
    objective = total.weighted(problem.weights)
    mismatches = _compare_scores(problem, plan, scores, total, objective)
    return CheckReport(tuple(violations), tuple(mismatches), scores, total, objective)


Week = dict[str, tuple[str, str | None]]


def seat_and_adult_free(
    problem: Problem, block: str, activity: str, others_there: Sequence[str]
) -> bool:
    """Say whether one more student fits an activity in a block.

    ``others_there`` are the activities everyone else holds in the block:
    the activity needs a free seat, and its adult must not be running
    another group then.
    """
    record = problem.activity_by_id[activity]
    seats = record.seats_in(block)
    if seats is not None and others_there.count(activity) >= seats:
        return False
    return record.staff is None or not any(
        problem.activity_by_id[other].staff == record.staff
        for other in others_there
        if other != activity
    )


def slot_change_keeps_rules(
    problem: Problem,
    student_id: str,
    week: Mapping[str, str],
    block: str,
    activity: str,
    others_there: Sequence[str],
) -> bool:
    """Say whether one changed slot leaves a valid week, without solving.

    ``week`` is the student's week (block -> activity), valid as it is;
    ``others_there`` the activities everyone else holds in ``block``. The
    change keeps every rule when the activity has a seat and its adult is
    free there, and the student's own rules hold on the changed week. A
    sufficient test: a change it refuses may still fit once other slots
    move, which only a solve can find.
    """
    if not seat_and_adult_free(problem, block, activity, others_there):
        return False
    student = problem.student_by_id[student_id]
    # A week without variants, but for those the student's locks ask for.
    variant_of = {lock.block: lock.variant for lock in student.locks if lock.variant}
    changed: Week = {b: (a, variant_of.get(b)) for b, a in week.items()}
    changed[block] = (activity, variant_of.get(block))
    violations: list[Violation] = []
    _check_student(problem, student, changed, violations)
    return not violations


def _read_weeks(
    problem: Problem, plan: Plan, violations: list[Violation]
) -> dict[str, Week]:
    """Collect each student's slots, noting unknown names and missing or double slots."""
    weeks: dict[str, Week] = {}
    for student_id in plan.students:
        if student_id not in problem.student_by_id:
            violations.append(
                Violation("plan_format", (student_id,), f"unknown student {student_id}")
            )
    for student in problem.students:
        week_plan: StudentPlan | None = plan.students.get(student.id)
        if week_plan is None:
            violations.append(
                Violation("one_per_block", (student.id,), f"{student.id} has no week")
            )
            continue
        week: Week = {}
        for slot in week_plan.slots:
            activity = problem.activity_by_id.get(slot.activity)
            if slot.block not in problem.block_by_id or activity is None:
                violations.append(
                    Violation(
                        "plan_format",
                        (student.id,),
                        f"{student.id}: unknown block or activity in slot "
                        f"{slot.block} -> {slot.activity}",
                    )
                )
                continue
            if slot.variant is not None and activity.variant(slot.variant) is None:
                violations.append(
                    Violation(
                        "plan_format",
                        (student.id,),
                        f"{student.id}: {slot.activity} has no variant {slot.variant}",
                    )
                )
            if slot.block in week:
                violations.append(
                    Violation(
                        "one_per_block",
                        (student.id,),
                        f"{student.id} has two slots in {slot.block}",
                    )
                )
            week[slot.block] = (slot.activity, slot.variant)
        for block in problem.blocks:
            if block.id not in week:
                violations.append(
                    Violation(
                        "one_per_block",
                        (student.id,),
                        f"{student.id} has no slot in {block.id}",
                    )
                )
        weeks[student.id] = week
    return weeks


def _check_capacity_and_staff(
    problem: Problem, weeks: Mapping[str, Week], violations: list[Violation]
) -> None:
    for block in problem.blocks:
        present: dict[str, list[str]] = {}
        for student, week in weeks.items():
            if block.id in week:
                present.setdefault(week[block.id][0], []).append(student)
        for activity_id, students in present.items():
            limit = problem.activity_by_id[activity_id].seats_in(block.id)
            if limit is not None and len(students) > limit:
                violations.append(
                    Violation(
                        "capacity",
                        tuple(students),
                        f"{activity_id} has {len(students)} students in {block.id}, "
                        f"capacity {limit}",
                    )
                )
        running: dict[str, list[str]] = {}
        for activity_id in present:
            member = problem.activity_by_id[activity_id].staff
            if member is not None:
                running.setdefault(member, []).append(activity_id)
        for member, activities in running.items():
            if len(activities) > 1:
                involved = tuple(s for a in activities for s in present[a])
                violations.append(
                    Violation(
                        "staff",
                        involved,
                        f"{member} runs {', '.join(activities)} at once in {block.id}",
                    )
                )


def _check_student(
    problem: Problem, student: Student, week: Week, violations: list[Violation]
) -> None:
    who = (student.id,)
    rules = problem.rules

    def broken(rule: str, message: str) -> None:
        violations.append(Violation(rule, who, f"{student.id}: {message}"))

    for block_id, (activity_id, _) in week.items():
        block = problem.block_by_id[block_id]
        activity = problem.activity_by_id[activity_id]
        subject_ok = block.subject == "any" or activity.subject == block.subject
        listed_ok = activity.blocks is None or block_id in activity.blocks
        if not (subject_ok and listed_ok):
            broken("fits_block", f"{activity_id} does not fit {block_id}")

    for subject, minutes in rules.subject_minutes.items():
        got = sum(
            problem.block_by_id[b].minutes
            for b, (a, _) in week.items()
            if problem.activity_by_id[a].subject == subject
        )
        if got < minutes:
            broken("subject_minutes", f"{got} minutes of {subject}, needs {minutes}")

    for item in student.must_do:
        got = sum(1 for a, _ in week.values() if a == item.activity)
        if got < item.at_least:
            broken("must_do", f"{item.activity} {got} times, needs {item.at_least}")

    weak = {
        skill
        for activity in problem.activities
        if activity.modality == "small_group"
        for skill in activity.skills
        if student.mastery.get(skill, 0.0) < rules.small_group_below
    }
    if weak and rules.small_group_at_least > 0:
        got = sum(
            1
            for a, _ in week.values()
            if problem.activity_by_id[a].modality == "small_group"
            and weak.intersection(problem.activity_by_id[a].skills)
        )
        if got < rules.small_group_at_least:
            broken(
                "small_group",
                f"{got} small-group slots, needs {rules.small_group_at_least}",
            )

    for lock in student.locks:
        slot = week.get(lock.block)
        if slot is None or slot[0] != lock.activity:
            broken("lock", f"{lock.block} is locked to {lock.activity}")
        elif lock.variant is not None and slot[1] != lock.variant:
            broken("lock", f"{lock.block} is locked to variant {lock.variant}")

    for avoided in student.avoid:
        for block_id, (activity_id, _) in week.items():
            if activity_id == avoided.activity and avoided.block in (None, block_id):
                broken("avoid", f"{activity_id} in {block_id} is to be avoided")

    for day, blocks in _days(problem):
        counts: dict[str, int] = {}
        for block in blocks:
            if block.id in week:
                activity_id = week[block.id][0]
                counts[activity_id] = counts.get(activity_id, 0) + 1
        for activity_id, count in counts.items():
            if count > rules.max_same_activity_per_day:
                broken("max_per_day", f"{activity_id} {count} times on {day}")


def _days(problem: Problem) -> list[tuple[str, list[Block]]]:
    """Return each day's blocks ordered by start, ties in file order."""
    days: dict[str, list[tuple[str, int, Block]]] = {}
    for position, block in enumerate(problem.blocks):
        days.setdefault(block.day, []).append((block.start, position, block))
    return [(day, [b for _, _, b in sorted(entries)]) for day, entries in days.items()]


def score_student(problem: Problem, student: Student, week: Week) -> Score:
    """Compute one student's score parts from their slots."""
    rules = problem.rules

    def level(skill: str) -> float:
        return student.mastery.get(skill, 0.0)

    def mastered(skill: str) -> bool:
        return level(skill) >= rules.mastered_at

    def ready(skill: str) -> bool:
        prerequisites = problem.skill_by_id[skill].prerequisites
        return not mastered(skill) and all(mastered(p) for p in prerequisites)

    def rating(activity_id: str) -> int:
        return student.preferences.get(activity_id, 0)

    must_dos = {item.activity for item in student.must_do}

    rigor = 0.0
    voice = 0.0
    for block_id, (activity_id, variant) in week.items():
        activity = problem.activity_by_id[activity_id]
        values = [0.0]
        for skill in activity.skills:
            if ready(skill):
                values.append(1.0 - level(skill))
            elif mastered(skill):
                values.append(0.1)
        rigor += problem.block_by_id[block_id].minutes * max(values)
        honoured = (
            activity_id in must_dos
            and rating(activity_id) == -1
            and variant is not None
        )
        voice += 0 if honoured else rating(activity_id)

    def struggle(activity_id: str) -> bool:
        skills = problem.activity_by_id[activity_id].skills
        return (
            any(level(k) < rules.struggle_below for k in skills)
            or rating(activity_id) == -1
        )

    def boost(activity_id: str) -> bool:
        skills = problem.activity_by_id[activity_id].skills
        strong = bool(skills) and all(mastered(k) for k in skills)
        return not struggle(activity_id) and (rating(activity_id) in (1, 2) or strong)

    confidence = 0.0
    variety = 0.0
    for _, blocks in _days(problem):
        present = [week[block.id][0] for block in blocks if block.id in week]
        for first, second in zip(blocks, blocks[1:], strict=False):
            if first.id not in week or second.id not in week:
                continue
            one, two = week[first.id][0], week[second.id][0]
            if struggle(one) and boost(two):
                confidence += 1
            elif struggle(one) and struggle(two):
                confidence -= 1
        for activity_id in set(present):
            variety -= present.count(activity_id) - 1

    stability = 0.0
    for block_id, activity_id in problem.previous.get(student.id, {}).items():
        if week.get(block_id, ("", None))[0] != activity_id:
            stability -= 1

    return Score(rigor, voice, confidence, variety, stability)


def _compare_scores(
    problem: Problem,
    plan: Plan,
    scores: Mapping[str, Score],
    total: Score,
    objective: float,
) -> list[Mismatch]:
    mismatches = []
    for student, score in scores.items():
        week = plan.students.get(student)
        if week is None:
            continue
        for part in SCORE_PARTS:
            reported = week.score.part(part)
            if abs(reported - score.part(part)) > TOLERANCE:
                mismatches.append(Mismatch(student, part, reported, score.part(part)))
    slack = TOLERANCE * max(1, len(problem.students))
    for part in SCORE_PARTS:
        if abs(plan.score.part(part) - total.part(part)) > slack:
            mismatches.append(
                Mismatch(None, part, plan.score.part(part), total.part(part))
            )
    weight_sum = max(1.0, sum(float(getattr(problem.weights, p)) for p in SCORE_PARTS))
    if plan.objective is None or abs(plan.objective - objective) > slack * weight_sum:
        mismatches.append(Mismatch(None, "objective", plan.objective, objective))
    if plan.bound is not None and plan.bound < objective - slack * weight_sum:
        mismatches.append(Mismatch(None, "bound", plan.bound, objective))
    return mismatches
