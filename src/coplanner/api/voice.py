"""The API's student voice: a student's current preferences, and writing one.

A preference is written by the survey's own action
(``coplanner.voice.actions.record_preferences``), so the earlier answer is
kept as history and the conference sees how a view changed.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from coplanner.api.problems import ApiError, Problem
from coplanner.api.reads import build_page, get_student
from coplanner.api.schemas import (
    Id,
    Paging,
    PreferenceIn,
    PreferenceOut,
    PreferencePage,
)
from coplanner.voice.actions import Answer, record_preferences
from coplanner.voice.models import Preference
from coplanner.voice.queries import get_survey_activities

router = Router()
# What every write may answer besides its result: 400 is a body that is
# not JSON, 500 the server_error problem.
ERRORS = {400: Problem, 401: Problem, 404: Problem, 422: Problem, 500: Problem}


def _preference(preference: Preference) -> dict[str, Any]:
    return {
        "activity_id": preference.activity_id,
        "rating": preference.rating,
        "reason": preference.reason,
        "reason_text": preference.reason_text,
        "answered_at": preference.answered_at,
    }


@router.get(
    "/students/{student_id}/preferences",
    response={200: PreferencePage, **ERRORS},
    tags=["voice"],
)
def list_preferences(
    request: HttpRequest, student_id: Id, paging: Query[Paging]
) -> dict[str, Any]:
    """A student's current rating of each activity they have rated."""
    student = get_student(request, student_id)
    preferences = Preference.objects.filter(
        student=student, superseded_at__isnull=True
    ).order_by("activity_id")
    return build_page(
        preferences,
        paging,
        lambda rows: [_preference(row) for row in rows],
    )


@router.post(
    "/students/{student_id}/preferences",
    response={200: PreferenceOut, **ERRORS},
    tags=["voice"],
)
def create_preference(
    request: HttpRequest, student_id: Id, preference: PreferenceIn
) -> dict[str, Any]:
    """Record a student's rating of an activity, with an optional reason.

    The earlier answer is kept as history; an answer equal to the current
    one changes nothing (``changed`` is false).
    """
    student = get_student(request, student_id)
    if not get_survey_activities(student).filter(pk=preference.activity_id).exists():
        raise ApiError(
            404,
            "not_found",
            "No activity with this id is offered to this student's class. List "
            "the school's activities to find the right id.",
        )
    recorded = record_preferences(
        student,
        {
            preference.activity_id: Answer(
                rating=int(preference.rating),
                reason=str(preference.reason),
                reason_text=preference.reason_text.strip(),
            )
        },
        answered_by=None,
    )
    current = Preference.objects.get(
        student=student, activity_id=preference.activity_id, superseded_at__isnull=True
    )
    return {
        "student_id": student.pk,
        "activity_id": current.activity_id,
        "rating": current.rating,
        "reason": current.reason,
        "reason_text": current.reason_text,
        "answered_at": current.answered_at,
        "changed": bool(recorded.created),
    }
