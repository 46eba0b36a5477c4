"""Everything held about one student, as a file to hand over.

The export is a zip: ``student.json`` with every row about the student (see
`rows`), the rows they point to (the activities, skills, blocks and people
named in them, so that the file can be read on its own) and the audit
entries about them; and one CSV file per kind of row, for a spreadsheet,
with cells that a spreadsheet would run as a formula made harmless.
Password hashes are never exported.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction, AuditEntry
from coplanner.privacy.backup import columns, read_rows, to_json
from coplanner.privacy.rows import Model, data_models, get_student_rows, label
from coplanner.roster.models import Student
from coplanner.spreadsheets import neutralise

logger = logging.getLogger(__name__)

# Columns of other people's accounts that an export shows: who they are.
OTHER_PERSON_COLUMNS = ("id", "first_name", "last_name")
# Columns never exported, whoever the account belongs to.
SECRET_COLUMNS = ("password",)


def spreadsheet_safe(value: Any) -> str:
    """Return the cell as text a spreadsheet shows and never runs."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(neutralise(str(value)))


def _table(model: Model, ids: set[int], own: bool) -> dict[str, Any]:
    names = [column.attname for column in columns(model)]
    rows = [
        dict(zip(names, row, strict=True)) for row in read_rows(model, ids).values()
    ]
    if model is get_user_model():
        keep = None if own else OTHER_PERSON_COLUMNS
        rows = [
            {
                key: value
                for key, value in row.items()
                if key not in SECRET_COLUMNS and (keep is None or key in keep)
            }
            for row in rows
        ]
    return {
        "model": label(model),
        "name": str(model._meta.verbose_name_plural),
        "rows": rows,
    }


def build_student_export(student: Student) -> dict[str, Any]:
    """Return everything held about the student, as plain data."""
    rows = get_student_rows(student)
    held = [
        _table(model, ids, own=True)
        for model in data_models()
        if (ids := rows.owned.get(model))
    ]
    pointed_to = [
        _table(model, ids, own=False)
        for model in data_models()
        if (ids := rows.referenced.get(model))
    ]
    entries = AuditEntry.objects.filter(student_id=student.pk)
    if student.user_id is not None:
        entries = entries | AuditEntry.objects.filter(user_id=student.user_id)
    audit_names = [column.attname for column in columns(AuditEntry)]
    return {
        "made_at": timezone.now().isoformat(),
        "student": {"id": student.pk, "code": student.code},
        "held": held,
        "referenced": pointed_to,
        "audit": [
            {name: to_json(getattr(entry, name)) for name in audit_names}
            for entry in entries.order_by("at", "pk")
        ],
    }


def _csv(rows: Sequence[dict[str, Any]]) -> str:
    header: list[str] = []
    for row in rows:
        header.extend(key for key in row if key not in header)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(key)) for key in header])
    # A byte-order mark, so that spreadsheets read the names' accents right.
    return "\ufeff" + out.getvalue()


def build_student_zip(data: dict[str, Any]) -> bytes:
    """Return the export as a zip: the JSON and a CSV file per kind of row."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("student.json", json.dumps(data, ensure_ascii=False, indent=1))
        for table in data["held"]:
            archive.writestr(f"{table['model']}.csv", _csv(table["rows"]))
        archive.writestr("audit.csv", _csv(data["audit"]))
    return buffer.getvalue()


def record_student_export(student: Student, by: AbstractBaseUser | None) -> bytes:
    """Build the student's export zip and audit that it was handed out."""
    with transaction.atomic():
        data = build_student_export(student)
        content = build_student_zip(data)
        audit.record(
            AuditAction.STUDENT_EXPORTED,
            by=by,
            object_type="student",
            object_id=student.pk,
            school_id=student.school_id,
            student_id=student.pk,
            changes={"tables": len(data["held"]), "bytes": len(content)},
        )
    logger.info("Exported student %s: %s bytes", student.pk, len(content))
    return content
