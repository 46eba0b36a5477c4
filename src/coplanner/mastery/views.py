"""Pages about mastery: the class heat map, a student's skill map, a cell's evidence."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from coplanner.accounts.access import access_classrooms, access_students
from coplanner.accounts.roles import Role, get_role
from coplanner.curriculum.models import Skill
from coplanner.mastery.models import Band
from coplanner.mastery.queries import (
    NO_EVIDENCE,
    get_cell_evidence,
    get_heat_map,
    get_skill_map,
)

# The legend, in the order the bands run; "none" is a skill without evidence.
LEGEND = [
    (Band.NOT_YET.value, Band.NOT_YET.label),
    (Band.DEVELOPING.value, Band.DEVELOPING.label),
    (Band.MASTERED.value, Band.MASTERED.label),
    (NO_EVIDENCE, _("No evidence")),
]

# Roles that may open a class's heat map (when the class is theirs).
CLASS_ROLES = (Role.LEADER, Role.COACH, Role.TEACHER)


def heat_map(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Show a class's students by skills, coloured by band, to its staff."""
    classroom = get_object_or_404(access_classrooms(request.user), pk=classroom_id)
    grid = get_heat_map(
        classroom,
        subject=request.GET.get("subject") or None,
        sort=request.GET.get("sort") or None,
    )
    return render(
        request,
        "mastery/heatmap.html",
        {"classroom": classroom, "grid": grid, "legend": LEGEND},
    )


def skill_map(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show a student's prerequisite graphs with bands and what is ready to learn."""
    student = get_object_or_404(access_students(request.user), pk=student_id)
    return render(
        request,
        "mastery/skill_map.html",
        {
            "map": get_skill_map(student),
            "legend": LEGEND,
            "sees_class": get_role(request.user) in CLASS_ROLES,
        },
    )


def evidence(request: HttpRequest, student_id: int, skill_id: int) -> HttpResponse:
    """Show the estimate of a student on a skill and every piece of evidence behind it."""
    student = get_object_or_404(access_students(request.user), pk=student_id)
    skill = get_object_or_404(Skill.objects.select_related("subject"), pk=skill_id)
    cell = get_cell_evidence(student, skill, request.GET.get("page"))
    return render(
        request,
        "mastery/evidence.html",
        {"cell": cell, "sees_class": get_role(request.user) in CLASS_ROLES},
    )
