"""How people sign in: picture logins on a class's shared device, adult accounts.

A **class picture login** is a page on the classroom's shared tablet, reached
through a secret link the teacher can replace at any time. A student taps
their avatar tile, then their **picture password** (a few pictures in order),
which the teacher chose and which is kept only as a hash. A **badge** is a
printed card whose QR code logs one student in; printing new badges makes the
old ones stop working.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coplanner.accounts.pictures import Animal, AvatarColour
from coplanner.roster.models import Classroom, Student


class ClassroomLogin(models.Model):
    """The secret link to a classroom's picture-login page."""

    classroom = models.OneToOneField(
        Classroom, on_delete=models.CASCADE, related_name="picture_login"
    )
    token = models.CharField(max_length=64, unique=True)
    token_created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Picture login of {self.classroom}"


class StudentLogin(models.Model):
    """A student's avatar, hashed picture password, lock and badge version."""

    student = models.OneToOneField(
        Student, on_delete=models.CASCADE, related_name="picture_login"
    )
    animal = models.CharField(max_length=16, choices=Animal.choices)
    colour = models.CharField(max_length=16, choices=AvatarColour.choices)
    # A Django password hash of the pictures in order; empty when none is set.
    picture_password = models.CharField(max_length=256, blank=True)
    picture_password_set_at = models.DateTimeField(null=True, blank=True)
    # Wrong picture passwords since the last right one or the last unlock.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Signed into every badge; printing new badges moves it on, so the old
    # badges no longer match. 0 means no badge was ever printed.
    badge_version = models.PositiveIntegerField(default=0)
    badge_printed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Picture login of student {self.student_id}"

    @property
    def has_picture_password(self) -> bool:
        return bool(self.picture_password)

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class AttemptKind(models.TextChoices):
    PICTURES = "pictures", _("Picture password")
    BADGE = "badge", _("Badge")


class LoginAttempt(models.Model):
    """One picture-password or badge try on a shared device.

    Failures are counted per student, per device and per network address to
    slow down guessing; a teacher's unlock forgives them.
    """

    kind = models.CharField(max_length=16, choices=AttemptKind.choices)
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # A random id the picture-login page keeps in a cookie on the device.
    device = models.CharField(max_length=64, blank=True)
    succeeded = models.BooleanField()
    forgiven = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["device", "at"],
                name="attempt_failed_by_device",
                condition=Q(succeeded=False, forgiven=False),
            ),
            models.Index(
                fields=["ip_address", "at"],
                name="attempt_failed_by_ip",
                condition=Q(succeeded=False, forgiven=False),
            ),
        ]

    def __str__(self) -> str:
        outcome = "succeeded" if self.succeeded else "failed"
        return f"{self.kind} attempt {outcome} at {self.at:%Y-%m-%d %H:%M}"


class AccountState(models.Model):
    """What an adult's account still needs: a new password after a reset."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    must_change_password = models.BooleanField(default=False)
    password_reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    password_reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Account state of user {self.user_id}"
