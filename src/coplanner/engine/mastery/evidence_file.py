"""Read and write the evidence file of the ``trace`` commands.

The file is CSV (UTF-8, with or without a byte-order mark; ``.gz`` files
are read compressed) with a header holding at least ``student``, ``skill``,
``correct`` and an ordering column: ``time`` (ISO 8601) or ``order`` (an
integer). With both, ``time`` orders and ``order`` breaks ties; rows that
tie on everything keep their order in the file. ``correct`` is 1 or 0 (also
``true``/``false``) or a number in [0, 1] for partial credit. Other columns
are kept and copied to the prediction file.

TODO: only UTF-8 and commas are read; Excel-style exports (Windows-1252,
semicolons) go through the evidence import, which maps columns per source.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import numpy as np
from numpy.typing import NDArray

from coplanner.engine.mastery.errors import EvidenceFileError
from coplanner.spreadsheets import neutralise_row

REQUIRED_COLUMNS = ("student", "skill", "correct")
TRUE_WORDS = {"1", "true", "yes"}
FALSE_WORDS = {"0", "false", "no"}


@dataclass(frozen=True, eq=False)
class EvidenceTable:
    """Hold the rows of an evidence file, column by column.

    ``order`` ranks every row by its ordering columns (ties by line), and
    ``times`` holds the parsed ``time`` of every row when the file has one.
    """

    header: list[str]
    rows: list[list[str]]
    students: list[str]
    skills: list[str]
    values: NDArray[np.float64]
    order: NDArray[np.int64]
    times: list[datetime | None] | None


@contextmanager
def _open_text(path: Path) -> Iterator[TextIO]:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
            yield handle
    else:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            yield handle


def parse_correct(text: str) -> float:
    """Return the observation in a ``correct`` cell, or raise ``ValueError``."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return 1.0
    if word in FALSE_WORDS:
        return 0.0
    if not word:
        raise ValueError("is empty; expected 1, 0 or a number between 0 and 1")
    try:
        value = float(word)
    except ValueError:
        raise ValueError("is not 1, 0 or a number between 0 and 1") from None
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValueError("is outside 0 to 1")
    return value


def parse_time(text: str) -> datetime:
    """Return the time in a ``time`` cell, or raise ``ValueError``."""
    stripped = text.strip()
    if not stripped:
        raise ValueError(
            "is empty; expected an ISO 8601 time such as 2024-09-03T10:15:00"
        )
    try:
        return datetime.fromisoformat(stripped)
    except ValueError:
        raise ValueError(
            "is not an ISO 8601 time such as 2024-09-03T10:15:00"
        ) from None


def _problem(line: int, column: str, value: str, why: str) -> str:
    return f"Line {line}, column {column!r}, value {value!r}: {why}."


def read_evidence(path: Path) -> EvidenceTable:
    """Read an evidence file, or raise ``EvidenceFileError`` listing every bad row."""
    try:
        with _open_text(path) as handle:
            return _read(handle, path.name)
    except FileNotFoundError as error:
        raise EvidenceFileError([f"Evidence file {path} does not exist."]) from error
    except (UnicodeDecodeError, gzip.BadGzipFile, csv.Error) as error:
        raise EvidenceFileError(
            [f"{path.name} is not a readable UTF-8 CSV file: {error}."]
        ) from error


def _read(handle: TextIO, name: str) -> EvidenceTable:
    reader = csv.reader(handle)
    header = [cell.strip() for cell in next(reader, [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if "time" not in header and "order" not in header:
        missing.append("time or order")
    if missing:
        found = ", ".join(header) if header else "no header"
        raise EvidenceFileError(
            [f"{name}: missing column {', '.join(missing)} (the header has: {found})."]
        )
    position = {column: header.index(column) for column in header if column}
    has_time = "time" in position
    has_order = "order" in position

    rows: list[list[str]] = []
    students: list[str] = []
    skills: list[str] = []
    values: list[float] = []
    times: list[datetime | None] = []
    orders: list[int] = []
    problems: list[str] = []
    aware: bool | None = None
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                f"Line {line}: has {len(row)} fields, the header has {len(header)}."
            )
            continue
        student = row[position["student"]].strip()
        skill = row[position["skill"]].strip()
        if not student:
            problems.append(_problem(line, "student", student, "is empty"))
        if not skill:
            problems.append(_problem(line, "skill", skill, "is empty"))
        try:
            value = parse_correct(row[position["correct"]])
        except ValueError as error:
            problems.append(
                _problem(line, "correct", row[position["correct"]], str(error))
            )
            value = math.nan
        moment: datetime | None = None
        if has_time:
            cell = row[position["time"]]
            try:
                moment = parse_time(cell)
            except ValueError as error:
                problems.append(_problem(line, "time", cell, str(error)))
            if moment is not None:
                this_aware = moment.tzinfo is not None
                if aware is None:
                    aware = this_aware
                elif aware != this_aware:
                    problems.append(
                        _problem(
                            line,
                            "time",
                            cell,
                            "mixes times with and without a time zone; give every time a zone or none",
                        )
                    )
        rank = 0
        if has_order:
            cell = row[position["order"]]
            try:
                rank = int(cell.strip())
            except ValueError:
                problems.append(_problem(line, "order", cell, "is not an integer"))
        rows.append(row)
        students.append(student)
        skills.append(skill)
        values.append(value)
        times.append(moment)
        orders.append(rank)
    if problems:
        raise EvidenceFileError(problems)

    keys: list[NDArray[np.int64] | NDArray[np.float64]] = [
        np.arange(len(rows), dtype=np.int64)
    ]
    if has_order:
        keys.append(np.array(orders, dtype=np.int64))
    if has_time:
        keys.append(
            np.array([_timestamp(moment) for moment in times], dtype=np.float64)
        )
    ranking = np.lexsort(keys)
    order = np.empty(len(rows), dtype=np.int64)
    order[ranking] = np.arange(len(rows), dtype=np.int64)
    return EvidenceTable(
        header=header,
        rows=rows,
        students=students,
        skills=skills,
        values=np.array(values, dtype=np.float64),
        order=order,
        times=times if has_time else None,
    )


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return math.nan
    if moment.tzinfo is None:
        # Naive times are only compared with each other; read them as UTC.
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def write_predictions(
    path: Path,
    table: EvidenceTable,
    p_correct: NDArray[np.float64],
    p_mastery: NDArray[np.float64],
    source: list[str],
) -> None:
    """Write the evidence rows with ``p_correct``, ``p_mastery`` and ``params``.

    ``source`` says, per row, where its skill's parameters came from. The
    columns copied from the evidence file are neutralised like every export
    (``coplanner.spreadsheets``), since the file is often opened in a
    spreadsheet.
    """
    added = ("p_correct", "p_mastery", "params")
    keep = [i for i, column in enumerate(table.header) if column not in added]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(neutralise_row(table.header[i] for i in keep) + list(added))
    for k, row in enumerate(table.rows):
        writer.writerow(
            neutralise_row(row[i] for i in keep)
            + [
                f"{p_correct[k]:.6f}",
                f"{p_mastery[k]:.6f}",
                source[k],
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")
