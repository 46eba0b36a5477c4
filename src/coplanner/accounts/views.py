from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coplanner.accounts.access import access_classrooms, access_students
from coplanner.accounts.roles import Role, get_role


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the first page of their role."""
    role = get_role(request.user)
    if role in (Role.TEACHER, Role.COACH):
        classrooms = list(access_classrooms(request.user))
        if len(classrooms) == 1:
            return redirect("classroom_detail", classroom_id=classrooms[0].pk)
        return redirect("classroom_list")
    if role == Role.LEADER:
        return redirect("classroom_list")
    if role == Role.STUDENT:
        student = access_students(request.user).first()
        if student is not None:
            return redirect("student_week", student_id=student.pk)
    if role == Role.GUARDIAN:
        children = access_students(request.user).select_related("classroom")
        return render(request, "accounts/family_home.html", {"children": children})
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "accounts/no_role.html", status=403)
