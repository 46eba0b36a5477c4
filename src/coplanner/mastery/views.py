"""Pages about mastery: the class heat map, a student's skill map, a cell's evidence."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from coplanner.accounts.access import access_classrooms, access_students
from coplanner.accounts.roles import Role, get_role
from coplanner.curriculum.models import Skill
from coplanner.mastery.models import Band
from coplanner.mastery.overrides import (
    OverrideError,
    clear_band_override,
    get_band_override_history,
    record_band_override,
)
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
    """Show a class's students by skills, coloured by band, to its staff.

    The cells are written by the ``heat_map_cells`` tag: a class of 30 with
    60 skills has 1,800 of them.
    """
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
    sees_class = get_role(request.user) in CLASS_ROLES
    # One read gives the current override and, for staff, the earlier ones.
    overrides = get_band_override_history(student, skill)
    return render(
        request,
        "mastery/evidence.html",
        {
            "cell": cell,
            "sees_class": sees_class,
            "override": next((o for o in overrides if o.cleared_at is None), None),
            "override_history": overrides if sees_class else [],
            "bands": LEGEND[:3],
        },
    )


@require_POST
def band_override(request: HttpRequest, student_id: int, skill_id: int) -> HttpResponse:
    """Set or remove a teacher's band override on a student's skill."""
    if get_role(request.user) not in CLASS_ROLES:
        raise Http404
    student = get_object_or_404(access_students(request.user), pk=student_id)
    skill = get_object_or_404(Skill, pk=skill_id)
    back = reverse("mastery:evidence", args=[student.pk, skill.pk])
    if request.POST.get("clear"):
        if clear_band_override(student, skill, request.user):
            messages.success(request, _("Override removed: the estimate shows again."))
        return redirect(back)
    try:
        record_band_override(
            student,
            skill,
            request.POST.get("band", ""),
            request.POST.get("reason", ""),
            request.user,
        )
    except OverrideError as error:
        messages.error(request, str(error))
        return redirect(back + "#override")
    messages.success(request, _("Override saved: it stands for the estimate now."))
    return redirect(back)
