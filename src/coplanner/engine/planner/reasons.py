"""The reasons shown beside each slot, in words a child understands.

Every reason comes from a term the plan score or a hard rule uses, so what
the student reads is what the planner weighed.
"""

from collections.abc import Mapping

from coplanner.engine.planner.problem import Problem
from coplanner.engine.planner.terms import StudentTerms


def explain_week(
    problem: Problem,
    terms: StudentTerms,
    week: Mapping[str, tuple[str, str | None]],
) -> dict[str, tuple[str, ...]]:
    """Return the reasons of every slot of a week, by block id.

    `week` maps block id to (activity id, variant id or None).
    """
    reasons: dict[str, tuple[str, ...]] = {}
    for _, blocks in problem.days:
        before: str | None = None
        for block in blocks:
            if block.id not in week:
                before = None
                continue
            activity, variant = week[block.id]
            reasons[block.id] = explain_slot(
                problem, terms, block.id, activity, variant, before
            )
            before = activity
    return reasons


def explain_slot(
    problem: Problem,
    terms: StudentTerms,
    block_id: str,
    activity_id: str,
    variant_id: str | None,
    activity_before: str | None,
) -> tuple[str, ...]:
    """Return the reasons of one slot, most important first.

    `activity_before` is the activity of the block just before on the same
    day, if any.
    """
    activity = problem.activity_by_id[activity_id]
    slot = terms.activities[activity_id]
    reasons: list[str] = []

    if any(lock.activity == activity_id for lock in terms.locks.get(block_id, ())):
        reasons.append("This block was fixed for you")
    if slot.must_do:
        reasons.append("Your teacher asked for this")
    if activity_id in terms.small_group_activities:
        # Two skills at most: a reason is read by a child, not a report.
        shown = slot.small_group_skills[:2]
        skills = _names(problem, shown)
        verb = "is" if len(shown) == 1 else "are"
        reasons.append(f"Small group because {skills} {verb} not yet strong")
    if slot.value > 0 and not slot.review:
        reasons.append(f"You are ready for: {_names(problem, slot.ready_skills[:2])}")
    elif slot.value > 0 and slot.value_skill is not None:
        reasons.append(f"A quick review of: {_names(problem, (slot.value_skill,))}")

    if slot.preference == 2:
        reasons.append(f"You love: {activity.name}")
    elif slot.preference == 1:
        reasons.append(f"You like: {activity.name}")
    variant = activity.variant(variant_id) if variant_id is not None else None
    if variant is not None:
        if slot.voice_with_variant > slot.preference:
            reasons.append(f"Your way to do it: {variant.label}")
        else:
            reasons.append(f"Done as: {variant.label}")

    if activity_before is not None and slot.boost:
        if terms.activities[activity_before].struggle:
            reasons.append("Something you are good at, after a hard one")

    previous = problem.previous.get(terms.student.id, {})
    if previous.get(block_id) == activity_id:
        reasons.append("Same as in your last plan")

    if not reasons:
        subject = problem.block_by_id[block_id].subject
        if subject == "any":
            reasons.append("Fits this free-choice block")
        else:
            reasons.append(f"Fits this {subject} block")
    return tuple(reasons)


def _names(problem: Problem, skills: tuple[str, ...]) -> str:
    names = [problem.skill_by_id[skill].label for skill in skills]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
