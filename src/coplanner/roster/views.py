from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from coplanner.accounts.access import access_classrooms
from coplanner.planning.models import PlanStatus
from coplanner.planning.queries import get_plans_by_student, get_week_start


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
