"""The teacher's side of the picture login: link, pictures, unlocks and badges.

Only the teachers and the coach of a class and the school leader reach
these pages (``access_classrooms``); any other class is not found. Picture
passwords are kept as hashes, so new pictures are shown once, to print, on
the page that sets them.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from coplanner.accounts.access import access_classrooms
from coplanner.accounts.badges import Badge, build_badge_pdf
from coplanner.accounts.models import StudentLogin
from coplanner.accounts.picture_login import (
    PictureLoginError,
    build_badge_token,
    build_tile_names,
    check_pictures,
    choose_random_pictures,
    ensure_student_logins,
    get_class_login,
    record_picture_password,
    renew_badges,
    renew_class_token,
    unlock_classroom,
    unlock_student,
)
from coplanner.accounts.pictures import PICTURE_PASSWORD_LENGTH, Picture
from coplanner.roster.models import Classroom, Student

# The rows of the picture chooser, one per picture of the password.
ORDINALS = (
    gettext_lazy("First picture"),
    gettext_lazy("Second picture"),
    gettext_lazy("Third picture"),
)


def _classroom(request: HttpRequest, classroom_id: int) -> Classroom:
    return get_object_or_404(
        access_classrooms(request.user).select_related("school"), pk=classroom_id
    )


def _student(classroom: Classroom, student_id: int) -> Student:
    return get_object_or_404(classroom.students.select_related("user"), pk=student_id)


def _login_url(request: HttpRequest, classroom: Classroom) -> str:
    token = get_class_login(classroom).token
    return request.build_absolute_uri(
        reverse("accounts:picture_login", kwargs={"token": token})
    )


@require_http_methods(["GET"])
def class_pictures(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Show the class link, the badges and every student's picture login."""
    classroom = _classroom(request, classroom_id)
    logins = ensure_student_logins(classroom)
    rows = [
        (student, logins[student.pk])
        for student in classroom.students.select_related("user")
    ]
    printed = [login.badge_printed_at for _s, login in rows if login.badge_printed_at]
    return render(
        request,
        "accounts/class_pictures.html",
        {
            "classroom": classroom,
            "login_url": _login_url(request, classroom),
            "class_login": get_class_login(classroom),
            "rows": rows,
            "locked_count": sum(1 for _s, login in rows if login.is_locked()),
            "missing_count": sum(
                1 for _s, login in rows if not login.has_picture_password
            ),
            "badges_printed_at": max(printed) if printed else None,
        },
    )


def _print_cards(
    request: HttpRequest,
    classroom: Classroom,
    chosen: list[tuple[Student, StudentLogin, list[str]]],
) -> HttpResponse:
    labels = dict(Picture.choices)
    names = build_tile_names(list(classroom.students.all()))
    cards = [
        {
            "student": student,
            "name": names[student.pk],
            "login": login,
            "pictures": [(picture, labels[picture]) for picture in pictures],
        }
        for student, login, pictures in chosen
    ]
    return render(
        request,
        "accounts/pictures_print.html",
        {"classroom": classroom, "cards": cards},
    )


@require_http_methods(["GET", "POST"])
def student_pictures(
    request: HttpRequest, classroom_id: int, student_id: int
) -> HttpResponse:
    """Let the teacher choose a student's pictures, then print them."""
    classroom = _classroom(request, classroom_id)
    student = _student(classroom, student_id)
    login = ensure_student_logins(classroom)[student.pk]
    error = ""
    chosen = [
        request.POST.get(f"picture{index}", "")
        for index in range(1, PICTURE_PASSWORD_LENGTH + 1)
    ]
    if request.method == "POST":
        try:
            if "random" in request.POST:
                pictures = choose_random_pictures()
            else:
                pictures = check_pictures(chosen)
        except PictureLoginError as problem:
            error = str(problem)
        else:
            record_picture_password(login, pictures)
            return _print_cards(request, classroom, [(student, login, pictures)])
    rows = [
        (index, ORDINALS[index - 1], chosen[index - 1])
        for index in range(1, PICTURE_PASSWORD_LENGTH + 1)
    ]
    return render(
        request,
        "accounts/student_pictures.html",
        {
            "classroom": classroom,
            "student": student,
            "login": login,
            "rows": rows,
            "pictures": Picture.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_POST
def class_new_pictures(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Give every student of the class new pictures (or only those without any)."""
    classroom = _classroom(request, classroom_id)
    logins = ensure_student_logins(classroom)
    only_missing = request.POST.get("only") == "missing"
    chosen = []
    for student in classroom.students.order_by("first_name", "last_name"):
        login = logins[student.pk]
        if only_missing and login.has_picture_password:
            continue
        pictures = choose_random_pictures()
        record_picture_password(login, pictures)
        chosen.append((student, login, pictures))
    if not chosen:
        messages.info(request, _("Every student already has pictures."))
        return redirect("accounts:class_pictures", classroom_id=classroom.pk)
    return _print_cards(request, classroom, chosen)


@require_POST
def class_renew_link(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Replace the class's picture-login link; the old link stops working."""
    classroom = _classroom(request, classroom_id)
    renew_class_token(classroom)
    messages.success(
        request,
        _(
            "The class has a new picture-login link. The old link no longer "
            "works: open the new one on the class tablet and bookmark it."
        ),
    )
    return redirect("accounts:class_pictures", classroom_id=classroom.pk)


@require_POST
def class_unlock(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Unlock every tile of the class and let the class tablet try again."""
    classroom = _classroom(request, classroom_id)
    count = unlock_classroom(classroom)
    messages.success(
        request,
        ngettext(
            "Unlocked %(count)d tile. The class tablet may try again.",
            "Unlocked %(count)d tiles. The class tablet may try again.",
            count,
        )
        % {"count": count},
    )
    return redirect("accounts:class_pictures", classroom_id=classroom.pk)


@require_POST
def student_unlock(
    request: HttpRequest, classroom_id: int, student_id: int
) -> HttpResponse:
    """Unlock one student's tile."""
    classroom = _classroom(request, classroom_id)
    student = _student(classroom, student_id)
    unlock_student(ensure_student_logins(classroom)[student.pk])
    messages.success(
        request,
        _("%(name)s can try their pictures again.") % {"name": student.first_name},
    )
    return redirect("accounts:class_pictures", classroom_id=classroom.pk)


@require_POST
def class_badges(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """Print new QR badges for the class; the badges printed before stop working."""
    classroom = _classroom(request, classroom_id)
    names = build_tile_names(list(classroom.students.all()))
    badges = [
        Badge(
            first_name=names[student.pk],
            animal=login.animal,
            colour=login.colour,
            url=request.build_absolute_uri(
                reverse(
                    "accounts:badge_login", kwargs={"token": build_badge_token(login)}
                )
            ),
        )
        for student, login in renew_badges(classroom)
    ]
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    pdf = build_badge_pdf(
        badges,
        caption=_("%(class)s · printed %(date)s")
        % {"class": classroom.name, "date": today},
        scan_hint=_("Scan me to log in"),
        title=_("Login badges of %(class)s") % {"class": classroom.name},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="badges-{classroom.code}.pdf"'
    )
    return response
