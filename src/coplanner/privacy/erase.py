"""Erasing a student, or a whole school, for good.

Erasing a student removes every row about them (see `rows`): evidence and
estimates, every answer they gave, their plans with versions, slots,
conferences and requests, their family links, calendar links and their user
account with its sessions. What stays is what others did: a classmate's plan
that changed because of the student's request keeps its version, with the
student's name already written as "a classmate". The audit log keeps its
entries about the student with ids only, marked erased, so that the record
of who did what is never lost. The family's own account stays, since a
parent is a person of their own. TODO: offer to erase a family account that
is left without children.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q

from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction, AuditEntry
from coplanner.planning.models import Request
from coplanner.privacy.rows import (
    Model,
    chunks,
    data_models,
    get_school_rows,
    get_student_rows,
)
from coplanner.roster.models import School, Student

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErasedStudent:
    """What erasing a student removed, counted by kind of row."""

    student_id: int
    removed: dict[str, int]
    audit_entries_marked: int

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def _delete_rows(owned: dict[Model, set[int]]) -> dict[str, int]:
    """Delete the rows, dependents before what they depend on."""
    removed: dict[str, int] = {}
    for model in reversed(data_models()):
        for batch in chunks(sorted(owned.get(model, ()))):
            _total, per_model = model._base_manager.filter(pk__in=batch).delete()
            for name, count in per_model.items():
                if count:
                    removed[name.lower()] = removed.get(name.lower(), 0) + count
    return removed


def _forget_sign_ins(user_ids: set[int], usernames: set[str]) -> None:
    """Remove the sessions of these accounts and any log of their sign-ins.

    Sign-in logs of other apps (such as failed attempts kept against
    guessing) are found by their ``username`` column.
    """
    if not user_ids:
        return
    wanted = {str(pk) for pk in user_ids}
    stale = [
        session.pk
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") in wanted
    ]
    Session.objects.filter(pk__in=stale).delete()
    ours = set(data_models())
    for model in apps.get_models():
        if model in ours:
            continue
        names = {column.name for column in model._meta.concrete_fields}
        if "username" in names and usernames:
            model._base_manager.filter(username__in=sorted(usernames)).delete()


def _scrub_requests(student_id: int, school_id: int) -> None:
    """Take the student's id out of classmates' requests that moved them."""
    requests = Request.objects.filter(
        conference__plan__student__school_id=school_id,
        details__others__isnull=False,
    )
    for request in requests:
        others = request.details.get("others") or []
        if not any(other.get("student") == student_id for other in others):
            continue
        request.details["others"] = [
            {**other, "student": None} if other.get("student") == student_id else other
            for other in others
        ]
        request.save(update_fields=["details"])


def erase_student(student: Student, by: AbstractBaseUser | None) -> ErasedStudent:
    """Remove every row about the student for good, in one transaction.

    The audit entries about the student (or made with their account) stay
    with ids only and are marked erased; one more entry records the erasure.
    """
    student_id, school_id, user_id = student.pk, student.school_id, student.user_id
    user_model = get_user_model()
    with transaction.atomic():
        rows = get_student_rows(student)
        usernames = set(
            user_model._base_manager.filter(
                pk__in=rows.owned.get(user_model, set())
            ).values_list("username", flat=True)
        )
        _forget_sign_ins(rows.owned.get(user_model, set()), usernames)
        _scrub_requests(student_id, school_id)
        removed = _delete_rows(rows.owned)
        audit.record(
            AuditAction.STUDENT_ERASED,
            by=by,
            object_type="student",
            object_id=student_id,
            school_id=school_id,
            student_id=student_id,
            changes={"rows": sum(removed.values()), "tables": len(removed)},
        )
        about = Q(student_id=student_id)
        if user_id is not None:
            about |= Q(user_id=user_id)
        marked = AuditEntry.objects.filter(about).update(erased=True)
    logger.info(
        "Erased student %s of school %s: %s rows, %s audit entries marked",
        student_id,
        school_id,
        sum(removed.values()),
        marked,
    )
    return ErasedStudent(student_id, removed, marked)


def erase_school(school: School) -> dict[str, int]:
    """Remove a school with its people's accounts, keeping its audit log.

    Skills, subjects and role groups stay, since other schools share them.
    A restore of the school's backup brings everything back.
    """
    with transaction.atomic():
        rows = get_school_rows(school)
        owned = {
            model: ids for model, ids in rows.owned.items() if model is not AuditEntry
        }
        user_model = get_user_model()
        usernames = set(
            user_model._base_manager.filter(
                pk__in=owned.get(user_model, set())
            ).values_list("username", flat=True)
        )
        _forget_sign_ins(owned.get(user_model, set()), usernames)
        removed = _delete_rows(owned)
    logger.info("Erased school %s: %s rows", school.pk, sum(removed.values()))
    return removed


def describe_removal(student: Student) -> list[tuple[str, int]]:
    """Say what erasing the student would remove: kind of row and count."""
    rows = get_student_rows(student)
    return [
        (str(model._meta.verbose_name_plural), len(ids))
        for model in data_models()
        if (ids := rows.owned.get(model))
    ]
