"""Writing the audit log: the one function every write path calls."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from coplanner.accounts.roles import get_role
from coplanner.audit.models import AuditEntry

# The longest string an entry may hold: codes and ids, never sentences.
LONGEST_CODE = 64

# Who is acting in this request or command, for changes caught by signals
# (role groups, a classroom's staff), which do not say who made them.
_acting_user: contextvars.ContextVar[AbstractBaseUser | None] = contextvars.ContextVar(
    "coplanner_audit_user", default=None
)


@contextmanager
def acting_as(user: AbstractBaseUser | AnonymousUser | None) -> Iterator[None]:
    """Attribute the changes made inside the block to ``user``."""
    person = (
        user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None
    )
    token = _acting_user.set(person)
    try:
        yield
    finally:
        _acting_user.reset(token)


def acting_user() -> AbstractBaseUser | None:
    """Return the person acting in this request or command, if one is known."""
    return _acting_user.get()


def _check_codes(value: Any, path: str = "changes") -> None:
    """Refuse anything that looks like free text rather than ids and codes."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _check_codes(key, path)
            _check_codes(inner, f"{path}.{key}")
    elif isinstance(value, list | tuple | set | frozenset):
        for inner in value:
            _check_codes(inner, path)
    elif isinstance(value, str):
        if len(value) > LONGEST_CODE:
            raise ValueError(
                f"The audit log holds ids and codes, not text: {path} is "
                f"{len(value)} characters long. Record that it changed instead."
            )
    elif value is not None and not isinstance(value, bool | int | float):
        raise ValueError(f"The audit log holds plain values: {path} is {type(value)}.")


def record(
    action: str,
    *,
    by: AbstractBaseUser | AnonymousUser | None,
    object_type: str,
    object_id: int | None = None,
    school_id: int | None = None,
    student_id: int | None = None,
    from_version: int | None = None,
    to_version: int | None = None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry; call it inside the transaction of the change.

    ``by`` is the person who made the change, or None for the planner and
    commands run without one (then the person acting in the request, if any,
    is used). ``changes`` holds ids and codes only: a student's words are
    recorded as ``"changed"``, never as text; a longer string raises
    ``ValueError`` so that a slip fails in tests, not in the log.
    """
    person = by if by is not None and by.is_authenticated else acting_user()
    payload = dict(changes or {})
    _check_codes(payload)
    role = get_role(person) if person is not None else None
    return AuditEntry.objects.create(
        user_id=person.pk if person is not None else None,
        role=role.value if role is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        school_id=school_id,
        student_id=student_id,
        from_version=from_version,
        to_version=to_version,
        changes=payload,
    )
