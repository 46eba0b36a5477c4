"""Import evidence sent as records (the API's JSON, xAPI statements), all or nothing.

A record is one observation that another system sends already split into
fields: a student's code, a skill's code, ``correct`` (an item response) or
``score`` with an optional ``max`` (a score), an ISO 8601 time and an
optional item. Records are checked by the CSV importer's own reader
(``coplanner.mastery.importing.RowReader``), so that a record and a CSV row
are held to the same rules and get the same messages: the student and the
skill must exist, a score becomes ``score / max`` in [0, 1], a date may not
lie in the future, a batch may not repeat an observation, and one the
school already holds from the same source is skipped (sending a batch
twice changes nothing), unless it holds it with another result.

Any bad record, and nothing is written. Every problem names the record's
``index`` in the batch, the ``field`` (as the sender names it), the value
and why it is refused.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from coplanner.mastery.actions import FitSummary, record_mastery_fit
from coplanner.mastery.importing import (
    SOURCE_MAX_LENGTH,
    DateReading,
    Observation,
    RowProblem,
    RowReader,
    Table,
    split_new_and_held,
    store_evidence,
)
from coplanner.mastery.models import Evidence, EvidenceKind, EvidenceSource
from coplanner.roster.models import School

logger = logging.getLogger(__name__)

# The order of the cells of the table a batch is read as.
CELLS = ("student", "skill", "correct", "score", "max", "time", "item")
# What the API calls each field; a reader of another format passes its own.
API_FIELDS: Mapping[str, str] = {
    "student": "student",
    "skill": "skill",
    "correct": "correct",
    "score": "score",
    "max": "max",
    "time": "observed_at",
    "item": "item",
}
RESPONSE_POSITIONS = {"student": 0, "skill": 1, "correct": 2, "time": 5, "item": 6}
SCORE_POSITIONS = {"student": 0, "skill": 1, "score": 3, "max": 4, "time": 5, "item": 6}


@dataclass(frozen=True)
class EvidenceRecord:
    """One observation as a system sends it, before it is checked.

    ``index`` is its place in the batch the sender sent, so that problems
    point back to it. ``observed_at`` is ISO 8601 text; without a time zone
    it is the school's local time.
    """

    index: int
    student: str
    skill: str
    observed_at: str
    correct: bool | None = None
    score: float | None = None
    max: float | None = None
    item: str = ""


@dataclass(frozen=True)
class RecordProblem:
    """What is wrong with one record: where, the value sent, and why."""

    index: int
    field: str
    value: str
    why: str


@dataclass(frozen=True)
class BatchImport:
    """What a batch import did, or why it did nothing.

    ``new`` and ``held`` are 0 when the batch is refused. ``records`` counts
    what was sent (statements, for xAPI).
    """

    source: str
    records: int = 0
    new: int = 0
    held: int = 0
    dry_run: bool = False
    problems: tuple[RecordProblem, ...] = ()
    source_problem: str = ""
    fit: FitSummary | None = None
    fit_failed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.source_problem


@dataclass(frozen=True)
class CheckedBatch:
    """The records of a batch, checked: what to write, what is held, what is wrong."""

    new: list[Observation]
    held: int
    problems: list[RecordProblem]


def build_source_name(source: str) -> tuple[str, str]:
    """Return a source's name with its spaces tidied, and a problem or ""."""
    name = " ".join(source.split())
    if not name or len(name) > SOURCE_MAX_LENGTH:
        return name, (
            f"Give the source a name of 1 to {SOURCE_MAX_LENGTH} characters, "
            "such as the program the evidence comes from."
        )
    return name, ""


def find_source(school: School, name: str) -> EvidenceSource | None:
    """Return the school's evidence source of this name (any case), or None."""
    return EvidenceSource.objects.filter(school=school, name__iexact=name).first()


def _number_text(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _cells(record: EvidenceRecord) -> list[str]:
    return [
        record.student.strip(),
        record.skill.strip(),
        "" if record.correct is None else ("true" if record.correct else "false"),
        _number_text(record.score),
        _number_text(record.max),
        record.observed_at.strip(),
        record.item.strip(),
    ]


def _as_problem(problem: RowProblem, fields: Mapping[str, str]) -> RecordProblem:
    # The reader names cells by the table's header, which holds the
    # sender's field names; a problem of the whole row has no column.
    return RecordProblem(
        index=problem.line,
        field=problem.column or fields["student"],
        value=problem.value,
        why=problem.message,
    )


def check_records(
    school: School,
    source: str,
    records: Sequence[EvidenceRecord],
    fields: Mapping[str, str] = API_FIELDS,
) -> CheckedBatch:
    """Check records as the CSV importer checks rows, and compare with what is held.

    ``source`` is the tidied name of an existing source or of a new one.
    ``fields`` gives the sender's name of each field, for the problems.
    """
    header = [fields[cell] for cell in CELLS]
    problems: list[RecordProblem] = []
    by_kind: dict[str, list[tuple[int, list[str]]]] = {
        EvidenceKind.RESPONSE: [],
        EvidenceKind.SCORE: [],
    }
    for record in records:
        cells = _cells(record)
        if record.correct is not None and record.score is not None:
            problems.append(
                RecordProblem(
                    record.index,
                    fields["correct"],
                    cells[2],
                    f"Give either {fields['correct']} (an item response) or "
                    f"{fields['score']} (a score), not both.",
                )
            )
        elif record.correct is None and record.score is None:
            problems.append(
                RecordProblem(
                    record.index,
                    fields["correct"],
                    "",
                    f"Give {fields['correct']} (true or false, for an item "
                    f"response) or {fields['score']} (for a score).",
                )
            )
        else:
            kind = (
                EvidenceKind.RESPONSE
                if record.correct is not None
                else EvidenceKind.SCORE
            )
            by_kind[kind].append((record.index, cells))

    # Each kind is read as its own table, the way a CSV file holds one kind.
    now = timezone.now()
    observations: list[Observation] = []
    lines: dict[int, list[str]] = {}
    table = Table(header=header, rows=[], separator=",")
    for kind, rows in by_kind.items():
        if not rows:
            continue
        positions = (
            RESPONSE_POSITIONS if kind == EvidenceKind.RESPONSE else SCORE_POSITIONS
        )
        table = Table(header=header, rows=rows, separator=",")
        reader = RowReader(table, positions, school, now, DateReading())
        for index, cells in rows:
            lines[index] = cells
            outcome = reader.read(index, cells)
            if isinstance(outcome, Observation):
                observations.append(outcome)
            else:
                problems.extend(_as_problem(each, fields) for each in outcome)
    observations.sort(key=lambda each: each.line)

    held = _held_observations(school, source, observations, now)
    new, held_count, clashes = split_new_and_held(
        observations, held, lines, table, RESPONSE_POSITIONS
    )
    problems.extend(_as_problem(each, fields) for each in clashes)
    order = {name: place for place, name in enumerate(header)}
    problems.sort(key=lambda each: (each.index, order.get(each.field, -1)))
    return CheckedBatch(new=new, held=held_count, problems=problems)


def _held_observations(
    school: School, source: str, observations: Sequence[Observation], now: datetime
) -> dict[tuple[int, int, str, datetime], tuple[str, bool | None, float | None]]:
    if not observations:
        return {}
    rows = Evidence.objects.filter(
        student__school=school,
        source=source,
        student_id__in={each.student_id for each in observations},
        observed_at__range=(
            min(each.observed_at for each in observations),
            max(each.observed_at for each in observations),
        ),
    ).values_list(
        "student_id", "skill_id", "item", "observed_at", "kind", "correct", "score"
    )
    return {
        (student_id, skill_id, item, observed_at): (kind, correct, score)
        for student_id, skill_id, item, observed_at, kind, correct, score in rows
    }


def write_observations(
    school: School,
    source: str,
    known: EvidenceSource | None,
    checked: CheckedBatch,
    by: AbstractBaseUser | None,
    channel: str,
) -> bool:
    """Write checked observations of a source in one transaction, with its audit.

    Return False, having written nothing, when another import of the same
    source wrote some of them meanwhile.
    """
    new = checked.new
    try:
        with transaction.atomic():
            if known is None:
                known = EvidenceSource.objects.create(school=school, name=source)
            store_evidence(school, known, new, checked.held, by, via=channel)
    except IntegrityError:
        return False
    return True


def record_evidence_batch(
    school: School,
    source: str,
    records: Sequence[EvidenceRecord],
    *,
    fields: Mapping[str, str] = API_FIELDS,
    problems: Sequence[RecordProblem] = (),
    sent: int | None = None,
    dry_run: bool = False,
    refit: bool = False,
    by: AbstractBaseUser | None = None,
    channel: str = "api_rows",
) -> BatchImport:
    """Import a batch of evidence records for a school, all or nothing.

    ``problems`` are those a reader of another format (xAPI) already found
    in what was sent; ``sent`` is how many items were sent (records by
    default). With ``dry_run`` every check runs and nothing is written; with
    ``refit`` mastery is refitted for the school after a batch that added
    evidence. ``channel`` is a code for the way the batch came (``api_rows``,
    ``api_xapi``, ``xapi_file``), for the log and the audit.
    """
    name, source_problem = build_source_name(source)
    count = len(records) if sent is None else sent
    if source_problem:
        return BatchImport(
            source=name, records=count, dry_run=dry_run, source_problem=source_problem
        )
    known = find_source(school, name)
    if known is not None:
        name = known.name

    checked = check_records(school, name, records, fields)
    # By record, each record's problems in the order they were found.
    found = sorted([*problems, *checked.problems], key=lambda each: each.index)
    result = BatchImport(
        source=name,
        records=count,
        new=0 if found else len(checked.new),
        held=0 if found else checked.held,
        dry_run=dry_run,
        problems=tuple(found),
    )
    if found or dry_run:
        _log(school, known, result, by, channel)
        return result

    if checked.new and not write_observations(
        school, name, known, checked, by, channel
    ):
        result = replace(
            result,
            new=0,
            held=0,
            source_problem=(
                "Another import of this source ran at the same time, so nothing "
                "was imported. Send the batch again."
            ),
        )
    _log(school, known, result, by, channel)

    if refit and result.ok and result.new:
        try:
            fit = record_mastery_fit(school)
        except Exception:
            # The evidence is in; the estimates can be refitted later.
            logger.exception(
                "Mastery refit after evidence batch failed for school %s", school.pk
            )
            return replace(result, fit_failed=True)
        return replace(result, fit=fit)
    return result


def _log(
    school: School,
    known: EvidenceSource | None,
    result: BatchImport,
    by: AbstractBaseUser | None,
    channel: str,
) -> None:
    logger.info(
        "Evidence batch (%s) for school %s, source %s, by user %s%s: %s sent, %s new, "
        "%s held, %s problems",
        channel,
        school.pk,
        known.pk if known else None,
        by.pk if by else None,
        " (dry run)" if result.dry_run else "",
        result.records,
        result.new,
        result.held,
        len(result.problems) + bool(result.source_problem),
    )


def problems_as_errors(problems: Sequence[RecordProblem]) -> list[dict[str, object]]:
    """Return problems as the API's error entries (index, field, value, why)."""
    return [
        {"index": each.index, "field": each.field, "value": each.value, "why": each.why}
        for each in problems
    ]
