"""The pages of the class tablet: tiles, picture passwords and badge sign-in.

These pages are open without signing in; the secret class link (or a signed
badge) is what lets a child in. A wrong link is simply not found. Nothing
here needs reading: every word is also a picture and can be read aloud.
"""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coplanner.accounts.models import StudentLogin
from coplanner.accounts.picture_login import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_DAYS,
    Device,
    Outcome,
    build_tile_names,
    device_is_locked,
    ensure_student_logins,
    get_class_login,
    get_classroom_by_token,
    new_device_id,
    read_badge,
    record_badge_sign_in,
    try_picture_password,
)
from coplanner.accounts.pictures import (
    PICTURE_PASSWORD_LENGTH,
    Animal,
    AvatarColour,
    Picture,
)
from coplanner.accounts.sessions import start_shared_device_session
from coplanner.roster.models import Classroom

# Password sign-in for students goes through the usual backend.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _with_device_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give a shared device its id cookie the first time it opens a class page."""
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE,
            new_device_id(),
            max_age=DEVICE_COOKIE_DAYS * 24 * 60 * 60,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _classroom_or_404(token: str) -> Classroom:
    classroom = get_classroom_by_token(token)
    if classroom is None:
        raise Http404("No class has this picture-login link.")
    return classroom


def _avatar_words(login: StudentLogin, name: str) -> str:
    """Return what the read-aloud button says for a tile: "Ana, the blue cat"."""
    return _("%(name)s, the %(colour)s %(animal)s") % {
        "name": name,
        "colour": AvatarColour(login.colour).label,
        "animal": Animal(login.animal).label,
    }


def _device_resting(request: HttpRequest, classroom: Classroom | None) -> HttpResponse:
    return render(
        request,
        "accounts/picture_resting.html",
        {"classroom": classroom},
        status=429,
    )


@login_not_required
@require_http_methods(["GET"])
def picture_login(request: HttpRequest, token: str) -> HttpResponse:
    """Show the class's students as big tiles to tap."""
    classroom = _classroom_or_404(token)
    if device_is_locked(Device.of(request)):
        return _device_resting(request, classroom)
    students = list(classroom.students.select_related("user"))
    logins = ensure_student_logins(classroom)
    names = build_tile_names(students)
    tiles = [
        {
            "student": student,
            "login": logins[student.pk],
            "name": names[student.pk],
            "words": _avatar_words(logins[student.pk], names[student.pk]),
            "can_sign_in": student.user_id is not None
            and student.user.is_active  # type: ignore[union-attr]
            and logins[student.pk].has_picture_password
            and not logins[student.pk].is_locked(),
        }
        for student in students
    ]
    response = render(
        request,
        "accounts/picture_login.html",
        {"classroom": classroom, "token": token, "tiles": tiles},
    )
    return _with_device_cookie(request, response)


def _sequence(request: HttpRequest) -> list[str]:
    """Return the pictures tapped so far, plus the one just tapped."""
    so_far = [
        picture
        for picture in request.POST.get("so_far", "").split()
        if picture in Picture.values
    ][: PICTURE_PASSWORD_LENGTH - 1]
    tapped = request.POST.get("picture", "")
    if tapped in Picture.values:
        so_far.append(tapped)
    return so_far


@login_not_required
@require_http_methods(["GET", "POST"])
def picture_password(request: HttpRequest, token: str, student_id: int) -> HttpResponse:
    """Let a student tap their pictures in order, then sign them in."""
    classroom = _classroom_or_404(token)
    student = classroom.students.select_related("user").filter(pk=student_id).first()
    if student is None:
        raise Http404("This student is not in this class.")
    device = Device.of(request)
    if device_is_locked(device):
        return _device_resting(request, classroom)
    login_row = ensure_student_logins(classroom)[student.pk]
    name = build_tile_names(list(classroom.students.all()))[student.pk]
    context: dict[str, object] = {
        "classroom": classroom,
        "token": token,
        "student": student,
        "login": login_row,
        "name": name,
        "words": _avatar_words(login_row, name),
        "pictures": [(value, label) for value, label in Picture.choices],
        "length": PICTURE_PASSWORD_LENGTH,
        "dot_range": range(PICTURE_PASSWORD_LENGTH),
        "so_far": [],
        "problem": "",
    }
    usable = student.user is not None and student.user.is_active
    if not usable or not login_row.has_picture_password:
        context["problem"] = "no_password"
    elif login_row.is_locked():
        context["problem"] = "locked"
    elif request.method == "POST" and "restart" not in request.POST:
        sequence = _sequence(request)
        if len(sequence) < PICTURE_PASSWORD_LENGTH:
            context["so_far"] = sequence
        else:
            result = try_picture_password(login_row, sequence, device)
            if result.outcome == Outcome.SIGNED_IN:
                login(request, student.user, backend=MODEL_BACKEND)
                start_shared_device_session(request, token)
                return redirect("home")
            if result.outcome == Outcome.DEVICE_LOCKED:
                return _device_resting(request, classroom)
            context["problem"] = {
                Outcome.WRONG: "wrong",
                Outcome.STUDENT_LOCKED: "locked",
                Outcome.NO_PASSWORD: "no_password",
            }[result.outcome]
            context["tries_left"] = result.tries_left
    status = 200 if context["problem"] in ("", "wrong") else 403
    response = render(request, "accounts/picture_password.html", context, status=status)
    return _with_device_cookie(request, response)


@login_not_required
@require_http_methods(["GET", "POST"])
def badge_login(request: HttpRequest, token: str) -> HttpResponse:
    """Sign a student in from the QR code of their badge, after one tap."""
    device = Device.of(request)
    if device_is_locked(device):
        return _device_resting(request, None)
    login_row = read_badge(token, device)
    if login_row is None:
        return render(request, "accounts/badge_unknown.html", status=404)
    student = login_row.student
    if request.method == "POST":
        record_badge_sign_in(login_row, device)
        login(request, student.user, backend=MODEL_BACKEND)
        if student.classroom is not None:
            start_shared_device_session(
                request, get_class_login(student.classroom).token
            )
        else:
            request.session.set_expiry(0)
        return redirect("home")
    response = render(
        request,
        "accounts/badge_login.html",
        {
            "student": student,
            "login": login_row,
            "name": student.first_name,
            "words": _avatar_words(login_row, student.first_name),
        },
    )
    return _with_device_cookie(request, response)
