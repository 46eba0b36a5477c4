"""Backing a school up to a file and restoring it, row for row.

A backup holds every row of a school (see `rows`): its people's accounts
with their password hashes, every plan and its versions, the evidence, the
student voice, the audit log, and the skills and groups they point to.
Primary keys are kept, so that a restore gives back the very rows, and
every value is written so that it reads back equal: times to the
microsecond, numbers exactly.

A restore writes everything in one transaction or nothing. A row already
in the database and equal to the backup's is kept (the skills a school
shares with others, audit entries that outlived the school); a row whose
key holds something else is a conflict, and nothing is restored.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import gzip
import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction
from coplanner.privacy.rows import (
    Model,
    RowSet,
    chunks,
    data_models,
    get_database_rows,
    get_school_rows,
    label,
)
from coplanner.roster.models import School

logger = logging.getLogger(__name__)

FORMAT = "coplanner-backup"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says what to do."""


# Values in files --------------------------------------------------------------


def to_json(value: Any) -> Any:
    """Write a database value so that `from_json` reads it back equal."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def from_json(column: models.Field, value: Any) -> Any:  # type: ignore[type-arg]
    """Read a value written by `to_json` back into the column's Python type."""
    if value is None or isinstance(column, models.JSONField):
        return value
    if isinstance(column, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(column, models.DurationField):
        return datetime.timedelta(seconds=value)
    if isinstance(column, models.ForeignKey):
        return column.target_field.to_python(value)
    return column.to_python(value)


def columns(model: Model) -> list[models.Field]:  # type: ignore[type-arg]
    return list(model._meta.concrete_fields)


def read_rows(model: Model, ids: Iterable[int]) -> dict[Any, list[Any]]:
    """Return the rows of ``model`` with these keys, as file values, by key."""
    names = [column.attname for column in columns(model)]
    found: dict[Any, list[Any]] = {}
    for batch in chunks(sorted(ids)):
        for values in model._base_manager.filter(pk__in=batch).values_list(*names):
            found[values[names.index(model._meta.pk.attname)]] = [
                to_json(value) for value in values
            ]
    return found


# Backing up -------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSummary:
    school: str | None
    tables: int
    rows: int


def build_backup(school: School | None) -> dict[str, Any]:
    """Return the backup of one school, or of every school when None."""
    rows: RowSet = get_school_rows(school) if school else get_database_rows()
    wanted = rows.all()
    tables = []
    for model in data_models():
        ids = wanted.get(model)
        if not ids:
            continue
        found = read_rows(model, ids)
        tables.append(
            {
                "model": label(model),
                "columns": [column.attname for column in columns(model)],
                "rows": [found[key] for key in sorted(found)],
            }
        )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "made_at": timezone.now().isoformat(),
        "school": school.slug if school else None,
        "tables": tables,
    }


def write_backup(school: School | None, path: Path) -> BackupSummary:
    """Write the backup to ``path`` (gzip-compressed when it ends in ``.gz``)."""
    data = build_backup(school)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    summary = BackupSummary(
        school=data["school"],
        tables=len(data["tables"]),
        rows=sum(len(table["rows"]) for table in data["tables"]),
    )
    logger.info(
        "Backup of school %s: %s rows in %s tables",
        school.pk if school else "all",
        summary.rows,
        summary.tables,
    )
    return summary


# Restoring --------------------------------------------------------------------


def read_backup(path: Path) -> dict[str, Any]:
    """Read a backup file, or raise `BackupError` saying what is wrong with it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(
            f"{path} is not a coplanner backup (it is not JSON: {error}). "
            "Choose a file made by `coplanner backup`."
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(
            f"{path} is not a coplanner backup. Choose a file made by `coplanner backup`."
        )
    if data.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup of format version {data.get('version')}; this "
            f"coplanner reads version {FORMAT_VERSION}. Restore it with the "
            "coplanner that made it."
        )
    return data


@dataclass(frozen=True)
class RestoreSummary:
    school: str | None
    written: int
    kept: int


def _plan_restore(
    data: Mapping[str, Any],
) -> list[tuple[Model, list[models.Model], int]]:
    """Check every table of a backup against the database; return what to write.

    Raise `BackupError` for a table this database does not have, columns
    that differ, or a key that holds another row.
    """
    by_label = {label(model): model for model in data_models()}
    order = {label(model): index for index, model in enumerate(data_models())}
    plan = []
    for table in sorted(data["tables"], key=lambda t: order.get(t["model"], -1)):
        model = by_label.get(table["model"])
        if model is None:
            raise BackupError(
                f"The backup holds table {table['model']}, which this database "
                "does not have. Restore it with the coplanner version that made it."
            )
        fields = columns(model)
        names = [column.attname for column in fields]
        if table["columns"] != names:
            missing = sorted(set(names) - set(table["columns"]))
            extra = sorted(set(table["columns"]) - set(names))
            raise BackupError(
                f"Table {table['model']} has other columns in the backup "
                f"(missing: {', '.join(missing) or 'none'}; unknown: "
                f"{', '.join(extra) or 'none'}). Run `coplanner migrate`, or "
                "restore with the coplanner version that made the backup."
            )
        key_index = names.index(model._meta.pk.attname)
        rows = {row[key_index]: row for row in table["rows"]}
        held = read_rows(model, rows)
        differing = sorted(key for key in held if held[key] != rows[key])
        if differing:
            shown = ", ".join(str(key) for key in differing[:5])
            raise BackupError(
                f"The database already holds other rows under the backup's keys "
                f"in {table['model']} ({len(differing)} rows, keys {shown}). "
                "Nothing was restored. Restore into an empty database, or erase "
                "the school first."
            )
        new = [
            model(
                **{
                    column.attname: from_json(column, value)
                    for column, value in zip(fields, rows[key], strict=True)
                }
            )
            for key in rows
            if key not in held
        ]
        plan.append((model, new, len(held)))
    return plan


def _insert_raw(model: Model, objects: list[models.Model]) -> None:
    """Insert rows exactly as given: keys kept, ``auto_now`` times untouched."""
    fields = columns(model)
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    for start in range(0, len(objects), max(size, 1)):
        model._base_manager._insert(  # type: ignore[attr-defined]
            objects[start : start + size], fields=fields, raw=True
        )


def restore_backup(data: Mapping[str, Any]) -> RestoreSummary:
    """Write a backup's rows into the database, all of them or none.

    Raise `BackupError` when the backup does not fit this database; then
    nothing is written.
    """
    try:
        with transaction.atomic():
            plan = _plan_restore(data)
            for model, new, _kept in plan:
                if new:
                    _insert_raw(model, new)
            # Keys were written as they were: move each table's counter past them.
            written = [model for model, new, _kept in plan if new]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), written):
                    cursor.execute(statement)
            school = (
                School.objects.filter(slug=data["school"]).first()
                if data.get("school")
                else None
            )
            summary = RestoreSummary(
                school=data.get("school"),
                written=sum(len(new) for _model, new, _kept in plan),
                kept=sum(kept for _model, _new, kept in plan),
            )
            audit.record(
                AuditAction.SCHOOL_RESTORED,
                by=None,
                object_type="school",
                object_id=school.pk if school else None,
                school_id=school.pk if school else None,
                changes={"written": summary.written, "kept": summary.kept},
            )
    except IntegrityError as error:
        raise BackupError(
            "The backup clashes with what the database holds (such as a school "
            f"or a username already taken under another key): {error}. Nothing "
            "was restored. Restore into an empty database, or erase the school first."
        ) from error
    logger.info(
        "Restored school %s: %s rows written, %s already held",
        summary.school,
        summary.written,
        summary.kept,
    )
    return summary
