"""The five roles of coplanner, held as Django auth groups."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADER = "leader", _("School leader")
    COACH = "coach", _("Coach")
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Family")


def ensure_role_groups() -> dict[str, Group]:
    """Create the role groups that are missing and return all of them by role."""
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}


def get_role(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """Return the role of a signed-in person, or None for someone without one.

    A person in several role groups (a teacher who also coaches) gets the
    first in the order of ``Role``, which is the one with the widest view.
    """
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_coplanner_role", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    role = next((Role(value) for value in Role.values if value in names), None)
    user._coplanner_role = role  # type: ignore[union-attr]
    return role
