"""Import evidence from the CSV exports of assessment and practice systems.

A file holds either item responses (student, skill, correct, date or time,
optional item) or scores (student, skill, score, optional max, date). How it
is read:

- Text: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order
  mark (Excel's "Unicode text") or without one, otherwise Windows-1252. Any
  other file with NUL bytes is not text and is refused.
- Separator: whichever of ``;``, ``,`` and tab the header row uses most; an
  Excel ``sep=;`` first line is honoured. Quoted values may hold separators
  and line breaks.
- Columns: the source's remembered mapping; on its first import, common
  header names (``student_id``, ``skill``, ``points``, ``timestamp`` …) or the
  columns given explicitly. A file with a ``correct`` column is read as item
  responses, otherwise as scores.
- ``correct``: TRUE/FALSE, 1/0, yes/no (any case).
- Score: a score with a max becomes ``score / max``, which must lie in
  [0, 1]; without a max, the score must already be a fraction in [0, 1] or a
  percentage such as ``85%``. A decimal comma (``7,5``) is read as a point.
- Date or time: ISO 8601 (``2024-09-03``, ``2024-09-03 10:15``,
  ``2024-09-03T10:15:00Z``), or a date with ``/``, ``.`` or ``-``
  (``03/09/2024``, ``3.9.24``), optionally followed by ``HH:MM`` or
  ``HH:MM:SS``. Without a time zone it is the school's local time; a date
  alone is midnight. A date before 1970 or after tomorrow is a typo.
- Cells: a number is plain digits (``7``, ``7.5``, ``-0.5``, ``1e-3``); an
  item that a spreadsheet would run as a formula (``=HYPERLINK(…)``) is a
  bad row.
- Date order: a date with slashes is day/month/year or month/day/year,
  one order for the whole file. The person may choose it for an import;
  every date is then read in it, and a date that cannot be in it (12/31/2024
  as day/month/year) is a bad row. Otherwise the file decides: a date whose
  first number passes 12 shows day/month/year, one whose second number does
  shows month/day/year. A file showing both is read in the order most of its
  dates show, and each date showing the other is a bad row. A file whose
  dates all fit both orders, or show both as often, is read in the order
  stored for the source; without one it is refused, with an example date,
  until the order is chosen or the dates are exported as ISO. ISO dates are
  never in doubt and never count.
- Remembered date order: a successful import that read dates with slashes
  in an order chosen by the person or shown by the file stores it for the
  source. A file whose dates show the other order than the stored one is
  read in its own order, which replaces the stored one, and the result says
  so in a note: the file is the better witness of how the source exports
  now.

Line numbers are the rows a spreadsheet shows: the header is row 1, and a
value with a line break in it does not start a new row.

An import is all or nothing: any bad row, and nothing is written. Rows the
school already holds from the same source (same student, skill, item and
time) are counted and skipped, so importing a file twice changes nothing.
"""

import codecs
import csv
import io
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction
from coplanner.curriculum.models import Skill
from coplanner.mastery.actions import FitSummary, record_mastery_fit
from coplanner.mastery.models import (
    DateOrder,
    Evidence,
    EvidenceKind,
    EvidenceSource,
)
from coplanner.roster.models import School, Student

logger = logging.getLogger(__name__)

# TODO: the messages of this module are English only. Wrap them in gettext
# with named placeholders when the Spanish catalogue is built; the page and
# the command already show them as they come.

FIELDS = ("student", "skill", "correct", "score", "max", "time", "item")
# The words people use for a field, besides its own name.
FIELD_ALIASES = {"date": "time", "max_score": "max", "points": "score"}
# The word a person writes for a field (in --map, in a report), where it is
# not the field's own name.
FIELD_WORDS = {"time": "date"}
# What a person reads for each field in a sentence.
FIELD_LABELS = {
    "student": "student",
    "skill": "skill",
    "correct": "correct (right or wrong)",
    "score": "score",
    "max": "max",
    "time": "date",
    "item": "item",
}
# Header names recognised on a source's first import, most likely first; they
# are compared after lower-casing and turning spaces and signs into "_".
RECOGNISED_HEADERS = {
    "student": (
        "student",
        "student_id",
        "student_code",
        "studentid",
        "user_id",
        "userid",
        "username",
        "user",
        "learner",
        "learner_id",
        "anon_student_id",
        "sis_id",
    ),
    "skill": (
        "skill",
        "skill_id",
        "skill_code",
        "skill_name",
        "kc",
        "kc_default",
        "standard",
        "standard_code",
        "standard_id",
    ),
    "correct": (
        "correct",
        "is_correct",
        "correctness",
        "correct_first_attempt",
    ),
    "score": ("score", "raw_score", "points", "points_earned", "marks"),
    "max": (
        "max",
        "max_score",
        "max_points",
        "points_possible",
        "possible",
        "out_of",
        "maximum",
    ),
    "time": (
        "time",
        "timestamp",
        "date",
        "datetime",
        "date_time",
        "observed_at",
        "start_time",
        "end_time",
        "completed_at",
        "submitted_at",
        "first_transaction_time",
        "date_taken",
        "test_date",
    ),
    "item": (
        "item",
        "item_id",
        "problem_id",
        "problem",
        "problem_name",
        "question",
        "question_id",
        "assistment_id",
    ),
}
SEPARATORS = (",", ";", "\t")
TRUE_WORDS = {"true", "1", "yes", "1.0"}
FALSE_WORDS = {"false", "0", "no", "0.0"}
ITEM_MAX_LENGTH = Evidence._meta.get_field("item").max_length or 128
SOURCE_MAX_LENGTH = EvidenceSource._meta.get_field("name").max_length or 64
# A date this far past the import is a typo, not an observation.
FUTURE_SLACK = timedelta(days=1)
WRITE_BATCH = 2000

# A date with slashes, dots or dashes whose year comes last; whether the
# first number is the day or the month is the import's date order.
SLASH_DATE = re.compile(
    r"^(?P<first>\d{1,2})[./-](?P<second>\d{1,2})[./-](?P<year>\d{4}|\d{2})"
    r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<seconds>\d{2}))?)?$"
)
YEAR_FIRST_SLASHES = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}")
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Evidence older than this is a typo in the year (01/01/0001), and some
# database back ends cannot store it in UTC.
EARLIEST_OBSERVATION = datetime(1970, 1, 1)
DATE_EXAMPLE = (
    "Write it as 2024-09-03, with a time if you have one, such as 2024-09-03 10:15."
)
# The English words for a date order, for the messages of this module.
ORDER_WORDS = {
    DateOrder.DAY_FIRST: "day/month/year",
    DateOrder.MONTH_FIRST: "month/day/year",
}


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one cell (or one row) of an evidence file.

    ``line`` is the row number a spreadsheet shows; ``column`` is the header
    of the cell, empty when the whole row is at fault.
    """

    line: int
    column: str
    value: str
    message: str


# Who decided how the dates with slashes of a file are read: the person
# importing it, the file's own dates, or the order stored for the source.
DateOrderFrom = Literal["chosen", "file", "source"]


@dataclass(frozen=True)
class EvidenceImport:
    """What an evidence import did, or why it did nothing.

    ``problems`` are bad rows, ``file_problems`` are problems with the file as
    a whole (unreadable, a column missing). ``unmapped`` names the fields no
    column could be found for, so that the page and the command can say how
    to name or map them. ``learned`` is true when this import stores the
    source's column mapping: its first import, or one with a new mapping.
    ``new`` and ``held`` are 0 when the import is refused.

    ``date_order`` is the order the file's dates with slashes are read in,
    and ``date_order_from`` who decided it; both are None when the file has
    no such date. ``date_order_unknown`` is true when the file is refused
    because no order could be decided, so that the page and the command can
    say how to choose one. ``notes`` are what a person should know about an
    import that went through.
    """

    source: str
    kind: str | None = None
    rows: int = 0
    new: int = 0
    held: int = 0
    columns: Mapping[str, str] = field(default_factory=dict)
    learned: bool = False
    dry_run: bool = False
    problems: tuple[RowProblem, ...] = ()
    file_problems: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    fit: FitSummary | None = None
    fit_failed: bool = False
    date_order: DateOrder | None = None
    date_order_from: DateOrderFrom | None = None
    date_order_unknown: bool = False
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problems

    @property
    def bad_lines(self) -> int:
        return len({problem.line for problem in self.problems})

    @property
    def mapping(self) -> list[tuple[str, str]]:
        """Return each column used with the word for its field, in file order."""
        return [
            (column, FIELD_WORDS.get(field_name, field_name))
            for field_name, column in self.columns.items()
        ]

    @property
    def dates_read_as(self) -> str:
        """Return the sentence saying how dates with slashes were read, or ""."""
        if self.date_order is None:
            return ""
        why = {
            "chosen": "as chosen for this import",
            "file": "as the file shows",
            "source": f"as in earlier files from {self.source}",
        }[self.date_order_from or "file"]
        return f"Dates read as {ORDER_WORDS[self.date_order]}, {why}."


class FileUnreadable(ValueError):
    """The bytes are not a CSV file that can be read; the message says why."""


class CellError(ValueError):
    """A cell cannot be read; the message says why and what to do.

    ``field`` names the field at fault when it is not the one being read (a
    score is read with its max, and the max may be what is wrong).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Table:
    """The header and the data rows of a CSV file, with their line numbers."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    separator: str


@dataclass(frozen=True)
class ColumnChoice:
    """Which column of the file holds each field, and what could not be found."""

    positions: dict[str, int]
    problems: list[str]
    unmapped: list[str]


@dataclass(frozen=True)
class DateReading:
    """How the dates with slashes of one file are read.

    ``order`` is None when the file has no date with slashes, or when no
    order could be decided. ``conflicts`` gives, by line, why a date that
    cannot be in ``order`` is a bad row. ``ambiguous`` is the first date
    (line, value) that fits both orders; ``shown`` the first that shows the
    order read, when the file decided it; ``tie`` holds the first date of
    each order when a file shows both as often and nothing breaks the tie.
    """

    order: DateOrder | None = None
    decided_by: DateOrderFrom | None = None
    conflicts: Mapping[int, str] = field(default_factory=dict)
    ambiguous: tuple[int, str] | None = None
    shown: tuple[int, str] | None = None
    tie: tuple[tuple[int, str], tuple[int, str]] | None = None


@dataclass(frozen=True)
class Observation:
    """One row of the file, read and checked, ready to become evidence."""

    line: int
    student_id: int
    skill_id: int
    kind: str
    correct: bool | None
    score: float | None
    observed_at: datetime
    item: str

    @property
    def key(self) -> tuple[int, int, str, datetime]:
        return (self.student_id, self.skill_id, self.item, self.observed_at)


# --- Reading the file --------------------------------------------------------


NOT_TEXT = (
    "The file is not text that can be read. Save it from your spreadsheet as "
    "CSV (comma or semicolon separated), then import it again."
)


def _utf16_without_mark(data: bytes) -> str | None:
    """Return the codec of UTF-16 text saved without a byte-order mark, or None.

    Such text has a zero in every other byte (the high byte of each ASCII
    letter); any other file with NUL bytes is not text at all.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    if not data[1::2].strip(b"\x00") and data[0::2].strip(b"\x00"):
        return "utf-16-le"
    if not data[0::2].strip(b"\x00") and data[1::2].strip(b"\x00"):
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> str:
    """Return the text of a file, or raise ``FileUnreadable``.

    Text never holds a NUL character, which no database column takes; a
    file with one is UTF-16 saved without its mark, or not text.
    """
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif b"\x00" in data:
            codec = _utf16_without_mark(data)
            if codec is None:
                raise FileUnreadable(NOT_TEXT)
            text = data.decode(codec)
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileUnreadable(NOT_TEXT) from None
    if "\x00" in text:
        raise FileUnreadable(NOT_TEXT)
    return text


def _count_outside_quotes(line: str, separator: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            count += 1
    return count


def sniff_separator(header_line: str) -> str:
    """Return the separator the header row uses most (a comma when none)."""
    counts = {sep: _count_outside_quotes(header_line, sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def read_table(text: str) -> Table:
    """Split CSV text into its header and numbered rows, or raise ``FileUnreadable``.

    Blank rows are skipped but still counted, so that the line numbers are
    the ones a spreadsheet shows.
    """
    first_line, _, rest = text.partition("\n")
    separator_line = re.fullmatch(r'"?sep=(.)"?\r?', first_line.strip("\ufeff"))
    if separator_line:
        separator = separator_line.group(1)
        text = rest
    else:
        separator = sniff_separator(first_line)

    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        for line, record in enumerate(records, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip() for cell in record]
            else:
                rows.append((line, record))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise FileUnreadable(
                f"Line {records.line_num} has a cell longer than "
                f"{csv.field_size_limit()} characters, often a quote that is "
                "never closed. Check the quotes on that line, then import the "
                "file again."
            ) from None
        raise FileUnreadable(
            f"Line {records.line_num} could not be read as CSV ({error}). Save "
            "the file from your spreadsheet as CSV, then import it again."
        ) from None
    if header is None:
        raise FileUnreadable(
            "The file is empty. Export the data again, with a header row."
        )
    if not rows:
        raise FileUnreadable(
            "The file has a header but no rows of evidence. Check that you "
            "exported the right file."
        )
    return Table(header=header, rows=rows, separator=separator)


# --- Choosing columns --------------------------------------------------------


def normalise_header(text: str) -> str:
    """Return a header in the form it is compared in: ``"Student ID"`` → ``student_id``."""
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


def normalise_field(text: str) -> str | None:
    """Return the evidence field a person's word names, or None."""
    word = normalise_header(text)
    word = FIELD_ALIASES.get(word, word)
    return word if word in FIELDS else None


def _find_column(header: Sequence[str], name: str) -> list[int]:
    wanted = normalise_header(name)
    return [
        index for index, cell in enumerate(header) if normalise_header(cell) == wanted
    ]


def build_column_choice(
    header: Sequence[str],
    remembered: Mapping[str, str] | None,
    overrides: Mapping[str, str],
    source: str,
) -> ColumnChoice:
    """Decide which column holds each field.

    ``overrides`` (column → field) win; then the source's ``remembered``
    mapping (field → column); a source without one has its columns
    recognised by their header names. A file with both ``correct`` and
    ``score`` is read as item responses, unless only ``score`` was named.
    """
    positions: dict[str, int] = {}
    problems: list[str] = []
    unmapped: list[str] = []
    listed = ", ".join(f"“{cell}”" for cell in header if cell) or "none"

    def place(field_name: str, column: str, missing_message: str) -> None:
        found = _find_column(header, column)
        if not found:
            problems.append(missing_message)
            unmapped.append(field_name)
        elif len(found) > 1:
            problems.append(
                f"The file has {len(found)} columns named “{column}”. Rename "
                "all but one, then import the file again."
            )
        else:
            positions[field_name] = found[0]

    for column, word in overrides.items():
        field_name = normalise_field(word)
        if field_name is None:
            problems.append(
                f"“{word}” is not something an evidence file holds. Map "
                "columns to: student, skill, correct, score, max, date, item."
            )
            continue
        place(
            field_name,
            column,
            f"The file has no column “{column}”. Its columns are: {listed}.",
        )

    if remembered:
        for field_name, column in remembered.items():
            if field_name in positions or field_name in unmapped:
                continue
            place(
                field_name,
                column,
                f"The file has no column “{column}”, which held the "
                f"{FIELD_LABELS.get(field_name, field_name)} in earlier files "
                f"from {source}. Check that the file comes from {source}; if "
                "its export changed, name the new column.",
            )
    else:
        taken = set(positions.values())
        normalised = [normalise_header(cell) for cell in header]
        for field_name, names in RECOGNISED_HEADERS.items():
            if field_name in positions or field_name in unmapped:
                continue
            for name in names:
                found = [
                    i
                    for i, cell in enumerate(normalised)
                    if cell == name and i not in taken
                ]
                if len(found) > 1:
                    # Two columns named alike: which one holds the field?
                    problems.append(
                        f"The file has {len(found)} columns named "
                        f"“{header[found[0]]}”. Rename all but one, then "
                        "import the file again."
                    )
                    unmapped.append(field_name)
                    break
                if found:
                    positions[field_name] = found[0]
                    taken.add(found[0])
                    break

    named = {normalise_field(word) for word in overrides.values()}
    if "correct" in positions and "score" in positions:
        if "score" in named and "correct" not in named:
            positions.pop("correct")
        else:
            positions.pop("score")
            positions.pop("max", None)
    required = ["student", "skill", "time"]
    if "correct" not in positions and "score" not in positions:
        required.append("correct or score")
    for field_name in required:
        if field_name in positions or field_name in unmapped:
            continue
        label = (
            "the correct (right or wrong) or the score"
            if field_name == "correct or score"
            else f"the {FIELD_LABELS[field_name]}"
        )
        problems.append(f"No column holds {label}. The file's columns are: {listed}.")
        unmapped.append(field_name)
    return ColumnChoice(positions=positions, problems=problems, unmapped=unmapped)


# --- Choosing the date order ------------------------------------------------


def build_date_reading(
    dates: Iterable[tuple[int, str]],
    chosen: DateOrder | None,
    stored: DateOrder | None,
) -> DateReading:
    """Decide the order a file's dates with slashes are read in.

    ``dates`` are the (line, cell) of the date column. The order ``chosen``
    by the person wins; then the order most dates show; then, when the
    dates show both as often or fit both orders, the order ``stored`` for
    the source. Each date that shows the other order is a conflict. See the
    module docstring for the whole rule.
    """
    # The dates that show one order, with the number that passes 12 (the
    # day), and the first date that fits both.
    shows: dict[DateOrder, list[tuple[int, str, int]]] = {
        DateOrder.DAY_FIRST: [],
        DateOrder.MONTH_FIRST: [],
    }
    ambiguous: tuple[int, str] | None = None
    for line, cell in dates:
        numbers = _slash_date_numbers(cell)
        if numbers is None:
            continue
        shown_by_date = shown_order(*numbers)
        if shown_by_date is not None:
            shows[shown_by_date].append((line, cell, max(numbers)))
        elif ambiguous is None and max(numbers) <= 12:
            ambiguous = (line, cell)
    day_first = len(shows[DateOrder.DAY_FIRST])
    month_first = len(shows[DateOrder.MONTH_FIRST])
    if not day_first and not month_first and ambiguous is None:
        return DateReading()

    decided_by: DateOrderFrom
    if chosen is not None:
        order, decided_by = chosen, "chosen"
    elif day_first != month_first:
        order = (
            DateOrder.DAY_FIRST if day_first > month_first else DateOrder.MONTH_FIRST
        )
        decided_by = "file"
    elif stored is not None:
        order, decided_by = stored, "source"
    elif day_first:
        first_day, first_month = (
            shows[DateOrder.DAY_FIRST][0],
            shows[DateOrder.MONTH_FIRST][0],
        )
        return DateReading(
            ambiguous=ambiguous,
            tie=(first_day[:2], first_month[:2]),
        )
    else:
        return DateReading(ambiguous=ambiguous)

    other = (
        DateOrder.MONTH_FIRST if order == DateOrder.DAY_FIRST else DateOrder.DAY_FIRST
    )
    shown = shows[order][0][:2] if decided_by == "file" else None
    if decided_by == "chosen":
        but = (
            f"but {ORDER_WORDS[order]} was chosen for this import. Choose "
            f"{ORDER_WORDS[other]} if the whole file is, or fix the date."
        )
    elif shown is not None:
        but = (
            f"but most dates in this file are {ORDER_WORDS[order]}, such as "
            f"{shown[1]} on line {shown[0]}. Write it in that order, then "
            "import the file again."
        )
    else:
        but = (
            f"but earlier files from this source were {ORDER_WORDS[order]}, and "
            "this file has as many dates of each order. Write it in that order, "
            "then import the file again."
        )
    conflicts = {
        line: f"This date is {ORDER_WORDS[other]} (there is no month {month}), {but}"
        for line, _cell, month in shows[other]
    }
    return DateReading(
        order=order,
        decided_by=decided_by,
        conflicts=conflicts,
        ambiguous=ambiguous,
        shown=shown,
    )


# --- Reading cells -----------------------------------------------------------


def parse_correct(text: str) -> bool:
    """Return whether a ``correct`` cell says right, or raise ``CellError``."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    if not word:
        raise CellError(
            "Whether the answer was right is missing. Write TRUE or FALSE "
            "(1/0 and yes/no work too)."
        )
    raise CellError(
        "This does not say right or wrong. Write TRUE or FALSE (1/0 and "
        "yes/no work too); for partial credit, import the file as scores."
    )


def _parse_number(text: str) -> float:
    cleaned = text.strip()
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    # Python's float() also reads "1_0" as 10 and digits of other scripts;
    # an export holds plain numbers, and anything else is a typo.
    if not PLAIN_NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_score(score_text: str, max_text: str) -> float:
    """Return a score as a fraction in [0, 1], or raise ``CellError``.

    With a max, the fraction is ``score / max``; without one, the score must
    already be a fraction, or a percentage such as ``85%``.
    """
    score_cell, max_cell = score_text.strip(), max_text.strip()
    if not score_cell:
        raise CellError("The score is missing. Fill it in, or delete the row.")
    percent = score_cell.endswith("%")
    try:
        score = _parse_number(score_cell.removesuffix("%"))
    except ValueError:
        raise CellError(
            "This is not a number. Write the score as a number, such as 7 or 7.5."
        ) from None
    if score < 0:
        raise CellError("A score cannot be below 0. Check the score.")
    if percent:
        if max_cell:
            raise CellError(
                "This score is a percentage and the row also has a max. Give "
                "one or the other."
            )
        if score > 100:
            raise CellError("A percentage cannot be more than 100%. Check the score.")
        return score / 100
    if not max_cell:
        if score > 1:
            raise CellError(
                "Without a max, a score must be between 0 and 1, or a "
                "percentage such as 85%. Add a column with the points "
                "possible to the file."
            )
        return score
    try:
        maximum = _parse_number(max_cell)
    except ValueError:
        maximum = 0.0
    if maximum <= 0:
        raise CellError(
            "The max must be a number above 0, such as 10. Check it.", field="max"
        )
    if score > maximum:
        raise CellError(
            f"The score is more than the max ({max_cell}). Check both, then "
            "import the file again."
        )
    return score / maximum


def _slash_date_numbers(cell: str) -> tuple[int, int] | None:
    match = SLASH_DATE.match(cell)
    if match is None:
        return None
    return int(match["first"]), int(match["second"])


def shown_order(first: int, second: int) -> DateOrder | None:
    """Return the one order a date's two leading numbers fit, or None.

    A date whose numbers both stay within 12 fits both orders; one whose
    numbers both pass 12 fits none.
    """
    if first > 12 >= second:
        return DateOrder.DAY_FIRST
    if second > 12 >= first:
        return DateOrder.MONTH_FIRST
    return None


def _read_slash_date(cell: str, order: DateOrder | None) -> datetime:
    match = SLASH_DATE.match(cell)
    if match is None:
        raise CellError(f"This is not a date that can be read. {DATE_EXAMPLE}")
    first, second = int(match["first"]), int(match["second"])
    shown = shown_order(first, second)
    if order is None:
        if shown is None and max(first, second) <= 12:
            raise CellError(
                "This date could be day/month/year or month/day/year. Choose "
                "the date order, or write it as 2024-09-03."
            )
        order = shown or DateOrder.DAY_FIRST
    elif shown is not None and shown != order:
        raise CellError(
            f"There is no month {max(first, second)} in a "
            f"{ORDER_WORDS[order]} date. Check the date and the date order."
        )
    day, month = (first, second) if order == DateOrder.DAY_FIRST else (second, first)
    year = int(match["year"])
    if len(match["year"]) == 2:
        year += 2000
    try:
        return datetime(
            year,
            month,
            day,
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["seconds"] or 0),
        )
    except ValueError:
        raise CellError(f"This date does not exist. Check it. {DATE_EXAMPLE}") from None


def parse_observed_at(text: str, now: datetime, *, order: DateOrder | None) -> datetime:
    """Return the moment a date or time cell names, or raise ``CellError``.

    ISO 8601 and dates with slashes are read (see the module docstring); a
    date with slashes is read in ``order``, or, when it is None, in the one
    order it fits. A time without a zone is the school's local time.
    """
    cell = text.strip()
    if not cell:
        raise CellError(f"The date is missing. {DATE_EXAMPLE}")
    if YEAR_FIRST_SLASHES.match(cell):
        cell = cell.replace("/", "-", 2)
    try:
        moment = datetime.fromisoformat(cell)
    except ValueError:
        moment = _read_slash_date(cell, order)
    if moment.replace(tzinfo=None) < EARLIEST_OBSERVATION:
        raise CellError(
            f"This date is before {EARLIEST_OBSERVATION.year}. Check the year."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now + FUTURE_SLACK:
        raise CellError("This date is in the future. Check the year.")
    return moment


# --- Checking rows -----------------------------------------------------------


class RowReader:
    """Read the rows of one file against the school's students and the skills."""

    def __init__(
        self,
        table: Table,
        positions: Mapping[str, int],
        school: School,
        now: datetime,
        dates: DateReading,
    ) -> None:
        self.table = table
        self.positions = positions
        self.now = now
        self.dates = dates
        self.kind = (
            EvidenceKind.RESPONSE if "correct" in positions else EvidenceKind.SCORE
        )
        rows = [row for _line, row in table.rows]
        self.students = find_students(
            school, {self.cell(row, "student") for row in rows}
        )
        self.skills: dict[str, int] = dict(
            Skill.objects.filter(
                code__in={self.cell(row, "skill") for row in rows}
            ).values_list("code", "pk")
        )

    def cell(self, row: Sequence[str], field_name: str) -> str:
        index = self.positions.get(field_name)
        if index is None or index >= len(row):
            return ""
        return row[index].strip()

    def problem(
        self, line: int, row: Sequence[str], field_name: str, message: str
    ) -> RowProblem:
        column = self.table.header[self.positions[field_name]]
        return RowProblem(line, column, self.cell(row, field_name), message)

    def read(self, line: int, row: Sequence[str]) -> Observation | list[RowProblem]:
        """Return the row as an observation, or every problem it has."""
        problems: list[RowProblem] = []
        extra = [value for value in row[len(self.table.header) :] if value.strip()]
        if extra:
            problems.append(
                RowProblem(
                    line,
                    "",
                    self.table.separator.join(extra),
                    "This row has more cells than the header. A value that "
                    "holds the separator (; or ,) needs quotes around it.",
                )
            )

        student_code = self.cell(row, "student")
        student_id = self.students.get(student_code)
        if not student_code:
            message = (
                "The student is missing. Fill in the student's code, or delete the row."
            )
            problems.append(self.problem(line, row, "student", message))
        elif student_id is None:
            message = (
                "No student in this school has this code. Check it against the "
                "class list, or add the student to the roster first; an evidence "
                "import never adds students."
            )
            problems.append(self.problem(line, row, "student", message))

        skill_code = self.cell(row, "skill")
        skill_id = self.skills.get(skill_code)
        if not skill_code:
            message = (
                "The skill is missing. Fill in the skill's code, or delete the row."
            )
            problems.append(self.problem(line, row, "skill", message))
        elif skill_id is None:
            message = (
                "No skill has this code. Check it against the skills list, or add "
                "the skill first; an evidence import never adds skills."
            )
            problems.append(self.problem(line, row, "skill", message))

        correct: bool | None = None
        score: float | None = None
        try:
            if self.kind == EvidenceKind.RESPONSE:
                correct = parse_correct(self.cell(row, "correct"))
            else:
                score = parse_score(self.cell(row, "score"), self.cell(row, "max"))
        except CellError as error:
            at_fault = error.field or (
                "correct" if self.kind == EvidenceKind.RESPONSE else "score"
            )
            problems.append(self.problem(line, row, at_fault, str(error)))

        observed_at: datetime | None = None
        conflict = self.dates.conflicts.get(line)
        if conflict is not None:
            problems.append(self.problem(line, row, "time", conflict))
        else:
            try:
                observed_at = parse_observed_at(
                    self.cell(row, "time"), self.now, order=self.dates.order
                )
            except CellError as error:
                problems.append(self.problem(line, row, "time", str(error)))

        item = self.cell(row, "item")
        if len(item) > ITEM_MAX_LENGTH:
            message = (
                f"The item is longer than {ITEM_MAX_LENGTH} characters. Shorten it."
            )
            problems.append(self.problem(line, row, "item", message))
        elif is_formula(item):
            message = (
                "This is a spreadsheet formula, not an item. Export the values "
                "instead of the formulas, then import the file again."
            )
            problems.append(self.problem(line, row, "item", message))

        if problems or student_id is None or skill_id is None or observed_at is None:
            return problems
        return Observation(
            line=line,
            student_id=student_id,
            skill_id=skill_id,
            kind=self.kind,
            correct=correct,
            score=score,
            observed_at=observed_at,
            item=item,
        )


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet would run a cell as a formula (=, +, -, @ …).

    A signed number such as -3 is a number, not a formula.
    """
    if not cell or cell[0] not in "=+-@\t\r":
        return False
    return cell[0] in "=@\t\r" or not PLAIN_NUMBER.fullmatch(cell)


def find_students(school: School, codes: set[str]) -> dict[str, int]:
    """Return the school's students by code, or by username for the codes left.

    A student's own code wins over another student's username.
    """
    by_code: dict[str, int] = {}
    by_username: dict[str, int] = {}
    for pk, code, username in Student.objects.filter(
        Q(code__in=codes) | Q(user__username__in=codes), school=school
    ).values_list("pk", "code", "user__username"):
        if code in codes:
            by_code[code] = pk
        if username in codes:
            by_username[username] = pk
    return {**by_username, **by_code}


def _same_value(
    observation: Observation, held: tuple[str, bool | None, float | None]
) -> bool:
    kind, correct, score = held
    if kind != observation.kind:
        return False
    if kind == EvidenceKind.RESPONSE:
        return correct == observation.correct
    return score is not None and math.isclose(
        score, observation.score or 0.0, abs_tol=1e-9
    )


def split_new_and_held(
    observations: Sequence[Observation],
    held: Mapping[
        tuple[int, int, str, datetime], tuple[str, bool | None, float | None]
    ],
    lines: Mapping[int, Sequence[str]],
    table: Table,
    positions: Mapping[str, int],
) -> tuple[list[Observation], int, list[RowProblem]]:
    """Return the observations to write, how many are held, and the clashes.

    A row that repeats an earlier row of the file, or that the school holds
    with another result, is a problem: importing it would lose one of the two.
    """
    first_line: dict[tuple[int, int, str, datetime], int] = {}
    new: list[Observation] = []
    held_count = 0
    problems: list[RowProblem] = []
    student_column = table.header[positions["student"]]
    for observation in observations:
        row = lines[observation.line]
        student = row[positions["student"]].strip()
        if observation.key in first_line:
            problems.append(
                RowProblem(
                    observation.line,
                    student_column,
                    student,
                    f"This row repeats line {first_line[observation.key]}: the "
                    "same student, skill, item and time. Delete one of them, or "
                    "add a column that tells the two apart (the item).",
                )
            )
            continue
        first_line[observation.key] = observation.line
        earlier = held.get(observation.key)
        if earlier is None:
            new.append(observation)
        elif _same_value(observation, earlier):
            held_count += 1
        else:
            problems.append(
                RowProblem(
                    observation.line,
                    student_column,
                    student,
                    "The school already holds this observation from this source "
                    "with another result. Correct the row, or ask your school "
                    "leader to remove the old evidence in the admin pages first.",
                )
            )
    return new, held_count, problems


# --- The import --------------------------------------------------------------


def store_evidence(
    school: School,
    source: EvidenceSource,
    new: Sequence[Observation],
    held: int,
    by: AbstractBaseUser | None,
    **audited: object,
) -> None:
    """Write checked new evidence of one source and its audit entry.

    Run inside the import's transaction; `audited` adds to what the audit
    entry says (ids and counts only).
    """
    Evidence.objects.bulk_create(
        (
            Evidence(
                student_id=each.student_id,
                skill_id=each.skill_id,
                kind=each.kind,
                correct=each.correct,
                score=each.score,
                observed_at=each.observed_at,
                source=source.name,
                item=each.item,
            )
            for each in new
        ),
        batch_size=WRITE_BATCH,
    )
    audit.record(
        AuditAction.EVIDENCE_IMPORTED,
        by=by,
        object_type="evidence_source",
        object_id=source.pk,
        school_id=school.pk,
        changes={
            "new": len(new),
            "held": held,
            "students": len({each.student_id for each in new}),
            **audited,
        },
    )


def record_evidence_import(
    school: School,
    source: str,
    data: bytes,
    *,
    columns: Mapping[str, str] | None = None,
    date_order: DateOrder | None = None,
    dry_run: bool = False,
    refit: bool = False,
    by: AbstractBaseUser | None = None,
) -> EvidenceImport:
    """Import the evidence in a CSV file for a school, all or nothing.

    ``source`` names the system the file comes from; its column mapping is
    remembered from the first import. ``columns`` maps a file's column to an
    evidence field (``{"Learner ID": "student"}``) and wins over the
    remembered mapping, which it then replaces. ``date_order`` is how the
    person says dates with slashes are written; None lets the file decide,
    then the order remembered for the source. With ``dry_run``, every check
    runs and nothing is written. With ``refit``, mastery is refitted for the
    school after an import that added evidence.

    A score becomes ``score / max`` in [0, 1]; see the module docstring for
    every rule of reading. The result lists every bad row; when there is one,
    nothing is written.
    """
    name = " ".join(source.split())
    if not name or len(name) > SOURCE_MAX_LENGTH:
        return EvidenceImport(
            source=name,
            dry_run=dry_run,
            file_problems=(
                f"Give the source a name of 1 to {SOURCE_MAX_LENGTH} characters, "
                "such as the program the file comes from.",
            ),
        )

    # Read the file and choose its columns.
    known = EvidenceSource.objects.filter(school=school, name__iexact=name).first()
    if known is not None:
        name = known.name
    try:
        table = read_table(decode_text(data))
    except FileUnreadable as error:
        result = EvidenceImport(
            source=name, dry_run=dry_run, file_problems=(str(error),)
        )
        _log(school, known, result, by)
        return result
    choice = build_column_choice(
        table.header, known.columns if known else None, columns or {}, name
    )
    used = {
        field_name: table.header[index]
        for field_name, index in choice.positions.items()
    }
    if choice.problems:
        result = EvidenceImport(
            source=name,
            dry_run=dry_run,
            columns=used,
            file_problems=tuple(choice.problems),
            unmapped=tuple(choice.unmapped),
        )
        _log(school, known, result, by)
        return result

    # Decide how the dates with slashes are read.
    stored = DateOrder(known.date_order) if known and known.date_order else None
    time_index = choice.positions["time"]
    dates = build_date_reading(
        (
            (line, row[time_index].strip() if time_index < len(row) else "")
            for line, row in table.rows
        ),
        date_order,
        stored,
    )
    undecided = _describe_undecided(dates)
    if undecided:
        result = EvidenceImport(
            source=name,
            dry_run=dry_run,
            columns=used,
            file_problems=(undecided,),
            date_order_unknown=True,
        )
        _log(school, known, result, by)
        return result

    # Check every row, then compare with what the school holds.
    now = timezone.now()
    reader = RowReader(table, choice.positions, school, now, dates)
    observations: list[Observation] = []
    problems: list[RowProblem] = []
    for line, row in table.rows:
        outcome = reader.read(line, row)
        if isinstance(outcome, Observation):
            observations.append(outcome)
        else:
            problems.extend(outcome)
    held = {
        (student_id, skill_id, item, observed_at): (kind, correct, score)
        for student_id, skill_id, item, observed_at, kind, correct, score in (
            Evidence.objects.filter(
                student__school=school,
                source=name,
                observed_at__range=(
                    min((each.observed_at for each in observations), default=now),
                    max((each.observed_at for each in observations), default=now),
                ),
            ).values_list(
                "student_id",
                "skill_id",
                "item",
                "observed_at",
                "kind",
                "correct",
                "score",
            )
        )
    }
    new, held_count, clashes = split_new_and_held(
        observations, held, dict(table.rows), table, choice.positions
    )
    problems.extend(clashes)
    problems.sort(
        key=lambda each: (
            each.line,
            table.header.index(each.column) if each.column in table.header else -1,
        )
    )
    # A chosen order, or one the file shows, is remembered for the source.
    remembered_order = dates.order if dates.decided_by in ("chosen", "file") else stored
    result = EvidenceImport(
        source=name,
        kind=reader.kind,
        rows=len(table.rows),
        new=0 if problems else len(new),
        held=0 if problems else held_count,
        columns=used,
        learned=known is None or known.columns != used,
        dry_run=dry_run,
        problems=tuple(problems),
        date_order=dates.order,
        date_order_from=dates.decided_by,
        notes=() if problems else _describe_order_change(name, dates, stored, dry_run),
    )
    if problems or dry_run:
        _log(school, known, result, by)
        return result

    # Write the evidence and the source's mapping together.
    try:
        with transaction.atomic():
            if known is None:
                known = EvidenceSource.objects.create(
                    school=school,
                    name=name,
                    columns=used,
                    date_order=remembered_order or "",
                )
            elif known.columns != used or stored != remembered_order:
                known.columns = used
                known.date_order = remembered_order or ""
                known.save(update_fields=["columns", "date_order", "updated_at"])
            store_evidence(school, known, new, held_count, by)
    except IntegrityError:
        # Another import of the same source wrote some of these rows meanwhile.
        result = EvidenceImport(
            source=name,
            dry_run=dry_run,
            columns=used,
            file_problems=(
                "Another import of this source ran at the same time, so nothing "
                "was imported. Import the file again.",
            ),
        )
        _log(school, known, result, by)
        return result
    _log(school, known, result, by)

    if refit and result.new:
        try:
            fit = record_mastery_fit(school)
        except Exception:
            # The evidence is in; the estimates can be refitted later.
            logger.exception(
                "Mastery refit after evidence import failed for school %s", school.pk
            )
            return replace(result, fit_failed=True)
        return replace(result, fit=fit)
    return result


def _describe_undecided(dates: DateReading) -> str:
    """Return why no date order could be decided for a file, or ""."""
    if dates.order is not None:
        return ""
    if dates.tie is not None:
        (day_line, day_value), (month_line, month_value) = dates.tie
        return (
            f"This file has as many day/month/year dates (such as {day_value} "
            f"on line {day_line}) as month/day/year ones (such as {month_value} "
            f"on line {month_line}). Choose the date order to see the dates "
            "that do not fit it, or export the dates as 2024-09-03."
        )
    if dates.ambiguous is not None:
        line, value = dates.ambiguous
        return (
            f"Dates such as {value} (line {line}) could be day/month/year or "
            "month/day/year, and no date in the file tells which. Choose the "
            "date order, or export the dates as 2024-09-03, then import the "
            "file again."
        )
    return ""


def _describe_order_change(
    name: str, dates: DateReading, stored: DateOrder | None, dry_run: bool
) -> tuple[str, ...]:
    """Return a note when a file is read in another order than the stored one."""
    if dates.order is None or stored is None or dates.order == stored:
        return ()
    new, old = ORDER_WORDS[dates.order], ORDER_WORDS[stored]
    if dates.shown is not None:
        line, value = dates.shown
        note = (
            f"The dates of this file are {new} (such as {value} on line {line}), "
            f"unlike earlier files from {name}, which were {old}."
        )
    else:
        note = f"Earlier files from {name} were {old}; this one was read as {new}."
    if not dry_run:
        note += (
            f" Later files from {name} whose dates fit both orders are read as {new}."
        )
    return (note,)


def _log(
    school: School,
    known: EvidenceSource | None,
    result: EvidenceImport,
    by: AbstractBaseUser | None,
) -> None:
    logger.info(
        "Evidence import for school %s, source %s, by user %s%s: %s rows, "
        "%s new, %s held, %s bad rows, %s file problems",
        school.pk,
        known.pk if known else None,
        by.pk if by else None,
        " (dry run)" if result.dry_run else "",
        result.rows,
        result.new,
        result.held,
        result.bad_lines,
        len(result.file_problems),
    )
