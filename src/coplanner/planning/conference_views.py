"""The conference board, its requests and signatures, and the version history.

Each view parses, authorises (through `access_students`, or
`access_classrooms` for the class view), calls one action or
read from `coplanner.planning.conference` and renders. A request sent by the
board's script (header ``X-Requested-With``) gets the live part of the board
back as an HTML fragment; a plain form post is redirected to the board.
"""

import datetime
import time

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coplanner.accounts.access import access_classrooms, access_students
from coplanner.accounts.roles import Role, get_role
from coplanner.planning.class_conference import get_class_conference
from coplanner.planning.conference import (
    Ask,
    ConferenceError,
    VersionConflict,
    get_board,
    get_conflict,
    get_version_diff,
    get_versions,
    record_hand_in,
    record_request,
    record_signature,
    start_conference,
)
from coplanner.planning.last_week import get_last_week
from coplanner.planning.models import Plan
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Staff, Student


def _student(
    request: HttpRequest, student_id: int, *, history: bool = False
) -> Student:
    """Return the student if the person may use their board (or history)."""
    role = get_role(request.user)
    if role == Role.GUARDIAN and not history:
        raise Http404
    queryset = access_students(request.user).select_related(
        "classroom__week_template", "user"
    )
    return get_object_or_404(queryset, pk=student_id)


def _is_fragment(request: HttpRequest) -> bool:
    return bool(request.headers.get("X-Requested-With"))


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _render_board(
    request: HttpRequest,
    student: Student,
    *,
    block: str | None = None,
    answer_id: int | None = None,
    error: ConferenceError | None = None,
    since: int | None = None,
    asked: Ask | None = None,
) -> HttpResponse:
    board = get_board(
        student, get_week_start(), request.user, block=block, answer_id=answer_id
    )
    if isinstance(error, VersionConflict) and error.seen is not None:
        since = error.seen
    context = {
        "board": board,
        # The version the person saw beside the one saved meanwhile.
        "conflict": (
            get_conflict(student, board.week_start, since, asked)
            if since is not None
            else None
        ),
        "error": error.message if error else None,
        "last_week": None
        if _is_fragment(request)
        else get_last_week(student, board.week_start),
    }
    template = (
        "planning/conference_live.html"
        if _is_fragment(request)
        else "planning/conference_board.html"
    )
    return render(request, template, context, status=error.status if error else 200)


def _back(student: Student, **query: object) -> HttpResponse:
    url = reverse("conference:board", args=[student.pk])
    shown = "&".join(f"{key}={value}" for key, value in query.items() if value)
    return redirect(f"{url}?{shown}#board" if shown else f"{url}#board")


@require_GET
def board(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show the conference board of a student's week; ``?block=`` opens a card."""
    student = _student(request, student_id)
    return _render_board(
        request,
        student,
        block=request.GET.get("block") or None,
        answer_id=_number(request.GET.get("answer")),
        since=_number(request.GET.get("since")),
    )


@require_POST
def start(request: HttpRequest, student_id: int) -> HttpResponse:
    """Open the conference on this week's plan."""
    student = _student(request, student_id)
    plan = Plan.objects.filter(student=student, week_start=get_week_start()).first()
    if plan is None:
        raise Http404
    start_conference(plan, request.user)
    if _is_fragment(request):
        return _render_board(request, student)
    return _back(student)


@require_POST
def ask(request: HttpRequest, student_id: int) -> HttpResponse:
    """Answer a request with the planner and show the answer on the board."""
    asked_at = time.monotonic()
    student = _student(request, student_id)
    data = request.POST
    wish = _parse_ask(data)
    block = wish.block
    try:
        answered = record_request(
            student,
            get_week_start(),
            wish,
            request.user,
            _number(data.get("version")),
            asked_at=asked_at,
        )
    except ConferenceError as error:
        if _is_fragment(request):
            return _render_board(
                request, student, block=block or None, error=error, asked=wish
            )
        messages.error(request, error.message)
        if isinstance(error, VersionConflict):
            return _back(student, block=block, since=error.seen)
        return _back(student, block=block)
    if _is_fragment(request):
        return _render_board(request, student, answer_id=answered.pk)
    return _back(student, answer=answered.pk)


def _parse_ask(data: QueryDict) -> Ask:
    """Read a request from the board's form.

    The button pressed is ``choice``: ``variant:<code>`` (``variant:`` for the
    activity as it is), ``lock:<code>`` for an offered activity, ``lock:`` to
    keep the block as it is, ``pick`` for the activity chosen in the list,
    ``swap`` (with ``other_block``), ``move`` (with ``to_block``) or ``drop``.
    An alternative the planner offered comes as ``alternative_of`` (the
    refused request) and ``alternative`` (its position).
    """
    kind, _sep, value = data.get("choice", "").partition(":")
    other_block = activity = variant = None
    if kind == "swap":
        other_block = data.get("other_block")
    elif kind == "move":
        other_block = data.get("to_block")
    elif kind == "pick":
        kind, activity = "lock", data.get("activity")
    elif kind == "lock":
        activity = value
    elif kind == "variant":
        variant = value
    alternative_of = _number(data.get("alternative_of"))
    if alternative_of is not None:
        kind = "lock"  # what it stands for is read from the refused request
    return Ask(
        kind=kind,
        block=data.get("block", ""),
        other_block=other_block or None,
        activity=activity or None,
        variant=variant or None,
        note=data.get("note", "").strip()[:300],
        idea_of_student=data.get("idea") == "student",
        alternative_of=alternative_of,
        alternative=_number(data.get("alternative")),
    )


@require_POST
def sign(request: HttpRequest, student_id: int) -> HttpResponse:
    """Record the coach's signature or the student's "I agree"."""
    student = _student(request, student_id)
    try:
        conference = record_signature(
            student,
            get_week_start(),
            request.POST.get("signer", ""),
            request.user,
            _number(request.POST.get("version")),
        )
    except ConferenceError as error:
        if _is_fragment(request):
            return _render_board(request, student, error=error)
        messages.error(request, error.message)
        return _back(student)
    if not _is_fragment(request):
        if conference.ended_at:
            messages.success(request, _("Both signed: the plan is agreed."))
        return _back(student)
    return _render_board(request, student)


@require_POST
def hand_in(request: HttpRequest, student_id: int) -> HttpResponse:
    """Record that a student who drafts their week handed it to the coach."""
    student = _student(request, student_id)
    try:
        record_hand_in(
            student,
            get_week_start(),
            request.user,
            _number(request.POST.get("version")),
        )
    except ConferenceError as error:
        if _is_fragment(request):
            return _render_board(request, student, error=error)
        messages.error(request, error.message)
        return _back(student)
    if _is_fragment(request):
        return _render_board(request, student)
    messages.success(
        request, _("Your week is with your coach now. Your coach will look at it.")
    )
    return _back(student)


@require_GET
def history(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show every version of this week's plan and the difference of two."""
    student = _student(request, student_id, history=True)
    week_start = _week(request.GET.get("week")) or get_week_start()
    plan = Plan.objects.filter(student=student, week_start=week_start).first()
    versions = get_versions(plan) if plan else []
    by_number = {version.number: version for version in versions}
    newest = versions[0].number if versions else None
    second = by_number.get(_number(request.GET.get("b")) or newest or 0)
    first_number = _number(request.GET.get("a"))
    if first_number is None and second is not None:
        first_number = second.number - 1
    first = by_number.get(first_number or 0)
    diff = get_version_diff(first, second) if first and second else None
    return render(
        request,
        "planning/conference_history.html",
        {
            "student": student,
            "week_start": week_start,
            "plan": plan,
            "versions": versions,
            "first": first,
            "second": second,
            "diff": diff,
            "read_only": get_role(request.user) == Role.GUARDIAN,
        },
    )


def _week(value: str | None) -> datetime.date | None:
    try:
        return get_week_start(datetime.date.fromisoformat(value)) if value else None
    except ValueError:
        return None


@require_GET
def class_conference(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Show where each student of a class is in the week's conferences.

    For the class's coaches and teachers and the school leader; ``?week=``
    shows another week. Each name opens the student's board, and "Next
    student" the board of the first student waiting for this coach.
    """
    classroom = get_object_or_404(access_classrooms(request.user), pk=classroom_id)
    this_week = get_week_start()
    week_start = _week(request.GET.get("week")) or this_week
    overview = get_class_conference(classroom, week_start)
    coach_id = (
        Staff.objects.filter(user_id=request.user.pk)
        .values_list("pk", flat=True)
        .first()
    )
    is_this_week = week_start == this_week
    return render(
        request,
        "planning/conference_class.html",
        {
            "overview": overview,
            "classroom": classroom,
            "week_start": week_start,
            "is_this_week": is_this_week,
            "this_week": this_week,
            "coach_id": coach_id,
            # The boards open on this week only, so only this week has a next.
            "next_student": overview.next_student(coach_id) if is_this_week else None,
            "previous_week": week_start - datetime.timedelta(days=7),
            "next_week": week_start + datetime.timedelta(days=7),
        },
    )
