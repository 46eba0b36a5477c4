"""Reads for the voice pages: the survey's activities and answers, My learning,
the week's activities and reflection.

My learning joins the mastery estimates with the student's own view of each
skill. Readiness comes from the mastery engine's frontier, so "ready for next"
means exactly what the planner means by ready to learn.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from coplanner.curriculum.models import Activity, Prerequisite, Skill
from coplanner.engine.mastery import (
    DEFAULT_BANDS,
    Band,
    Bands,
    ready_to_learn,
)
from coplanner.engine.mastery import MasteryEstimate as EngineEstimate
from coplanner.mastery.models import Band as StoredBand
from coplanner.mastery.models import MasteryEstimate
from coplanner.planning.models import Plan, Slot
from coplanner.roster.models import Student
from coplanner.voice.models import (
    FocusHelp,
    Goal,
    Preference,
    Reflection,
    SelfAssessment,
    SelfView,
)

# Students up to this grade get fewer words and bigger icons.
YOUNG_UP_TO_GRADE = 1
# How many skills each list of My learning shows before "and N more".
STRONG_SHOWN = {True: 4, False: 8}
READY_SHOWN = {True: 3, False: 5}
# "Ready for next" looks this many grades above the student's, at most.
READY_GRADES_AHEAD = 1

# The band a student's own view matches; any other band is a difference.
MATCHING_BAND = {
    SelfView.CAN_DO: Band.MASTERED,
    SelfView.GETTING_THERE: Band.DEVELOPING,
    SelfView.NOT_YET: Band.NOT_YET,
}


def is_young(student: Student) -> bool:
    """Return whether the student gets the pages with fewer words."""
    return student.grade <= YOUNG_UP_TO_GRADE


def get_bands() -> Bands:
    """Return the thresholds between bands.

    TODO: read them from the settings once the mastery app offers them there;
    until then these are the engine's defaults, which the mastery fit uses too.
    """
    return DEFAULT_BANDS


# The survey


def get_survey_activities(student: Student) -> QuerySet[Activity]:
    """Return the activities the student may rate: the school's, minus other classes'.

    An activity tied to a classroom (a teacher's own table) is shown only to
    that classroom's students.
    """
    return (
        Activity.objects.filter(school_id=student.school_id)
        .filter(Q(classroom__isnull=True) | Q(classroom_id=student.classroom_id))
        .select_related("subject")
        .order_by("subject__name", "name")
    )


def get_current_preferences(student: Student) -> dict[int, Preference]:
    """Return the student's current preferences by activity id."""
    return {
        preference.activity_id: preference
        for preference in Preference.objects.filter(
            student=student, superseded_at__isnull=True
        ).select_related("answered_by", "reflection")
    }


def get_open_goals(student: Student) -> list[Goal]:
    """Return the student's goals not yet achieved, newest first."""
    return list(
        Goal.objects.filter(student=student, achieved_at__isnull=True).select_related(
            "skill"
        )
    )


def get_current_focus_help(student: Student) -> FocusHelp | None:
    """Return the student's current answer about what helps them focus."""
    return FocusHelp.objects.filter(student=student, superseded_at__isnull=True).first()


def get_goal_skills(student: Student) -> list[Skill]:
    """Return the skills offered as goals: those the student works on or is ready for.

    When the student has no mastery data yet, the skills of their grade.
    """
    learning = get_my_learning(student)
    ids = [line.skill_id for line in learning.working_on + learning.ready_all]
    if ids:
        skills = Skill.objects.in_bulk(ids)
        return [skills[skill_id] for skill_id in ids if skill_id in skills]
    return list(Skill.objects.filter(grade=student.grade).select_related("subject"))


# My learning


@dataclass(frozen=True)
class SkillLine:
    """One skill on My learning, with the student's own view where asked."""

    skill_id: int
    name: str
    subject_code: str
    subject_name: str
    band: str
    self_view: str | None = None

    @property
    def band_key(self) -> str:
        """Return the band as stored and styled (``not_yet``, ``developing``, …)."""
        return self.band.replace(" ", "_")

    @property
    def band_label(self) -> str:
        return str(StoredBand(self.band_key).label)

    @property
    def views_differ(self) -> bool:
        """Return whether the student's own view and the data disagree."""
        return self.self_view is not None and (
            MATCHING_BAND[SelfView(self.self_view)] != self.band
        )


@dataclass(frozen=True)
class MyLearning:
    """A student's mastery in their words: strong in, working on, ready for next."""

    student_id: int
    young: bool
    strong: list[SkillLine]
    strong_more: int
    working_on: list[SkillLine]
    ready: list[SkillLine]
    ready_all: list[SkillLine]

    @property
    def ready_more(self) -> int:
        return len(self.ready_all) - len(self.ready)

    @property
    def differences(self) -> int:
        return sum(line.views_differ for line in self.working_on)

    @property
    def is_empty(self) -> bool:
        return not (self.strong or self.working_on or self.ready)


def _skill_order(skill: Skill) -> tuple[int, str, str]:
    return (
        skill.grade if skill.grade is not None else -2,
        skill.subject.code,
        skill.code,
    )


def get_my_learning(student: Student) -> MyLearning:
    """Return the student's skills grouped as they read them on My learning.

    *Strong in* is every mastered skill, the highest grades first. *Working
    on* is every skill with evidence that is not mastered yet (developing or
    not yet), with the student's current self-assessment. *Ready for next*
    is every skill ready to learn (the engine's frontier) that has no
    evidence yet, up to one grade above the student's; it stays empty while
    the student has no evidence at all.
    """
    bands = get_bands()
    young = is_young(student)

    rows = list(
        MasteryEstimate.objects.filter(student=student).values_list(
            "skill_id", "probability", "observations"
        )
    )
    reach = Skill.objects.filter(
        Q(grade__isnull=True) | Q(grade__lte=student.grade + READY_GRADES_AHEAD)
    )
    known_ids = {skill_id for skill_id, _p, _n in rows}
    skills = {
        skill.pk: skill
        for skill in Skill.objects.filter(Q(pk__in=known_ids) | Q(pk__in=reach))
        .select_related("subject")
        .distinct()
    }
    reach_ids = [
        skill.pk
        for skill in sorted(skills.values(), key=_skill_order)
        if skill.grade is None or skill.grade <= student.grade + READY_GRADES_AHEAD
    ]
    required: dict[int, list[int]] = {}
    for skill_id, requires_id in Prerequisite.objects.filter(
        skill_id__in=reach_ids
    ).values_list("skill_id", "requires_id"):
        required.setdefault(skill_id, []).append(requires_id)
    self_views = dict(
        SelfAssessment.objects.filter(
            student=student, superseded_at__isnull=True
        ).values_list("skill_id", "value")
    )

    def line(skill_id: int, band: str) -> SkillLine:
        skill = skills[skill_id]
        return SkillLine(
            skill_id=skill_id,
            name=skill.name,
            subject_code=skill.subject.code,
            subject_name=skill.subject.name,
            band=band,
            self_view=self_views.get(skill_id),
        )

    estimates = {
        str(skill_id): EngineEstimate(
            student=str(student.pk),
            skill=str(skill_id),
            probability=probability,
            band=bands.band(probability),
            observations=observations,
        )
        for skill_id, probability, observations in rows
    }
    with_evidence = {
        skill_id for skill_id, _p, observations in rows if observations > 0
    }
    strong = sorted(
        (
            skills[int(key)]
            for key, estimate in estimates.items()
            if estimate.band == Band.MASTERED
        ),
        key=_skill_order,
        reverse=True,
    )
    working = sorted(
        (
            skills[int(key)]
            for key, estimate in estimates.items()
            if estimate.band != Band.MASTERED and int(key) in with_evidence
        ),
        key=_skill_order,
    )
    graph = {
        str(skill_id): [str(other) for other in required.get(skill_id, ())]
        for skill_id in reach_ids
    }
    # Without any evidence every skill without prerequisites would be "ready",
    # however far below the student it is: say nothing until data arrives.
    ready_ids = (
        [
            int(key)
            for key in ready_to_learn(estimates, graph, bands)
            if int(key) not in with_evidence
        ]
        if with_evidence
        else []
    )

    strong_lines = [line(skill.pk, Band.MASTERED) for skill in strong]
    ready_lines = [line(skill_id, Band.NOT_YET) for skill_id in ready_ids]
    return MyLearning(
        student_id=student.pk,
        young=young,
        strong=strong_lines[: STRONG_SHOWN[young]],
        strong_more=max(0, len(strong_lines) - STRONG_SHOWN[young]),
        working_on=[line(skill.pk, estimates[str(skill.pk)].band) for skill in working],
        ready=ready_lines[: READY_SHOWN[young]],
        ready_all=ready_lines,
    )


# The reflection


def get_week_activities(student: Student, week_start: datetime.date) -> list[Activity]:
    """Return the activities of the student's plan that week, each once.

    They come from the plan's newest version, in the order they first appear
    in the week (Monday morning first); an empty list when there is no plan.
    """
    plan = Plan.objects.filter(student=student, week_start=week_start).first()
    version = plan.versions.order_by("-number").first() if plan else None
    if version is None:
        return []
    slots = (
        Slot.objects.filter(version=version)
        .select_related("activity__subject")
        .order_by("block__day", "block__start", "block__pk")
    )
    activities: dict[int, Activity] = {}
    for slot in slots:
        activities.setdefault(slot.activity_id, slot.activity)
    return list(activities.values())


def get_reflection(student: Student, week_start: datetime.date) -> Reflection | None:
    """Return the student's reflection on that week with its faces, or None."""
    return (
        Reflection.objects.filter(student=student, week_start=week_start)
        .select_related("answered_by")
        .prefetch_related("ratings")
        .first()
    )
