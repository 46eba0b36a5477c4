from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coplanner.accounts.access import access_classrooms
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.models import PlanStatus
from coplanner.planning.queries import (
    get_plans_by_student,
    get_week_start,
    with_student_names,
)


def classroom_detail(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Show a class at a glance: students, grade, autonomy level, plan status."""
    classroom = get_object_or_404(
        access_classrooms(request.user).select_related("coach", "school"),
        pk=classroom_id,
    )
    students = list(classroom.students.all())
    week_start = get_week_start()
    plans = get_plans_by_student(students, week_start)
    rows = [(student, plans.get(student.pk)) for student in students]
    status_counts = {status: 0 for status in PlanStatus.values}
    for _student, plan in rows:
        if plan:
            status_counts[plan.status] += 1
    return render(
        request,
        "roster/classroom_detail.html",
        {
            "classroom": classroom,
            "teachers": classroom.teachers.all(),
            "rows": rows,
            "week_start": week_start,
            "no_plan_count": len(rows) - sum(status_counts.values()),
            "status_counts": status_counts,
        },
    )


def classroom_list(request: HttpRequest) -> HttpResponse:
    """List the classrooms the person may open, with their sizes."""
    classrooms = access_classrooms(request.user).annotate(
        student_count=Count("students", distinct=True)
    )
    return render(request, "roster/classroom_list.html", {"classrooms": classrooms})


@require_POST
def classroom_draft(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Draft this week's plans of a class with the planner, then show the class."""
    classroom = get_object_or_404(
        access_classrooms(request.user).select_related("school", "week_template"),
        pk=classroom_id,
    )
    result = propose_class_drafts(classroom, get_week_start(), request.user)
    if result.has_plans:
        messages.success(
            request,
            ngettext(
                "Drafted %(count)d plan in %(seconds).0f seconds. Open a student "
                "to see the week and the reason for each block.",
                "Drafted %(count)d plans in %(seconds).0f seconds. Open a student "
                "to see the week and the reason for each block.",
                result.drafted,
            )
            % {"count": result.drafted, "seconds": max(result.seconds, 1)},
        )
        if result.skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d draft was changed by someone while the planner "
                    "worked, so it was left as it was.",
                    "%(count)d drafts were changed by someone while the planner "
                    "worked, so they were left as they were.",
                    result.skipped,
                )
                % {"count": result.skipped},
            )
    elif result.status == "nothing_to_do":
        messages.info(
            request,
            _("Every plan of this class is in conference or agreed: nothing to draft."),
        )
    elif result.status == "infeasible":
        messages.error(
            request,
            _("No week fits every rule. Change what is named below, then draft again."),
        )
        names = {
            student.code: f"{student.first_name} {student.last_name}"
            for student in classroom.students.all()
        }
        for conflict in result.conflicts:
            text = f"{conflict.message} {conflict.fix}"
            messages.error(request, with_student_names(text, names))
    else:
        messages.error(
            request,
            _(
                "The planner ran out of time before finding a week. Try again; "
                "if it happens again, ask your school leader to check the rules."
            ),
        )
    return redirect("classroom_detail", classroom_id=classroom.pk)
