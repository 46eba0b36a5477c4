"""Pages of the student's voice: the survey, My learning and the reflection."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coplanner.accounts.access import access_students
from coplanner.accounts.roles import Role, get_role
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Student
from coplanner.voice.actions import (
    record_reflection,
    record_self_assessments,
    record_survey,
)
from coplanner.voice.forms import (
    FACE_ORDER,
    ReflectionForm,
    SelfAssessmentForm,
    SurveyForm,
)
from coplanner.voice.models import FocusAid, GoalProgress, Reason, SelfView
from coplanner.voice.queries import (
    get_current_focus_help,
    get_current_preferences,
    get_goal_skills,
    get_my_learning,
    get_open_goals,
    get_reflection,
    get_survey_activities,
    get_week_activities,
    is_young,
)

# Roles that may answer for a student they can see; a family only reads.
ANSWERING_ROLES = (Role.STUDENT, Role.TEACHER, Role.COACH, Role.LEADER)
CLASS_ROLES = (Role.LEADER, Role.COACH, Role.TEACHER)


def _student_in_reach(request: HttpRequest, student_id: int) -> Student:
    queryset = access_students(request.user).select_related("classroom", "user")
    return get_object_or_404(queryset, pk=student_id)


def _page_context(request: HttpRequest, student: Student) -> dict[str, object]:
    role = get_role(request.user)
    return {
        "student": student,
        "young": is_young(student),
        "is_self": role == Role.STUDENT,
        "can_answer": role in ANSWERING_ROLES,
        "sees_class": role in CLASS_ROLES,
    }


def survey(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show the voice survey of a student, and save it when someone may answer."""
    student = _student_in_reach(request, student_id)
    context = _page_context(request, student)
    if request.method == "POST" and not context["can_answer"]:
        raise PermissionDenied

    activities = list(get_survey_activities(student))
    focus = get_current_focus_help(student)
    form = SurveyForm(
        request.POST if request.method == "POST" else None,
        activities=activities,
        current=get_current_preferences(student),
        goal_skills=get_goal_skills(student),
        focus=focus,
        read_only=not context["can_answer"],
    )
    if request.method == "POST" and form.is_valid():
        recorded = record_survey(student, form.answers(), request.user)
        if recorded.changed:
            messages.success(request, _("Saved. Thank you for telling us!"))
        else:
            messages.info(request, _("Nothing changed, so there was nothing to save."))
        return redirect("voice:survey", student_id=student.pk)

    return render(
        request,
        "voice/survey.html",
        {
            **context,
            "form": form,
            "cards": form.cards(),
            "faces": FACE_ORDER,
            "reasons": Reason,
            "aids": FocusAid,
            "goals": get_open_goals(student),
            "focus": focus,
        },
    )


def my_learning(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show a student's mastery in their words, with their own view of each skill."""
    student = _student_in_reach(request, student_id)
    context = _page_context(request, student)
    if request.method == "POST" and not context["can_answer"]:
        raise PermissionDenied

    learning = get_my_learning(student)
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" else None,
        skill_ids=[line.skill_id for line in learning.working_on],
        current={
            line.skill_id: line.self_view
            for line in learning.working_on
            if line.self_view
        },
        read_only=not context["can_answer"],
    )
    if request.method == "POST" and form.is_valid():
        recorded = record_self_assessments(student, form.values(), request.user)
        if recorded.created:
            messages.success(request, _("Saved. Thank you for telling us!"))
        else:
            messages.info(request, _("Nothing changed, so there was nothing to save."))
        return redirect("voice:my_learning", student_id=student.pk)

    questions = form.questions()
    return render(
        request,
        "voice/my_learning.html",
        {
            **context,
            "learning": learning,
            "working": [
                (line, questions[line.skill_id]) for line in learning.working_on
            ],
            "self_views": list(reversed(SelfView.choices)),
        },
    )


def _week_from(value: str | None) -> datetime.date | None:
    """Return the Monday of the week that holds an ISO date, or None."""
    try:
        return get_week_start(datetime.date.fromisoformat(value)) if value else None
    except ValueError:
        return None


def reflection(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show how a week went for a student, and save it when someone may answer.

    ``?week=YYYY-MM-DD`` picks the week that holds that day; the current week
    by default. A week that has not started yet can be seen but not answered.
    """
    student = _student_in_reach(request, student_id)
    context = _page_context(request, student)
    if request.method == "POST" and not context["can_answer"]:
        raise PermissionDenied

    this_week = get_week_start()
    week_start = _week_from(request.GET.get("week")) or this_week
    here = (
        reverse("voice:reflection", args=[student.pk])
        + f"?week={week_start.isoformat()}"
    )
    upcoming = week_start > this_week
    activities = get_week_activities(student, week_start)
    saved = get_reflection(student, week_start)
    may_save = bool(context["can_answer"] and activities and not upcoming)
    if request.method == "POST" and not may_save:
        messages.info(
            request,
            _("This week has not started yet. Look back on it at its end.")
            if upcoming
            else _("There is nothing to look back on in this week. Pick another week."),
        )
        return redirect(here)

    form = ReflectionForm(
        request.POST if request.method == "POST" else None,
        activities=activities,
        reflection=saved,
        read_only=not may_save,
    )
    if request.method == "POST" and form.is_valid():
        recorded = record_reflection(student, week_start, form.answers(), request.user)
        if recorded.preferences.created:
            messages.success(request, _("Saved. Your faces will help plan next week."))
        elif recorded.changed:
            messages.success(
                request, _("Saved. Thank you for looking back on your week!")
            )
        else:
            messages.info(request, _("Nothing changed, so there was nothing to save."))
        return redirect(here)

    week_before = week_start - datetime.timedelta(days=7)
    week_after = week_start + datetime.timedelta(days=7)
    return render(
        request,
        "voice/reflection.html",
        {
            **context,
            "form": form,
            "cards": form.cards(),
            "faces": FACE_ORDER,
            "progress": GoalProgress,
            "goals": get_open_goals(student),
            "reflection": saved,
            "week_start": week_start,
            "is_this_week": week_start == this_week,
            "upcoming": upcoming,
            "may_save": may_save,
            "week_before": week_before,
            "week_after": week_after if week_after <= this_week else None,
            "this_week": this_week,
        },
    )
