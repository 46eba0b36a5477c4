"""Which rows belong to a school or a student, found from the models alone.

A row belongs to a school when it is the school, or when it has a foreign
key with ``on_delete=CASCADE`` to a row that belongs to it: a staff member,
a classroom, a student, then the student's plans, their versions, slots,
evidence, answers and so on down. The people of the school bring their user
accounts (and each account's own rows, such as its role groups); a family
comes in through its link to a child of the school. Rows that the school's
rows point to but do not own (skills, subjects, role groups, the user who
made a change) come along as references, so that a backup restores into an
empty database. A model added later is covered by the same rule: nothing
here lists the models.

The data models are every model of coplanner's own apps (many-to-many
tables included) and Django's users and groups with the table that joins
them. Sessions, the admin's log, content types and permissions are
Django's housekeeping and are left out. TODO: back up permissions given to
one account directly (``user_permissions``); coplanner grants none, roles
are groups, but an administrator may have added some in the admin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q

from coplanner.audit.models import AuditEntry
from coplanner.roster.models import Guardian, School, Staff, Student

Model = type[models.Model]

# Ids per query: well under every database's limit of bound parameters.
CHUNK = 500


def data_models() -> list[Model]:
    """Return every model whose rows are school data, in dependency order.

    A model comes after the models its foreign keys point to (cycles, which
    only nullable keys can make, are broken in name order), so rows can be
    written in this order and deleted in the reverse one.
    """
    user_model = get_user_model()
    wanted: list[Model] = [user_model, Group, user_model.groups.through]
    for config in apps.get_app_configs():
        if config.name.startswith("coplanner."):
            wanted.extend(config.get_models(include_auto_created=True))
    return _in_dependency_order(wanted)


def label(model: Model) -> str:
    """Return the model's stable name in files: ``app_label.model_name``."""
    return model._meta.label_lower


def foreign_keys(model: Model) -> list[models.ForeignKey]:
    """Return the model's concrete foreign keys (one-to-one keys included)."""
    return [
        each
        for each in model._meta.concrete_fields
        if isinstance(each, models.ForeignKey)
    ]


def _in_dependency_order(wanted: list[Model]) -> list[Model]:
    known = set(wanted)
    needs = {
        model: {
            each.related_model
            for each in foreign_keys(model)
            if each.related_model in known and each.related_model is not model
        }
        for model in wanted
    }
    ordered: list[Model] = []
    placed: set[Model] = set()
    waiting = sorted(wanted, key=label)
    while waiting:
        ready = [model for model in waiting if needs[model] <= placed]
        if not ready:
            # A cycle through nullable keys: place the least blocked first.
            ready = [
                min(
                    waiting,
                    key=lambda model: (len(needs[model] - placed), label(model)),
                )
            ]
        for model in ready:
            ordered.append(model)
            placed.add(model)
        waiting = [model for model in waiting if model not in placed]
    return ordered


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    """Yield the ids in lists of at most ``size``."""
    batch: list[int] = []
    for each in ids:
        batch.append(each)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class RowSet:
    """Primary keys by model: the rows a school or a student owns, and the
    rows they only point to."""

    owned: dict[Model, set[int]] = field(default_factory=lambda: defaultdict(set))
    referenced: dict[Model, set[int]] = field(default_factory=lambda: defaultdict(set))

    def all(self) -> dict[Model, set[int]]:
        """Return owned and referenced rows together."""
        merged: dict[Model, set[int]] = defaultdict(set)
        for part in (self.owned, self.referenced):
            for model, ids in part.items():
                merged[model] |= ids
        return merged

    def count(self) -> int:
        return sum(len(ids) for ids in self.all().values())


def _cascading_children(universe: list[Model]) -> dict[Model, list[tuple[Model, str]]]:
    """Return, per model, the (model, key) pairs whose rows die with its rows."""
    children: dict[Model, list[tuple[Model, str]]] = defaultdict(list)
    for model in universe:
        for key in foreign_keys(model):
            if key.remote_field.on_delete is models.CASCADE:
                children[key.related_model].append((model, key.attname))
    return children


def _school_scoped(universe: list[Model]) -> set[Model]:
    """Return the models whose rows always belong to one school."""
    children = _cascading_children(universe)
    scoped: set[Model] = {School}
    frontier = [School]
    while frontier:
        parent = frontier.pop()
        for child, _key in children.get(parent, []):
            if child not in scoped:
                scoped.add(child)
                frontier.append(child)
    return scoped


def _expand_owned(
    rows: RowSet, start: dict[Model, set[int]], universe: list[Model]
) -> None:
    """Add to ``rows.owned`` the start rows and everything that cascades from them."""
    children = _cascading_children(universe)
    new: dict[Model, set[int]] = defaultdict(set)
    for model, ids in start.items():
        fresh = set(ids) - rows.owned[model]
        rows.owned[model] |= fresh
        new[model] |= fresh
    while new:
        parent, ids = new.popitem()
        for child, key in children.get(parent, []):
            found: set[int] = set()
            for batch in chunks(sorted(ids)):
                found.update(
                    child._base_manager.filter(**{f"{key}__in": batch}).values_list(
                        "pk", flat=True
                    )
                )
            fresh = found - rows.owned[child]
            if fresh:
                rows.owned[child] |= fresh
                new[child] |= fresh


def _drop_other_schools(rows: RowSet, universe: list[Model], kept: set[Model]) -> None:
    """Drop owned rows that point to another school's rows.

    A family whose children go to two schools owns both links; the link to
    the other school's child is that school's, not this one's.
    """
    scoped = _school_scoped(universe)
    for model in list(rows.owned):
        if model in kept:
            continue
        keys = [
            key
            for key in foreign_keys(model)
            if key.related_model in scoped and key.related_model is not model
        ]
        if not keys or not rows.owned[model]:
            continue
        foreign = set()
        for batch in chunks(sorted(rows.owned[model])):
            for values in model._base_manager.filter(pk__in=batch).values_list(
                "pk", *[key.attname for key in keys]
            ):
                pk, targets = values[0], values[1:]
                for key, target in zip(keys, targets, strict=True):
                    if (
                        target is not None
                        and target not in rows.owned[key.related_model]
                    ):
                        foreign.add(pk)
        rows.owned[model] -= foreign


def _add_references(rows: RowSet, universe: list[Model]) -> None:
    """Add every row that an included row points to, until nothing is missing."""
    known = set(universe)
    pending = {model: set(ids) for model, ids in rows.owned.items() if ids}
    while pending:
        model, ids = pending.popitem()
        keys = [key for key in foreign_keys(model) if key.related_model in known]
        if not keys:
            continue
        for batch in chunks(sorted(ids)):
            for targets in model._base_manager.filter(pk__in=batch).values_list(
                *[key.attname for key in keys]
            ):
                for key, target in zip(keys, targets, strict=True):
                    target_model = key.related_model
                    if target is None:
                        continue
                    if (
                        target in rows.owned[target_model]
                        or target in rows.referenced[target_model]
                    ):
                        continue
                    rows.referenced[target_model].add(target)
                    pending.setdefault(target_model, set()).add(target)


def get_school_rows(school: School) -> RowSet:
    """Return every row of a school, its people's accounts, and what they point to."""
    universe = data_models()
    user_model = get_user_model()
    rows = RowSet()
    _expand_owned(rows, {School: {school.pk}}, universe)

    # The school's people: staff and students with their accounts, and the
    # families of its students.
    guardians = set(
        Guardian.objects.filter(children__school=school).values_list("pk", flat=True)
    )
    users = (
        set(Staff.objects.filter(school=school).values_list("user_id", flat=True))
        | set(
            Student.objects.filter(school=school, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        | set(
            Guardian.objects.filter(pk__in=guardians).values_list("user_id", flat=True)
        )
    )
    _expand_owned(rows, {user_model: users, Guardian: guardians}, universe)
    _drop_other_schools(rows, universe, kept={School})
    # The audit log points to nothing, so that it outlives what it is about:
    # a school's entries are those naming the school or one of its people
    # (as the one who acted, or as the account changed).
    people = sorted(users)
    rows.owned[AuditEntry] |= set(
        AuditEntry.objects.filter(
            Q(school_id=school.pk)
            | Q(user_id__in=people)
            | Q(object_type="user", object_id__in=people)
        ).values_list("pk", flat=True)
    )
    _add_references(rows, universe)
    return rows


def get_database_rows() -> RowSet:
    """Return every row of every data model: the whole database's school data."""
    rows = RowSet()
    for model in data_models():
        rows.owned[model] = set(model._base_manager.values_list("pk", flat=True))
    return rows


def get_student_rows(student: Student) -> RowSet:
    """Return every row about a student: theirs, their account's, what they point to.

    The rows owned are those erasing the student removes; the referenced
    ones (the classroom, activities, skills) stay.
    """
    universe = data_models()
    rows = RowSet()
    start: dict[Model, set[int]] = {Student: {student.pk}}
    if student.user_id is not None:
        start[get_user_model()] = {student.user_id}
    _expand_owned(rows, start, universe)
    _add_references(rows, universe)
    return rows
