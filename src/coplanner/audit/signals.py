"""Permission changes caught where they happen, whoever makes them.

A person's role groups, a classroom's teachers and coach, and a family's
children decide who sees which child (see ``accounts/access.py``), so every
change to them is audited, whether it comes from our pages, the admin, an
import or the shell. The person acting is the one of the request (see
``middleware.py``) or of ``acting_as``; rows written raw by a restore are
not changes anyone made and are skipped.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save

from coplanner.audit.actions import record
from coplanner.audit.models import AuditAction
from coplanner.roster.models import Classroom, Guardian, Staff, Student

_CHANGES = {"post_add": "added", "post_remove": "removed", "post_clear": "removed"}


def school_of_user(user_id: int) -> int | None:
    """Return the school a person belongs to: as staff, student or family."""
    school = Staff.objects.filter(user_id=user_id).values_list("school_id", flat=True)
    school = school.first() or (
        Student.objects.filter(user_id=user_id)
        .values_list("school_id", flat=True)
        .first()
    )
    return school or (
        Student.objects.filter(guardians__user_id=user_id)
        .values_list("school_id", flat=True)
        .first()
    )


def _pk_set(
    action: str, instance: Any, pk_set: set[int] | None, attribute: str
) -> list[int]:
    if action == "pre_clear":
        # After the clear the set is gone: remember what it held.
        instance._audit_cleared = sorted(
            getattr(instance, attribute).values_list("pk", flat=True)
        )
        return []
    if action == "post_clear":
        return list(getattr(instance, "_audit_cleared", []))
    return sorted(pk_set or ())


def on_groups_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Audit a change of someone's role groups, from either side."""
    attribute = "user_set" if reverse else "groups"
    ids = _pk_set(action, instance, pk_set, attribute)
    if action not in _CHANGES or not ids:
        return
    if reverse:
        pairs = [(user_id, [instance.name]) for user_id in ids]
    else:
        names = list(
            Group.objects.filter(pk__in=ids)
            .order_by("name")
            .values_list("name", flat=True)
        )
        pairs = [(instance.pk, names)]
    for user_id, groups in pairs:
        record(
            AuditAction.ROLE_GROUPS,
            by=None,
            object_type="user",
            object_id=user_id,
            school_id=school_of_user(user_id),
            changes={_CHANGES[action]: groups},
        )


def on_teachers_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Audit a change of a classroom's teachers, from either side."""
    attribute = "classrooms_taught" if reverse else "teachers"
    ids = _pk_set(action, instance, pk_set, attribute)
    if action not in _CHANGES or not ids:
        return
    pairs = [(pk, [instance.pk]) for pk in ids] if reverse else [(instance.pk, ids)]
    for classroom_id, staff_ids in pairs:
        school_id = (
            Classroom.objects.filter(pk=classroom_id)
            .values_list("school_id", flat=True)
            .first()
        )
        record(
            AuditAction.CLASSROOM_TEACHERS,
            by=None,
            object_type="classroom",
            object_id=classroom_id,
            school_id=school_id,
            changes={_CHANGES[action]: {"staff": staff_ids}},
        )


def on_children_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Audit a change of which children a family may see, from either side."""
    attribute = "guardians" if reverse else "children"
    ids = _pk_set(action, instance, pk_set, attribute)
    if action not in _CHANGES or not ids:
        return
    pairs = [(pk, [instance.pk]) for pk in ids] if reverse else [(instance.pk, ids)]
    for guardian_id, student_ids in pairs:
        schools = dict(
            Student.objects.filter(pk__in=student_ids).values_list("pk", "school_id")
        )
        for student_id in student_ids:
            record(
                AuditAction.GUARDIAN_CHILDREN,
                by=None,
                object_type="guardian",
                object_id=guardian_id,
                school_id=schools.get(student_id),
                student_id=student_id,
                changes={_CHANGES[action]: {"student": student_id}},
            )


def remember_coach(
    sender: Any, instance: Classroom, raw: bool = False, **kwargs: Any
) -> None:
    """Keep the coach a classroom had before this save."""
    if raw or instance.pk is None:
        instance._audit_coach_before = None
        return
    instance._audit_coach_before = (
        Classroom.objects.filter(pk=instance.pk)
        .values_list("coach_id", flat=True)
        .first()
    )


def on_classroom_saved(
    sender: Any, instance: Classroom, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """Audit a classroom's coach when it is set or changed."""
    if raw:
        return
    before = getattr(instance, "_audit_coach_before", None)
    if instance.coach_id == before:
        return
    record(
        AuditAction.CLASSROOM_COACH,
        by=None,
        object_type="classroom",
        object_id=instance.pk,
        school_id=instance.school_id,
        changes={"coach": [before, instance.coach_id]},
    )


def connect() -> None:
    """Connect the handlers; called once when the app is ready."""
    user_model = get_user_model()
    m2m_changed.connect(
        on_groups_changed, sender=user_model.groups.through, dispatch_uid="audit-groups"
    )
    m2m_changed.connect(
        on_teachers_changed,
        sender=Classroom.teachers.through,
        dispatch_uid="audit-teachers",
    )
    m2m_changed.connect(
        on_children_changed,
        sender=Guardian.children.through,
        dispatch_uid="audit-children",
    )
    pre_save.connect(
        remember_coach, sender=Classroom, dispatch_uid="audit-coach-before"
    )
    post_save.connect(on_classroom_saved, sender=Classroom, dispatch_uid="audit-coach")
