"""Writes of what students say: survey answers, goals, focus helps, self-views,
and the end-of-week reflection.

Every answer is versioned: a changed answer marks the current one superseded
and adds a new row in the same transaction; an unchanged answer adds nothing.
Logs carry ids only, never names or what a student wrote.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction
from coplanner.curriculum.models import Activity, Skill
from coplanner.roster.models import Student
from coplanner.voice.models import (
    FocusHelp,
    Goal,
    GoalProgress,
    Preference,
    Rating,
    Reflection,
    ReflectionRating,
    SelfAssessment,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """One card of the survey: a face (−1 … 2) and an optional reason."""

    rating: int
    reason: str = ""
    reason_text: str = ""


@dataclass(frozen=True)
class Recorded:
    """How many answers were new and how many were already on record."""

    created: int
    unchanged: int


def _user_or_none(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def _words_changed(previous: Preference | None, text: str) -> str:
    """Say whether the student's own words changed, without the words."""
    before = previous.reason_text if previous is not None else ""
    return "changed" if text != before else ""


def _audit(
    action: str,
    student: Student,
    by: AbstractBaseUser | None,
    object_type: str,
    changes: dict[str, object],
    object_id: int | None = None,
) -> None:
    """Audit an answer in its transaction: codes and ids, never the words."""
    audit.record(
        action,
        by=by,
        object_type=object_type,
        object_id=object_id,
        school_id=student.school_id,
        student_id=student.pk,
        changes=changes,
    )


def record_preferences(
    student: Student,
    answers: Mapping[int, Answer],
    answered_by: AbstractBaseUser | None,
) -> Recorded:
    """Record the student's answers by activity id, keeping earlier answers.

    An answer equal to the current one (rating, reason and text) adds
    nothing. A changed one sets ``superseded_at`` on the current preference
    and adds a new one answered by ``answered_by``. Activities missing from
    ``answers`` keep their current preference.
    """
    by = _user_or_none(answered_by)

    with transaction.atomic():
        current = {
            preference.activity_id: preference
            for preference in Preference.objects.select_for_update().filter(
                student=student,
                activity_id__in=list(answers),
                superseded_at__isnull=True,
            )
        }
        now = timezone.now()
        superseded: list[Preference] = []
        new: list[Preference] = []
        for activity_id, answer in answers.items():
            previous = current.get(activity_id)
            if previous is not None and (
                previous.rating,
                previous.reason,
                previous.reason_text,
            ) == (answer.rating, answer.reason, answer.reason_text):
                continue
            if previous is not None:
                previous.superseded_at = now
                superseded.append(previous)
            new.append(
                Preference(
                    student=student,
                    activity_id=activity_id,
                    rating=answer.rating,
                    reason=answer.reason,
                    reason_text=answer.reason_text,
                    answered_by=by,
                )
            )
        # The superseded rows go first: only one current answer may exist.
        Preference.objects.bulk_update(superseded, ["superseded_at"])
        Preference.objects.bulk_create(new)
        if new:
            _audit(
                AuditAction.PREFERENCES,
                student,
                by,
                "preference",
                {
                    "activities": [
                        {
                            "activity": row.activity_id,
                            "rating": row.rating,
                            "reason": row.reason,
                            "text": _words_changed(
                                current.get(row.activity_id), row.reason_text
                            ),
                        }
                        for row in new
                    ]
                },
            )

    result = Recorded(created=len(new), unchanged=len(answers) - len(new))
    logger.info(
        "Recorded preferences of student %s by user %s: %s new, %s unchanged",
        student.pk,
        by.pk if by else None,
        result.created,
        result.unchanged,
    )
    return result


def record_goal(student: Student, text: str, skill: Skill | None) -> Goal | None:
    """Add a goal ("I want to get better at …") unless the same one is open.

    A goal picked from the skills without words takes the skill's name as its
    text. Return the new goal, or None when nothing was added.
    """
    text = text.strip() or (skill.name if skill else "")
    if not text:
        return None
    with transaction.atomic():
        if Goal.objects.filter(
            student=student, text=text, skill=skill, achieved_at__isnull=True
        ).exists():
            return None
        goal = Goal.objects.create(student=student, text=text, skill=skill)
        _audit(
            AuditAction.GOAL,
            student,
            None,
            "goal",
            {"skill": skill.pk if skill else None, "text": "written"},
            object_id=goal.pk,
        )
    logger.info(
        "Recorded goal %s of student %s (skill %s)",
        goal.pk,
        student.pk,
        skill.pk if skill else None,
    )
    return goal


def record_focus_help(
    student: Student,
    aids: Sequence[str],
    text: str,
    answered_by: AbstractBaseUser | None,
) -> FocusHelp | None:
    """Record what helps the student focus, keeping the earlier answer.

    Return the new answer, or None when it equals the current one or when
    there is neither a current answer nor anything picked or written.
    """
    aids = sorted(set(aids))
    text = text.strip()
    by = _user_or_none(answered_by)
    with transaction.atomic():
        current = (
            FocusHelp.objects.select_for_update()
            .filter(student=student, superseded_at__isnull=True)
            .first()
        )
        if current is None and not aids and not text:
            return None
        if current is not None:
            if (sorted(current.aids), current.text) == (aids, text):
                return None
            current.superseded_at = timezone.now()
            current.save(update_fields=["superseded_at"])
        help_ = FocusHelp.objects.create(
            student=student, aids=aids, text=text, answered_by=by
        )
        _audit(
            AuditAction.FOCUS_HELP,
            student,
            by,
            "focus_help",
            {
                "previous": current.pk if current else None,
                "aids": aids,
                "text": "changed" if text != (current.text if current else "") else "",
            },
            object_id=help_.pk,
        )
    logger.info(
        "Recorded focus help %s of student %s by user %s",
        help_.pk,
        student.pk,
        by.pk if by else None,
    )
    return help_


def record_self_assessments(
    student: Student,
    values: Mapping[int, str],
    answered_by: AbstractBaseUser | None,
) -> Recorded:
    """Record the student's own view of skills by skill id, keeping earlier ones.

    ``values`` are ``SelfView`` codes. An unchanged view adds nothing; a
    changed one supersedes the current view in the same transaction.
    """
    by = _user_or_none(answered_by)

    with transaction.atomic():
        current = {
            row.skill_id: row
            for row in SelfAssessment.objects.select_for_update().filter(
                student=student, skill_id__in=list(values), superseded_at__isnull=True
            )
        }
        now = timezone.now()
        superseded: list[SelfAssessment] = []
        new: list[SelfAssessment] = []
        for skill_id, value in values.items():
            previous = current.get(skill_id)
            if previous is not None and previous.value == value:
                continue
            if previous is not None:
                previous.superseded_at = now
                superseded.append(previous)
            new.append(
                SelfAssessment(
                    student=student, skill_id=skill_id, value=value, answered_by=by
                )
            )
        SelfAssessment.objects.bulk_update(superseded, ["superseded_at"])
        SelfAssessment.objects.bulk_create(new)
        if new:
            _audit(
                AuditAction.SELF_ASSESSMENT,
                student,
                by,
                "self_assessment",
                {"skills": {str(row.skill_id): row.value for row in new}},
            )

    result = Recorded(created=len(new), unchanged=len(values) - len(new))
    logger.info(
        "Recorded self-assessments of student %s by user %s: %s new, %s unchanged",
        student.pk,
        by.pk if by else None,
        result.created,
        result.unchanged,
    )
    return result


@dataclass(frozen=True)
class SurveyAnswers:
    """Everything one survey form holds, parsed."""

    preferences: Mapping[int, Answer]
    goal_text: str = ""
    goal_skill: Skill | None = None
    focus_aids: Sequence[str] = ()
    focus_text: str = ""


@dataclass(frozen=True)
class SurveyRecorded:
    preferences: Recorded
    goal_added: bool
    focus_changed: bool

    @property
    def changed(self) -> bool:
        return bool(self.preferences.created or self.goal_added or self.focus_changed)


def record_survey(
    student: Student,
    answers: SurveyAnswers,
    answered_by: AbstractBaseUser | None,
) -> SurveyRecorded:
    """Record a whole voice survey: the cards, a new goal and the focus helps.

    All of it is written in one transaction, so a survey is saved whole or
    not at all.
    """
    with transaction.atomic():
        preferences = record_preferences(student, answers.preferences, answered_by)
        goal = record_goal(student, answers.goal_text, answers.goal_skill)
        focus = record_focus_help(
            student, answers.focus_aids, answers.focus_text, answered_by
        )
    return SurveyRecorded(
        preferences=preferences,
        goal_added=goal is not None,
        focus_changed=focus is not None,
    )


# The end-of-week reflection


@dataclass(frozen=True)
class ReflectionAnswers:
    """What one reflection form holds, parsed.

    ``ratings`` are faces (−1 … 2) by activity id; an activity left out keeps
    the face it had. ``goal_progress`` is a ``GoalProgress`` code and ``note``
    the student's words; None keeps what the reflection holds.
    """

    ratings: Mapping[int, int]
    goal_progress: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ReflectionRecorded:
    """What saving a reflection did."""

    reflection: Reflection
    created: bool
    faces_changed: int
    preferences: Recorded
    details_changed: bool

    @property
    def changed(self) -> bool:
        return bool(self.created or self.faces_changed or self.details_changed)


# "A little" is still movement: the yes-or-no reading of each answer.
GOAL_MOVED = {
    GoalProgress.YES: True,
    GoalProgress.A_LITTLE: True,
    GoalProgress.NOT_YET: False,
}


def record_reflection(
    student: Student,
    week_start: datetime.date,
    answers: ReflectionAnswers,
    answered_by: AbstractBaseUser | None,
) -> ReflectionRecorded:
    """Record how the week went and let it update the student's preferences.

    There is one reflection per student and week (``week_start`` is its
    Monday): answering again updates it. Every face that is new or changed in
    this answer and differs from the student's current preference for that
    activity becomes a new preference version, through ``record_preferences``
    (the earlier one stays, superseded), marked as coming from this
    reflection. A face saved again unchanged leaves the preferences alone, so
    a newer survey answer is not undone by saving an old reflection again.
    All of it is written in one transaction.

    Raise ``ValueError`` for a day that is not a Monday, a face outside the
    scale, a goal answer outside ``GoalProgress`` or an activity of another
    school.
    """
    if week_start.weekday() != 0:
        raise ValueError("A reflection's week starts on a Monday.")
    if any(rating not in Rating.values for rating in answers.ratings.values()):
        raise ValueError("A face is one of -1, 0, 1 or 2.")
    progress = answers.goal_progress
    if progress not in (None, "", *GoalProgress.values):
        raise ValueError(f"Unknown goal progress {progress!r}.")
    known = set(
        Activity.objects.filter(
            school_id=student.school_id, pk__in=list(answers.ratings)
        ).values_list("pk", flat=True)
    )
    if known != set(answers.ratings):
        raise ValueError("Every activity of a reflection belongs to the school.")
    by = _user_or_none(answered_by)

    with transaction.atomic():
        reflection, created = Reflection.objects.select_for_update().get_or_create(
            student=student, week_start=week_start, defaults={"answered_by": by}
        )
        details_changed = progress_changed = note_changed = False
        if progress is not None and progress != reflection.goal_progress:
            progress_changed = True
            reflection.goal_progress = progress
            reflection.goal_moved = (
                GOAL_MOVED[GoalProgress(progress)] if progress else None
            )
            details_changed = True
        note = answers.note.strip() if answers.note is not None else None
        if note is not None and note != reflection.note:
            note_changed = True
            reflection.note = note
            details_changed = True

        stored = {
            row.activity_id: row
            for row in ReflectionRating.objects.select_for_update().filter(
                reflection=reflection
            )
        }
        new_faces: dict[int, int] = {}
        updated: list[ReflectionRating] = []
        added: list[ReflectionRating] = []
        for activity_id, rating in answers.ratings.items():
            row = stored.get(activity_id)
            if row is not None and row.rating == rating:
                continue
            new_faces[activity_id] = rating
            if row is None:
                added.append(
                    ReflectionRating(
                        reflection=reflection, activity_id=activity_id, rating=rating
                    )
                )
            else:
                row.rating = rating
                updated.append(row)
        ReflectionRating.objects.bulk_update(updated, ["rating"])
        ReflectionRating.objects.bulk_create(added)
        if details_changed or new_faces:
            reflection.answered_by = by
            reflection.save()
            _audit(
                AuditAction.REFLECTION,
                student,
                by,
                "reflection",
                {
                    "week": week_start.isoformat(),
                    "faces": {str(key): value for key, value in new_faces.items()},
                    "goal_progress": progress if progress_changed else None,
                    "note": "changed" if note_changed else "",
                },
                object_id=reflection.pk,
            )

        current = {
            preference.activity_id: preference.rating
            for preference in Preference.objects.select_for_update().filter(
                student=student,
                activity_id__in=list(new_faces),
                superseded_at__isnull=True,
            )
        }
        differing = {
            activity_id: Answer(rating)
            for activity_id, rating in new_faces.items()
            if current.get(activity_id) != rating
        }
        preferences = record_preferences(student, differing, answered_by)
        Preference.objects.filter(
            student=student,
            activity_id__in=list(differing),
            superseded_at__isnull=True,
        ).update(reflection=reflection)

    result = ReflectionRecorded(
        reflection=reflection,
        created=created,
        faces_changed=len(new_faces),
        preferences=preferences,
        details_changed=details_changed,
    )
    logger.info(
        "Recorded reflection %s of student %s for the week of %s by user %s: "
        "%s faces new or changed, %s preferences changed",
        reflection.pk,
        student.pk,
        week_start,
        by.pk if by else None,
        result.faces_changed,
        preferences.created,
    )
    return result
