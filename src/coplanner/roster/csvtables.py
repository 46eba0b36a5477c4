"""Read the CSV files of an import strictly, and say exactly what is wrong.

Shared by the roster import (the files of a OneRoster bundle) and the skills
import (a plain CSV of skills). Where the evidence import is lenient, because
teachers export scores from spreadsheets by hand, these files come from
systems that are meant to write a standard, so text must be UTF-8 (with or
without a byte-order mark) or UTF-16 with a byte-order mark, and separators
are commas. A file that is something else is refused with the reason, rather
than read as mojibake.

Every problem names the file, the row a spreadsheet shows (the header is row
1), the column, the value and what to do, as an ``ImportProblem``.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

# Longest cell accepted anywhere; the model fields are shorter still.
CELL_MAX_LENGTH = 1000
# Characters that make a spreadsheet run a cell as a formula when it opens
# the exported file again. Real names, codes and titles never start with one.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong with one cell, one row or one file of an import.

    ``line`` is the row number a spreadsheet shows, 0 for the file as a
    whole; ``column`` is the header of the cell, empty when the whole row or
    file is at fault.
    """

    file: str
    line: int
    column: str
    value: str
    message: str

    @property
    def where(self) -> str:
        """Return "users.csv, line 4, column “role”" for a report."""
        parts = [self.file] if self.file else []
        if self.line:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column “{self.column}”")
        return ", ".join(parts)


class TableUnreadable(ValueError):
    """The bytes of a file cannot be read as a CSV table; the message says why."""


@dataclass(frozen=True)
class Row:
    """One data row of a table: its line and its cells by header."""

    file: str
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def problem(self, column: str, message: str) -> ImportProblem:
        return ImportProblem(
            self.file, self.line, column, shorten(self.get(column)), message
        )


@dataclass(frozen=True)
class Table:
    """The header and data rows of one CSV file."""

    name: str
    header: list[str]
    rows: list[Row]


def shorten(value: str, limit: int = 80) -> str:
    """Return a value as a report shows it: at most ``limit`` characters."""
    value = CONTROL_CHARACTERS.sub("?", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def decode_strict(name: str, data: bytes) -> str:
    """Return the text of a file in UTF-8 or UTF-16, or raise ``TableUnreadable``."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TableUnreadable(
            f"{name} is not UTF-8 text (byte {error.start + 1} cannot be read). "
            "Export it again as UTF-8 CSV; in a spreadsheet, choose "
            "“CSV UTF-8” when you save."
        ) from None


def read_table(
    name: str, data: bytes, required: Sequence[str], known: Sequence[str] = ()
) -> tuple[Table | None, list[ImportProblem]]:
    """Read a CSV file into a ``Table``, with the problems of its header.

    ``required`` columns must be in the header (in any order, names matched
    exactly, as the standard spells them, but a case-only difference is
    tolerated). Returns no table when the file cannot be read or lacks a
    required column; the problems then say why.
    """
    try:
        text = decode_strict(name, data)
    except TableUnreadable as error:
        return None, [ImportProblem(name, 0, "", "", str(error))]

    records: Iterator[list[str]] = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[Row] = []
    problems: list[ImportProblem] = []
    try:
        for line, record in enumerate(records, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = _canonical_header(record, required, known)
                duplicates = {
                    cell for cell in header if cell and header.count(cell) > 1
                }
                for cell in sorted(duplicates):
                    problems.append(
                        ImportProblem(
                            name,
                            line,
                            cell,
                            cell,
                            "Two columns have this name. Keep one of them.",
                        )
                    )
                continue
            if len(record) > len(header):
                problems.append(
                    ImportProblem(
                        name,
                        line,
                        "",
                        shorten(",".join(record[len(header) :])),
                        f"This row has {len(record)} cells but the header has "
                        f"{len(header)} columns. Quote values that hold a comma.",
                    )
                )
                continue
            cells = {
                column: value.strip()
                for column, value in zip(header, record, strict=False)
            }
            rows.append(Row(name, line, cells))
    except csv.Error as error:
        return None, [
            ImportProblem(
                name,
                0,
                "",
                "",
                f"{name} cannot be read as CSV ({error}). Export it again.",
            )
        ]
    if header is None:
        return None, [
            ImportProblem(
                name, 0, "", "", f"{name} is empty. Export it again, with its header."
            )
        ]
    missing = [column for column in required if column not in header]
    for column in missing:
        problems.append(
            ImportProblem(
                name,
                1,
                column,
                "",
                f"{name} has no column “{column}”. Its columns are: "
                f"{', '.join(header) or 'none'}. Export it again in the standard "
                "layout.",
            )
        )
    if missing:
        return None, problems
    return Table(name=name, header=header, rows=rows), problems


def _canonical_header(
    record: Sequence[str], required: Sequence[str], known: Sequence[str]
) -> list[str]:
    """Return the header with each name spelt as the standard spells it."""
    spellings = {column.lower(): column for column in (*required, *known)}
    return [spellings.get(cell.strip().lower(), cell.strip()) for cell in record]


def check_text(
    row: Row, column: str, max_length: int, *, required: bool = False
) -> list[ImportProblem]:
    """Return the problems of a text cell: missing, too long, control
    characters, or a start that a spreadsheet would run as a formula."""
    value = row.get(column)
    if not value:
        if required:
            return [row.problem(column, f"The {column} is missing. Fill it in.")]
        return []
    if CONTROL_CHARACTERS.search(value):
        return [
            row.problem(
                column,
                "This cell holds a control character (such as a line break or a "
                "NUL byte). Remove it.",
            )
        ]
    if len(value) > min(max_length, CELL_MAX_LENGTH):
        return [
            row.problem(
                column,
                f"This is {len(value)} characters long; at most "
                f"{min(max_length, CELL_MAX_LENGTH)} fit. Shorten it.",
            )
        ]
    if value.startswith(FORMULA_STARTS):
        return [
            row.problem(
                column,
                f"This starts with “{value[0]}”, which a spreadsheet runs as a "
                "formula. Remove that character.",
            )
        ]
    return []


def split_list(value: str) -> list[str]:
    """Return the items of a list cell (``"a,b, c"``), without empty ones."""
    return [item.strip() for item in value.split(",") if item.strip()]
