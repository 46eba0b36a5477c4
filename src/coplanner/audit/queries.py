"""Reading the audit log for a school leader, with names where they may see them.

The log itself holds ids only. Names are put in here, for the page alone,
and only for people and students the reader may see (their own school);
an erased student stays an id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coplanner.accounts.access import User, access_students
from coplanner.audit.models import AuditAction, AuditEntry
from coplanner.roster.models import Guardian, School, Staff, Student

ENTRIES_PER_PAGE = 50

# The kinds a reader can filter by: the part of an action before the dot.
KINDS = {
    "plan": gettext_lazy("Plans and conferences"),
    "conference": gettext_lazy("Conferences"),
    "voice": gettext_lazy("Student voice"),
    "mastery": gettext_lazy("Mastery"),
    "access": gettext_lazy("Who sees what"),
    "handouts": gettext_lazy("Calendar links"),
    "privacy": gettext_lazy("Exports and erasures"),
}


@dataclass(frozen=True)
class Line:
    """One audit entry as the page shows it."""

    entry: AuditEntry
    action: str
    who: str
    student: str
    changes: str


@dataclass(frozen=True)
class AuditLog:
    school: School
    page: Page[AuditEntry]
    lines: list[Line]
    students: list[tuple[int, str]]
    people: list[tuple[int, str]]
    kinds: list[tuple[str, str]]


def _school_people(school: School) -> dict[int, str]:
    """Return the names of the school's people by user id."""
    user_model = get_user_model()
    ids = (
        set(Staff.objects.filter(school=school).values_list("user_id", flat=True))
        | set(
            Student.objects.filter(school=school, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        | set(
            Guardian.objects.filter(children__school=school).values_list(
                "user_id", flat=True
            )
        )
    )
    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in user_model.objects.filter(pk__in=ids)
    }


def get_audit_log(
    school: School,
    reader: User,
    *,
    student: int | None = None,
    person: int | None = None,
    kind: str | None = None,
    page: str | int | None = 1,
) -> AuditLog:
    """Return a page of a school's audit entries, newest first, filtered."""
    entries: QuerySet[AuditEntry] = AuditEntry.objects.filter(school_id=school.pk)
    if student is not None:
        entries = entries.filter(student_id=student)
    if person is not None:
        entries = entries.filter(Q(user_id=person))
    if kind in KINDS:
        entries = entries.filter(action__startswith=f"{kind}.")
    shown = Paginator(entries.order_by("-at", "-pk"), ENTRIES_PER_PAGE).get_page(page)

    students = {
        row.pk: row.display_name
        for row in access_students(reader).filter(school=school)
    }
    people = _school_people(school)
    labels = dict(AuditAction.choices)
    lines = [
        Line(
            entry=entry,
            action=str(labels.get(entry.action, entry.action)),
            who=_who(entry, people),
            student=_student(entry, students),
            changes=json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
        )
        for entry in shown.object_list
    ]
    return AuditLog(
        school=school,
        page=shown,
        lines=lines,
        students=sorted(students.items(), key=lambda item: item[1]),
        people=sorted(people.items(), key=lambda item: item[1]),
        kinds=list(KINDS.items()),
    )


def _who(entry: AuditEntry, people: dict[int, str]) -> str:
    if entry.user_id is None:
        return _("The planner or a command")
    if entry.user_id in people:
        return people[entry.user_id]
    return _("Person #%(id)s") % {"id": entry.user_id}


def _student(entry: AuditEntry, students: dict[int, str]) -> str:
    if entry.student_id is None:
        return ""
    if entry.erased:
        return _("Erased student #%(id)s") % {"id": entry.student_id}
    return students.get(entry.student_id) or _("Student #%(id)s") % {
        "id": entry.student_id
    }
