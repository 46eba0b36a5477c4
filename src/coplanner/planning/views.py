from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from coplanner.accounts.access import access_students
from coplanner.planning.queries import get_week_grid, get_week_start


def student_week(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show one student's week to anyone allowed to see that student."""
    queryset = access_students(request.user).select_related("classroom__week_template")
    student = get_object_or_404(queryset, pk=student_id)
    grid = get_week_grid(student, get_week_start())
    return render(request, "planning/student_week.html", {"grid": grid})
