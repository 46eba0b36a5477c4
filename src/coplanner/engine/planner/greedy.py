"""A greedy planner as a naive product would write it, to compare against.

It fills the weeks one student at a time, block by block, taking the
activity that looks best for that block alone while seats and staff last.
It looks neither ahead (a must-do may find no room later) nor at the other
students, and when nothing allowed is left it takes any activity that fits,
breaking a rule. It is here only so that the benchmark can show what the
solver adds.
"""

from dataclasses import dataclass, field

from coplanner.engine.planner.model import Prepared, Week
from coplanner.engine.planner.problem import Block


@dataclass
class _Taken:
    """Seats and adults already given out, by block."""

    seats: dict[tuple[str, str], int] = field(default_factory=dict)
    adults: dict[tuple[str, str], str] = field(default_factory=dict)


def greedy_weeks(prepared: Prepared) -> dict[str, Week]:
    """Return every student's week, built greedily."""
    taken = _Taken()
    return {
        student.id: _greedy_week(prepared, student.id, taken)
        for student in prepared.problem.students
    }


def _greedy_week(prepared: Prepared, student_id: str, taken: _Taken) -> Week:
    problem = prepared.problem
    terms = prepared.terms[student_id]
    needed = {item.activity: item.at_least for item in terms.student.must_do}
    small_groups = problem.rules.small_group_at_least if terms.small_group_need else 0
    week: dict[str, str] = {}
    per_day: dict[tuple[str, str], int] = {}
    for block in problem.blocks:
        locked = terms.locks.get(block.id)
        options = list(prepared.candidates[block.id])
        if locked:
            choice = locked[0].activity
        else:
            fine = [
                a
                for a in options
                if _allowed(prepared, student_id, block, a, taken, per_day)
            ]
            best = -1e18
            choice = options[0]
            for activity in fine or options:
                slot = terms.activities[activity]
                appeal = (
                    problem.weights.rigor * block.minutes * slot.value
                    + problem.weights.voice * slot.best_voice
                )
                if needed.get(activity, 0) > 0:
                    appeal += 1000
                if small_groups > 0 and activity in terms.small_group_activities:
                    appeal += 500
                if appeal > best:
                    best, choice = appeal, activity
        week[block.id] = choice
        taken.seats[block.id, choice] = taken.seats.get((block.id, choice), 0) + 1
        staff = problem.activity_by_id[choice].staff
        if staff is not None:
            taken.adults.setdefault((block.id, staff), choice)
        per_day[block.day, choice] = per_day.get((block.day, choice), 0) + 1
        if choice in needed:
            needed[choice] -= 1
        if choice in terms.small_group_activities:
            small_groups -= 1
    return week


def _allowed(
    prepared: Prepared,
    student_id: str,
    block: Block,
    activity_id: str,
    taken: _Taken,
    per_day: dict[tuple[str, str], int],
) -> bool:
    problem = prepared.problem
    activity = problem.activity_by_id[activity_id]
    for avoided in problem.student_by_id[student_id].avoid:
        if avoided.activity == activity_id and avoided.block in (None, block.id):
            return False
    if (
        per_day.get((block.day, activity_id), 0)
        >= problem.rules.max_same_activity_per_day
    ):
        return False
    seats = activity.seats_in(block.id)
    if seats is not None:
        if taken.seats.get((block.id, activity_id), 0) >= seats:
            return False
    if activity.staff is not None:
        busy = taken.adults.get((block.id, activity.staff))
        if busy is not None and busy != activity_id:
            return False
    return True
