"""What each activity means for each student: the terms of the plan score.

The model's objective, the score reported with a plan and the reasons shown
beside each slot are all computed from these terms, so that they cannot
drift apart. (The checker recomputes everything on its own, on purpose.)
"""

from collections.abc import Mapping
from dataclasses import dataclass

from coplanner.engine.planner.plan import Score
from coplanner.engine.planner.problem import Activity, Lock, Problem, Student

# The hard rules, by the names conflicts use.
RULES = (
    "one_per_block",
    "fits_block",
    "capacity",
    "staff",
    "subject_minutes",
    "must_do",
    "small_group",
    "lock",
    "avoid",
    "max_per_day",
)
# A slot in every block and activities that fit their blocks define what a
# plan is; every other rule can be switched off for one student to see
# whether that would make a plan possible.
RELAXABLE_RULES = RULES[2:]

# The rigor value of a mastered skill: a little review is worth something.
REVIEW_VALUE = 0.1


@dataclass(frozen=True)
class ActivityTerms:
    """What one activity means for one student, in any block.

    `value` is the rigor per minute and `value_skill` the skill that gives
    it (`review` when that skill is mastered). `voice_with_variant` is the
    voice of a slot that names a variant; `variant_helps` says that naming
    one raises the voice, and `best_voice` is the voice when the plan names
    a variant whenever that helps.
    """

    value: float
    value_skill: str | None
    review: bool
    ready_skills: tuple[str, ...]
    preference: int
    voice_with_variant: int
    best_voice: int
    variant_helps: bool
    struggle: bool
    struggle_skills: tuple[str, ...]
    boost: bool
    must_do: int
    small_group_skills: tuple[str, ...]


@dataclass(frozen=True)
class StudentTerms:
    """The terms of every activity for one student, and their rule figures.

    `small_group_need` lists the skills that put the student in the
    small-group rule; `small_group_activities` the activities that count
    for it.
    """

    student: Student
    mastered: frozenset[str]
    ready: frozenset[str]
    activities: Mapping[str, ActivityTerms]
    small_group_need: tuple[str, ...]
    small_group_activities: frozenset[str]
    locks: Mapping[str, tuple[Lock, ...]]

    def voice(self, activity: str, variant: str | None) -> int:
        """Return the voice of one slot."""
        terms = self.activities[activity]
        return terms.preference if variant is None else terms.voice_with_variant


def mastery(student: Student, skill: str) -> float:
    """Return the student's mastery of a skill, 0 when it was never measured."""
    return student.mastery.get(skill, 0.0)


def build_terms(problem: Problem) -> dict[str, StudentTerms]:
    """Compute the terms of every student."""
    return {
        student.id: build_student_terms(problem, student)
        for student in problem.students
    }


def build_student_terms(problem: Problem, student: Student) -> StudentTerms:
    """Compute the terms of one student."""
    rules = problem.rules
    mastered = frozenset(
        skill.id
        for skill in problem.skills
        if mastery(student, skill.id) >= rules.mastered_at
    )
    ready = frozenset(
        skill.id
        for skill in problem.skills
        if skill.id not in mastered
        and all(prerequisite in mastered for prerequisite in skill.prerequisites)
    )
    must_do: dict[str, int] = {}
    for item in student.must_do:
        must_do[item.activity] = max(must_do.get(item.activity, 0), item.at_least)
    activities = {
        activity.id: _activity_terms(
            problem, student, activity, mastered, ready, must_do
        )
        for activity in problem.activities
    }
    small_group_need = tuple(
        dict.fromkeys(
            skill
            for activity in problem.activities
            if activity.modality == "small_group"
            for skill in activities[activity.id].small_group_skills
        )
    )
    small_group_activities = frozenset(
        activity_id
        for activity_id, terms in activities.items()
        if terms.small_group_skills
    )
    locks: dict[str, tuple[Lock, ...]] = {}
    for lock in student.locks:
        locks[lock.block] = (*locks.get(lock.block, ()), lock)
    return StudentTerms(
        student=student,
        mastered=mastered,
        ready=ready,
        activities=activities,
        small_group_need=small_group_need,
        small_group_activities=small_group_activities,
        locks=locks,
    )


def _activity_terms(
    problem: Problem,
    student: Student,
    activity: Activity,
    mastered: frozenset[str],
    ready: frozenset[str],
    must_do: Mapping[str, int],
) -> ActivityTerms:
    rules = problem.rules
    value = 0.0
    value_skill = None
    review = False
    for skill in activity.skills:
        if skill in ready:
            candidate = 1.0 - mastery(student, skill)
        elif skill in mastered:
            candidate = REVIEW_VALUE
        else:
            continue
        if candidate > value:
            value, value_skill, review = candidate, skill, skill in mastered
    ready_skills = tuple(
        sorted(
            (skill for skill in activity.skills if skill in ready),
            key=lambda skill: mastery(student, skill),
        )
    )
    preference = student.preferences.get(activity.id, 0)
    voice_with_variant = (
        0 if activity.id in must_do and preference == -1 else preference
    )
    struggle_skills = tuple(
        skill
        for skill in activity.skills
        if mastery(student, skill) < rules.struggle_below
    )
    struggle = bool(struggle_skills) or preference == -1
    boost = not struggle and (
        preference >= 1
        or (
            bool(activity.skills)
            and all(skill in mastered for skill in activity.skills)
        )
    )
    small_group_skills: tuple[str, ...] = ()
    if activity.modality == "small_group":
        small_group_skills = tuple(
            skill
            for skill in activity.skills
            if mastery(student, skill) < rules.small_group_below
        )
    variant_helps = bool(activity.variants) and voice_with_variant > preference
    return ActivityTerms(
        value=value,
        value_skill=value_skill,
        review=review,
        ready_skills=ready_skills,
        preference=preference,
        voice_with_variant=voice_with_variant,
        best_voice=voice_with_variant if variant_helps else preference,
        variant_helps=variant_helps,
        struggle=struggle,
        struggle_skills=struggle_skills,
        boost=boost,
        must_do=must_do.get(activity.id, 0),
        small_group_skills=small_group_skills,
    )


def score_week(
    problem: Problem,
    terms: StudentTerms,
    week: Mapping[str, tuple[str, str | None]],
) -> Score:
    """Compute a student's score parts from their week.

    `week` maps block id to (activity id, variant id or None).
    """
    rigor = 0.0
    voice = 0.0
    for block_id, (activity, variant) in week.items():
        block = problem.block_by_id[block_id]
        rigor += block.minutes * terms.activities[activity].value
        voice += terms.voice(activity, variant)

    confidence = 0.0
    for first, second in problem.consecutive_blocks:
        if first.id not in week or second.id not in week:
            continue
        before = terms.activities[week[first.id][0]]
        after = terms.activities[week[second.id][0]]
        if before.struggle and after.boost:
            confidence += 1
        elif before.struggle and after.struggle:
            confidence -= 1

    variety = 0.0
    for _, blocks in problem.days:
        seen: dict[str, int] = {}
        for block in blocks:
            if block.id in week:
                activity = week[block.id][0]
                seen[activity] = seen.get(activity, 0) + 1
        variety -= sum(count - 1 for count in seen.values())

    stability = 0.0
    for block_id, activity in problem.previous.get(terms.student.id, {}).items():
        if block_id in week and week[block_id][0] != activity:
            stability -= 1
        elif block_id not in week:
            stability -= 1

    return Score(
        rigor=rigor,
        voice=voice,
        confidence=confidence,
        variety=variety,
        stability=stability,
    )
