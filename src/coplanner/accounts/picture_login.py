"""Actions and queries of the class picture login and the QR badges.

A picture password is short, so guessing is slowed down in three places: a
student's tile locks after a few wrong tries in a row, and a device or a
network address that fails too often in a short time must wait. A teacher's
unlock forgives the failures. The limits are constants here, not settings,
because a school has no reason to change them.

A picture password of 3 of 9 pictures has only 729 orders, so its hash alone
would not stand up to someone holding a copy of the database: the locks are
what protect it, and the class link and badges are what keep strangers out.
"""

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from axes.helpers import get_client_ip_address
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from coplanner.accounts.models import (
    AttemptKind,
    ClassroomLogin,
    LoginAttempt,
    StudentLogin,
)
from coplanner.accounts.pictures import (
    PICTURE_PASSWORD_LENGTH,
    Picture,
    avatar_pairs,
)
from coplanner.roster.models import Classroom, Student

logger = logging.getLogger(__name__)

# Wrong picture passwords in a row before a student's tile locks.
STUDENT_FAILURE_LIMIT = 5
# How long a locked tile stays locked when no teacher unlocks it.
STUDENT_LOCK_MINUTES = 15
# Failures counted per device and per network address over this window.
DEVICE_WINDOW_MINUTES = 15
# A class of 25 on one tablet fails now and then; a guesser fails often.
DEVICE_FAILURE_LIMIT = 15
# A whole school may share one address, so it gets more room than a device.
IP_FAILURE_LIMIT = 60

# The cookie that tells one shared device from another.
DEVICE_COOKIE = "coplanner_device"
DEVICE_COOKIE_DAYS = 365

BADGE_SALT = "coplanner.accounts.badge"


class PictureLoginError(ValueError):
    """A picture password that cannot be set, with a message saying why."""


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    STUDENT_LOCKED = "student_locked"
    DEVICE_LOCKED = "device_locked"
    NO_PASSWORD = "no_password"


@dataclass(frozen=True)
class AttemptResult:
    outcome: Outcome
    # Tries left before the tile locks, after a wrong picture password.
    tries_left: int = 0


@dataclass(frozen=True)
class Device:
    """Where a try comes from: the device cookie and the network address."""

    ip_address: str | None
    device: str

    @classmethod
    def of(cls, request: HttpRequest) -> "Device":
        return cls(
            ip_address=get_client_ip_address(request),
            device=request.COOKIES.get(DEVICE_COOKIE, "")[:64],
        )


def new_device_id() -> str:
    """Return a fresh random id for a shared device's cookie."""
    return secrets.token_urlsafe(16)


# The class link ------------------------------------------------------------


def get_class_login(classroom: Classroom) -> ClassroomLogin:
    """Return the classroom's picture-login link, making one the first time."""
    login, _created = ClassroomLogin.objects.get_or_create(
        classroom=classroom, defaults={"token": secrets.token_urlsafe(24)}
    )
    return login


def renew_class_token(classroom: Classroom) -> ClassroomLogin:
    """Give the classroom a new secret link; the old one stops working at once."""
    login = get_class_login(classroom)
    login.token = secrets.token_urlsafe(24)
    login.token_created_at = timezone.now()
    login.save(update_fields=["token", "token_created_at"])
    logger.info("Renewed the picture-login link of classroom %s", classroom.pk)
    return login


def get_classroom_by_token(token: str) -> Classroom | None:
    """Return the classroom whose picture-login link holds ``token``."""
    login = (
        ClassroomLogin.objects.filter(token=token).select_related("classroom").first()
    )
    return login.classroom if login else None


# Avatars and picture passwords --------------------------------------------


@transaction.atomic
def ensure_student_logins(classroom: Classroom) -> dict[int, StudentLogin]:
    """Return the picture login of every student of the class, by student id.

    A student who has none yet gets an avatar no classmate has, so every tile
    of the class looks different.
    """
    students = list(classroom.students.order_by("pk"))
    existing = {
        login.student_id: login
        for login in StudentLogin.objects.filter(student__in=students)
    }
    taken = {(login.animal, login.colour) for login in existing.values()}
    free = (pair for pair in avatar_pairs() if pair not in taken)
    missing = []
    for student in students:
        if student.pk in existing:
            continue
        # A class bigger than all the pairs starts the pairs again.
        animal, colour = (
            next(free, None) or avatar_pairs()[student.pk % len(avatar_pairs())]
        )
        missing.append(StudentLogin(student=student, animal=animal, colour=colour))
    for login in StudentLogin.objects.bulk_create(missing):
        existing[login.student_id] = login
    return existing


def build_tile_names(students: Sequence[Student]) -> dict[int, str]:
    """Return the name on each student's tile and badge, by student id.

    It is the first name, with the last name's initial when two students of
    the class share a first name.
    """
    firsts = [student.first_name for student in students]
    return {
        student.pk: (
            f"{student.first_name} {student.last_name[:1]}."
            if firsts.count(student.first_name) > 1 and student.last_name
            else student.first_name
        )
        for student in students
    }


def _password_text(pictures: Sequence[str]) -> str:
    return " ".join(pictures)


def check_pictures(pictures: Sequence[str]) -> list[str]:
    """Return ``pictures`` as a valid picture password, or raise PictureLoginError."""
    pictures = [str(picture) for picture in pictures]
    if len(pictures) != PICTURE_PASSWORD_LENGTH:
        raise PictureLoginError(
            _("Choose %(count)d pictures, one in each row.")
            % {"count": PICTURE_PASSWORD_LENGTH}
        )
    unknown = [picture for picture in pictures if picture not in Picture.values]
    if unknown:
        raise PictureLoginError(
            _("Choose each picture from the pictures shown; “%(name)s” is not one.")
            % {"name": unknown[0]}
        )
    return pictures


def choose_random_pictures() -> list[str]:
    """Return a random picture password with no picture twice, easy to remember."""
    pool = list(Picture.values)
    chosen = []
    for _index in range(PICTURE_PASSWORD_LENGTH):
        chosen.append(pool.pop(secrets.randbelow(len(pool))))
    return chosen


def record_picture_password(
    login: StudentLogin, pictures: Sequence[str], password_hash: str | None = None
) -> None:
    """Set a student's picture password (kept only as a hash) and unlock the tile.

    ``password_hash`` lets a caller that sets the same pictures for many
    students hash them once.
    """
    pictures = check_pictures(pictures)
    login.picture_password = password_hash or make_password(_password_text(pictures))
    login.picture_password_set_at = timezone.now()
    login.failed_attempts = 0
    login.locked_until = None
    login.save(
        update_fields=[
            "picture_password",
            "picture_password_set_at",
            "failed_attempts",
            "locked_until",
        ]
    )
    logger.info("Set the picture password of student %s", login.student_id)


def hash_pictures(pictures: Sequence[str]) -> str:
    """Return the password hash of a picture password."""
    return make_password(_password_text(check_pictures(pictures)))


# Tries and locks -----------------------------------------------------------


def _recent_failures(since_minutes: int) -> QuerySet[LoginAttempt]:
    return LoginAttempt.objects.filter(
        succeeded=False,
        forgiven=False,
        at__gte=timezone.now() - timedelta(minutes=since_minutes),
    )


def device_is_locked(device: Device) -> bool:
    """Return whether the device, or its network address, failed too often lately."""
    recent = _recent_failures(DEVICE_WINDOW_MINUTES)
    if device.device and (
        recent.filter(device=device.device).count() >= DEVICE_FAILURE_LIMIT
    ):
        return True
    return bool(
        device.ip_address
        and recent.filter(ip_address=device.ip_address).count() >= IP_FAILURE_LIMIT
    )


# TODO: attempts are kept for ever; delete those older than a few weeks (a
# periodic job) once the school's data-retention rules say how long.
def _record_attempt(
    kind: str,
    device: Device,
    succeeded: bool,
    classroom: Classroom | None = None,
    student: Student | None = None,
) -> None:
    LoginAttempt.objects.create(
        kind=kind,
        classroom=classroom,
        student=student,
        ip_address=device.ip_address,
        device=device.device,
        succeeded=succeeded,
    )


def try_picture_password(
    login: StudentLogin, pictures: Sequence[str], device: Device
) -> AttemptResult:
    """Check a picture password typed on a shared device and count a failure.

    The caller signs the student in when the outcome is ``SIGNED_IN``.
    """
    student = login.student
    if device_is_locked(device):
        return AttemptResult(Outcome.DEVICE_LOCKED)
    if not login.has_picture_password:
        return AttemptResult(Outcome.NO_PASSWORD)
    with transaction.atomic():
        login = StudentLogin.objects.select_for_update().get(pk=login.pk)
        now = timezone.now()
        if login.locked_until is not None and login.locked_until <= now:
            # The lock ran out: the tile starts afresh.
            login.locked_until = None
            login.failed_attempts = 0
        if login.is_locked():
            return AttemptResult(Outcome.STUDENT_LOCKED)
        right = check_password(_password_text(pictures), login.picture_password)
        _record_attempt(AttemptKind.PICTURES, device, right, student.classroom, student)
        if right:
            login.failed_attempts = 0
            login.save(update_fields=["failed_attempts", "locked_until"])
            logger.info("Student %s signed in with pictures", student.pk)
            return AttemptResult(Outcome.SIGNED_IN)
        login.failed_attempts += 1
        if login.failed_attempts >= STUDENT_FAILURE_LIMIT:
            login.locked_until = now + timedelta(minutes=STUDENT_LOCK_MINUTES)
            logger.warning(
                "Locked the picture login of student %s after %s wrong tries",
                student.pk,
                login.failed_attempts,
            )
        login.save(update_fields=["failed_attempts", "locked_until"])
    if login.is_locked():
        return AttemptResult(Outcome.STUDENT_LOCKED)
    return AttemptResult(
        Outcome.WRONG, tries_left=STUDENT_FAILURE_LIMIT - login.failed_attempts
    )


def unlock_student(login: StudentLogin) -> None:
    """Unlock a student's tile and forgive their wrong tries."""
    with transaction.atomic():
        StudentLogin.objects.filter(pk=login.pk).update(
            failed_attempts=0, locked_until=None
        )
        LoginAttempt.objects.filter(
            student_id=login.student_id, succeeded=False
        ).update(forgiven=True)
    login.failed_attempts = 0
    login.locked_until = None
    logger.info("Unlocked the picture login of student %s", login.student_id)


def unlock_classroom(classroom: Classroom) -> int:
    """Unlock every tile of the class and its shared device; return tiles unlocked."""
    with transaction.atomic():
        unlocked = StudentLogin.objects.filter(
            student__classroom=classroom, locked_until__gt=timezone.now()
        ).count()
        StudentLogin.objects.filter(student__classroom=classroom).update(
            failed_attempts=0, locked_until=None
        )
        LoginAttempt.objects.filter(
            classroom=classroom, succeeded=False, forgiven=False
        ).update(forgiven=True)
    logger.info("Unlocked the picture login of classroom %s", classroom.pk)
    return unlocked


# Badges --------------------------------------------------------------------


def build_badge_token(login: StudentLogin) -> str:
    """Return the signed token a badge's QR code carries for this student."""
    return signing.Signer(salt=BADGE_SALT).sign(
        f"{login.student_id}.{login.badge_version}"
    )


# TODO: reprint one lost badge without revoking the whole class's badges.
def renew_badges(classroom: Classroom) -> list[tuple[Student, StudentLogin]]:
    """Move every badge of the class to a new version, so old badges stop working.

    Returns the students with an account, in name order, with their logins.
    """
    logins = ensure_student_logins(classroom)
    now = timezone.now()
    students = [
        student
        for student in classroom.students.order_by("first_name", "last_name")
        if student.user_id is not None
    ]
    with transaction.atomic():
        for student in students:
            login = logins[student.pk]
            login.badge_version += 1
            login.badge_printed_at = now
            login.save(update_fields=["badge_version", "badge_printed_at"])
    logger.info("Printed %s new badges for classroom %s", len(students), classroom.pk)
    return [(student, logins[student.pk]) for student in students]


# TODO: a badge works on any device its QR code is scanned on; tie it to the
# class's devices (the device cookie) if schools ask for it.
def read_badge(token: str, device: Device) -> StudentLogin | None:
    """Return the student login a badge token stands for, or None.

    A forged, damaged or replaced badge counts as a failure of the device.
    """
    login = None
    try:
        value = signing.Signer(salt=BADGE_SALT).unsign(token)
        student_id, version = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        student_id, version = 0, -1
    if student_id:
        login = (
            StudentLogin.objects.select_related("student__classroom", "student__user")
            .filter(student_id=student_id, badge_version=version)
            .exclude(badge_version=0)
            .first()
        )
    if login is None or login.student.user_id is None:
        _record_attempt(AttemptKind.BADGE, device, succeeded=False)
        logger.warning("A badge that does not work was scanned")
        return None
    return login


def record_badge_sign_in(login: StudentLogin, device: Device) -> None:
    """Note that a student signed in with their badge."""
    _record_attempt(
        AttemptKind.BADGE, device, True, login.student.classroom, login.student
    )
    logger.info("Student %s signed in with a badge", login.student_id)


# The demo school ------------------------------------------------------------

# Every demo student taps these, so a visitor can try the class tablet.
DEMO_PICTURES = ("sun", "tree", "boat")


def record_demo_picture_logins(classrooms: Sequence[Classroom]) -> dict[int, str]:
    """Give every demo student the demo pictures; return each class's link token.

    The pictures are hashed once for all, as the demo's shared password is.
    """
    password_hash = hash_pictures(DEMO_PICTURES)
    tokens = {}
    for classroom in classrooms:
        ensure_student_logins(classroom)
        tokens[classroom.pk] = get_class_login(classroom).token
    StudentLogin.objects.filter(student__classroom__in=classrooms).update(
        picture_password=password_hash,
        picture_password_set_at=timezone.now(),
        failed_attempts=0,
        locked_until=None,
    )
    logger.info("Set the demo pictures in %s classrooms", len(classrooms))
    return tokens
