"""What each person may see, decided in one place.

Every view that shows students or classrooms starts from these querysets, so a
teacher never sees another class's students and a family never sees another
family's child. Anything outside a person's scope is simply not found.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from coplanner.accounts.roles import Role, get_role
from coplanner.roster.models import Classroom, School, Student

User = AbstractBaseUser | AnonymousUser


def access_schools(user: User) -> QuerySet[School]:
    """Return the schools whose staff the person belongs to."""
    if get_role(user) in (Role.LEADER, Role.COACH, Role.TEACHER):
        return School.objects.filter(staff__user=user)
    return School.objects.none()


def access_classrooms(user: User) -> QuerySet[Classroom]:
    """Return the classrooms the person may open."""
    role = get_role(user)
    if role == Role.LEADER:
        return Classroom.objects.filter(school__staff__user=user)
    if role in (Role.COACH, Role.TEACHER):
        return Classroom.objects.filter(
            Q(teachers__user=user) | Q(coach__user=user)
        ).distinct()
    return Classroom.objects.none()


def access_students(user: User) -> QuerySet[Student]:
    """Return the students whose plans and progress the person may see."""
    role = get_role(user)
    if role == Role.LEADER:
        return Student.objects.filter(school__staff__user=user)
    if role in (Role.COACH, Role.TEACHER):
        return Student.objects.filter(classroom__in=access_classrooms(user))
    if role == Role.STUDENT:
        return Student.objects.filter(user=user)
    if role == Role.GUARDIAN:
        return Student.objects.filter(guardians__user=user)
    return Student.objects.none()


def access_adults(user: User) -> QuerySet[AbstractBaseUser]:
    """Return the adults' accounts a school leader looks after.

    They are the staff of the leader's schools and the families of those
    schools' students; anyone else has no one to look after.
    """
    if get_role(user) != Role.LEADER:
        return get_user_model().objects.none()
    schools = School.objects.filter(staff__user=user)
    return (
        get_user_model()
        .objects.filter(
            Q(staff__school__in=schools) | Q(guardian__children__school__in=schools)
        )
        .distinct()
    )
