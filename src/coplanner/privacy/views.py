"""A school leader's pages to hand over or erase one student's data.

Only a leader, and only for students of their school (found through
`access_students`); anyone else gets a 404.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coplanner.accounts.access import access_students
from coplanner.accounts.roles import Role, get_role
from coplanner.privacy.erase import describe_removal, erase_student
from coplanner.privacy.export import record_student_export
from coplanner.roster.models import Student


def _leaders_students(request: HttpRequest):  # type: ignore[no-untyped-def]
    if get_role(request.user) != Role.LEADER:
        raise Http404
    return access_students(request.user).select_related("classroom")


def _student(request: HttpRequest, student_id: int) -> Student:
    return get_object_or_404(_leaders_students(request), pk=student_id)


@require_GET
def students(request: HttpRequest) -> HttpResponse:
    """List the school's students, each with a link to their data page."""
    found = _leaders_students(request).order_by(
        "classroom__grade", "classroom__name", "last_name", "first_name"
    )
    return render(request, "privacy/students.html", {"students": found})


@require_GET
def student(request: HttpRequest, student_id: int) -> HttpResponse:
    """Show what is held about a student, with export and erase."""
    chosen = _student(request, student_id)
    return render(
        request,
        "privacy/student.html",
        {"student": chosen, "held": describe_removal(chosen)},
    )


@require_POST
def export(request: HttpRequest, student_id: int) -> HttpResponse:
    """Hand out everything held about the student as a zip file."""
    chosen = _student(request, student_id)
    content = record_student_export(chosen, request.user)
    response = HttpResponse(content, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    # The file name carries the id, not the name: it may end up in a
    # downloads folder or a mail that others see.
    response["Content-Disposition"] = (
        f'attachment; filename="student-{chosen.pk}-{stamp}.zip"'
    )
    return response


@require_POST
def erase(request: HttpRequest, student_id: int) -> HttpResponse:
    """Erase the student for good once the leader typed their name."""
    chosen = _student(request, student_id)
    typed = request.POST.get("confirm_name", "").strip()
    if typed.casefold() != chosen.display_name.casefold():
        messages.error(
            request,
            _(
                "The name you typed does not match, so nothing was erased. "
                "Type the student's full name exactly as shown."
            ),
        )
        return redirect("privacy:student", student_id=chosen.pk)
    erased = erase_student(chosen, request.user)
    messages.success(
        request,
        _(
            "Erased: %(rows)s rows are gone for good. The audit log keeps "
            "its %(entries)s entries about the student with ids only."
        )
        % {"rows": erased.total, "entries": erased.audit_entries_marked},
    )
    return redirect("privacy:students")
