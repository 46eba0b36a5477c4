"""Pages and files people take away from a plan.

Every view starts from the querysets of ``accounts.access``: a class, a
student or a school outside a person's scope is simply not found.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coplanner.accounts.access import access_classrooms, access_schools, access_students
from coplanner.accounts.roles import Role, get_role
from coplanner.handouts.actions import record_calendar_feed, revoke_calendar_feed
from coplanner.handouts.board import build_rotation_board
from coplanner.handouts.cards import build_card_pages, build_schedule_cards
from coplanner.handouts.exports import build_mastery_csv, build_plans_csv
from coplanner.handouts.feeds import build_calendar
from coplanner.handouts.models import CalendarFeed
from coplanner.handouts.queries import (
    SkillProgress,
    get_class_week,
    get_current_goal,
    get_latest_reflection,
    get_plan_progress,
    get_rotation_board,
)
from coplanner.planning.queries import get_week_grid, get_week_start
from coplanner.roster.models import Classroom, Guardian, Student

FEED_ROLES = (Role.LEADER, Role.COACH, Role.TEACHER, Role.GUARDIAN)


def _week_start(request: HttpRequest) -> datetime.date:
    """Return the Monday of ``?week=YYYY-MM-DD``, or of this week."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return get_week_start()
    return get_week_start(day)


def _language(request: HttpRequest) -> str:
    """Return ``?lang=``, else a family's own language, else the page's."""
    wanted = request.GET.get("lang", "")
    if wanted in dict(settings.LANGUAGES):
        return wanted
    guardian = Guardian.objects.filter(user_id=request.user.pk).first()
    if guardian is not None and get_role(request.user) == Role.GUARDIAN:
        return guardian.language
    return translation.get_language() or settings.LANGUAGE_CODE


def _classroom(request: HttpRequest, classroom_id: int) -> Classroom:
    classrooms = access_classrooms(request.user).select_related("week_template")
    return get_object_or_404(classrooms, pk=classroom_id)


def _student(request: HttpRequest, student_id: int) -> Student:
    students = access_students(request.user).select_related(
        "classroom__week_template", "school"
    )
    return get_object_or_404(students, pk=student_id)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _csv(content: str, filename: str) -> HttpResponse:
    # A byte order mark makes spreadsheet apps read the file as UTF-8.
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Schedule cards


@require_GET
def class_cards(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Return the schedule cards of every student of a class as one PDF."""
    classroom = _classroom(request, classroom_id)
    week_start = _week_start(request)
    week = get_class_week(classroom, access_students(request.user), week_start)
    with translation.override(_language(request)):
        content = build_schedule_cards(build_card_pages(week))
    return _pdf(content, f"cards-{slugify(classroom.name)}-{week_start}.pdf")


@require_GET
def student_card(request: HttpRequest, student_id: int) -> HttpResponse:
    """Return one student's schedule card as a PDF."""
    student = _student(request, student_id)
    if student.classroom is None:
        raise Http404("The student is in no classroom.")
    week_start = _week_start(request)
    only = access_students(request.user).filter(pk=student.pk)
    week = get_class_week(student.classroom, only, week_start)
    with translation.override(_language(request)):
        content = build_schedule_cards(build_card_pages(week))
    return _pdf(content, f"card-{slugify(student.first_name)}-{week_start}.pdf")


# Rotation board


def _board_context(request: HttpRequest, classroom: Classroom) -> dict[str, object]:
    week = get_class_week(
        classroom, access_students(request.user), _week_start(request)
    )
    board = get_rotation_board(week)
    days = []
    for item in board:
        if not days or days[-1]["day"] != item.block.day:
            days.append({"day": item.block.day, "date": item.start, "blocks": []})
        days[-1]["blocks"].append(item)  # type: ignore[attr-defined]
    return {
        "classroom": classroom,
        "week": week,
        "days": days,
        "now_block": next((item for item in board if item.is_now), None),
        "next_block": next(
            (item for item in board if item.start > timezone.localtime()), None
        ),
        "unplanned": [sw.student for sw in week.students if sw.version is None],
    }


@require_GET
def rotation_board(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Show who is where in every block of the week, the current block marked."""
    classroom = _classroom(request, classroom_id)
    context = _board_context(request, classroom)
    return render(request, "handouts/rotation_board.html", context)


@require_GET
def rotation_board_now(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Show only the block running now (or the next one), large, for a screen."""
    classroom = _classroom(request, classroom_id)
    context = _board_context(request, classroom)
    return render(request, "handouts/rotation_now.html", context)


@require_GET
def rotation_board_pdf(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Return the rotation board of the week as a landscape PDF."""
    classroom = _classroom(request, classroom_id)
    week_start = _week_start(request)
    week = get_class_week(classroom, access_students(request.user), week_start)
    with translation.override(_language(request)):
        content = build_rotation_board(week, get_rotation_board(week))
    return _pdf(content, f"board-{slugify(classroom.name)}-{week_start}.pdf")


# Calendar links


@require_http_methods(["GET", "POST"])
def calendar_links(request: HttpRequest, student_id: int) -> HttpResponse:
    """List, make and revoke a student's private calendar links."""
    if get_role(request.user) not in FEED_ROLES:
        raise Http404("Only staff and families manage calendar links.")
    student = _student(request, student_id)
    here = reverse("handouts:calendar_links", args=[student.pk])

    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            # A feed id that is not a number is no feed of this student.
            feed_id = request.POST.get("feed", "")
            if not feed_id.isascii() or not feed_id.isdigit():
                raise Http404("No such calendar link.")
            feed = get_object_or_404(CalendarFeed, pk=int(feed_id), student=student)
            if revoke_calendar_feed(feed):
                messages.success(
                    request, _("The link is revoked. Calendars using it stop updating.")
                )
        else:
            record_calendar_feed(student, request.user)  # type: ignore[arg-type]
            messages.success(
                request, _("New link made. Add it to a calendar app to subscribe.")
            )
        return redirect(here)

    feeds = student.calendar_feeds.select_related("created_by")
    links = [
        (feed, request.build_absolute_uri(reverse("handouts:feed", args=[feed.token])))
        for feed in feeds
    ]
    return render(
        request, "handouts/calendar_links.html", {"student": student, "links": links}
    )


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Return a student's plans as iCalendar to whoever holds a live link."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("student"),
        token=token,
        revoked_at__isnull=True,
    )
    response = HttpResponse(
        build_calendar(feed.student), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    return response


# Family view

BAND_COLOURS = {"not_yet": "#e4572e", "developing": "#f6ae2d", "mastered": "#4cb944"}


def _progress_chart(progress: list[SkillProgress]) -> dict[str, object]:
    """Lay out one horizontal bar per skill for the inline SVG chart."""
    row, bar_width = 46, 420
    bars = [
        {
            "progress": item,
            "y_label": index * row + 15,
            "y_bar": index * row + 21,
            "y_text": index * row + 33,
            "width": round(item.probability * bar_width, 1),
            "percent": round(item.probability * 100),
            "colour": BAND_COLOURS.get(item.band, "#2f6fdb"),
        }
        for index, item in enumerate(progress)
    ]
    return {
        "width": 600,
        "height": row * len(bars),
        "bar_width": bar_width,
        "bars": bars,
    }


@require_GET
def family_week(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show a family this week's plan, progress, goal and reflection, read only."""
    student = _student(request, student_id)
    with translation.override(_language(request)):
        grid = get_week_grid(student, _week_start(request))
        slots = [slot for day in grid.days for _block, slot in day.cells if slot]
        progress = get_plan_progress(student, slots)
        context = {
            "grid": grid,
            "student": student,
            "progress": progress,
            "chart": _progress_chart(progress),
            "goal": get_current_goal(student),
            "reflection": get_latest_reflection(student),
        }
        return render(request, "handouts/family_week.html", context)


# Exports (staff only: families and students have no classrooms or schools)


def _export(
    students: QuerySet[Student], kind: str, name: str, request: HttpRequest
) -> HttpResponse:
    week_start = _week_start(request)
    if kind == "plans":
        content = build_plans_csv(students, [week_start])
        return _csv(content, f"plans-{slugify(name)}-{week_start}.csv")
    content = build_mastery_csv(students)
    return _csv(content, f"mastery-{slugify(name)}-{timezone.localdate()}.csv")


@require_GET
def class_export(request: HttpRequest, classroom_id: int, kind: str) -> HttpResponse:
    """Return a class's plans of the week or its mastery estimates as CSV."""
    classroom = _classroom(request, classroom_id)
    students = access_students(request.user).filter(classroom=classroom)
    return _export(students, kind, classroom.name, request)


@require_GET
def school_export(request: HttpRequest, school_id: int, kind: str) -> HttpResponse:
    """Return a school's plans of the week or its mastery estimates as CSV.

    Each person gets the students they may see: a leader the whole school, a
    teacher their own classes.
    """
    school = get_object_or_404(access_schools(request.user), pk=school_id)
    students = access_students(request.user).filter(school=school)
    return _export(students, kind, school.name, request)


@require_GET
def class_handouts(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """List everything to print or download for a class and its students."""
    classroom = _classroom(request, classroom_id)
    students = access_students(request.user).filter(classroom=classroom)
    return render(
        request,
        "handouts/class_handouts.html",
        {
            "classroom": classroom,
            "students": students,
            "week_start": _week_start(request),
        },
    )
