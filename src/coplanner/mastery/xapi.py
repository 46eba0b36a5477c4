"""Read xAPI statements as evidence: the API's endpoint and ``import-evidence FILE.json``.

A statement becomes one piece of evidence when:

- its **verb** is one of ADL's ``answered``, ``completed`` or ``scored``
  (``http://adlnet.gov/expapi/verbs/<verb>``); any other verb is refused,
  so an export holding ``launched`` or ``experienced`` statements must be
  filtered to these three first;
- its **actor** is a student of the school: ``actor.account.name`` is the
  student's code (or username), or ``actor.mbox`` (``mailto:…``) is the
  email of the student's login;
- its **object** names a skill: the skill's code in
  ``object.definition.extensions`` under ``SKILL_EXTENSION``, or else a
  skill whose source id is the activity id (``object.id``);
- its **result** holds what happened. ``answered`` reads ``result.success``
  as right or wrong, or, without it, the score; ``completed`` reads the
  score, or, without one, ``result.success``; ``scored`` needs the score.
  The score is ``result.score.scaled`` in [0, 1], or ``raw`` with ``max``
  (and ``min``, 0 by default), read as ``(raw − min) / (max − min)``;
- its **timestamp** (or, without one, ``stored``) says when, in ISO 8601.

The activity id is the evidence's item, so a student's two attempts at one
activity are two observations, and the same statement sent twice is one.
Records then go through the checks every evidence import shares
(``coplanner.mastery.batch``): the whole batch or nothing, with every bad
statement reported by its index, the field (a path such as
``result.score.scaled``), the value and why.
"""

import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models.functions import Lower

from coplanner.curriculum.models import Skill
from coplanner.mastery.batch import (
    BatchImport,
    EvidenceRecord,
    RecordProblem,
    record_evidence_batch,
)
from coplanner.mastery.importing import ITEM_MAX_LENGTH, find_students
from coplanner.roster.models import School, Student

VERB_START = "http://adlnet.gov/expapi/verbs/"
ANSWERED = VERB_START + "answered"
COMPLETED = VERB_START + "completed"
SCORED = VERB_START + "scored"
VERBS = (ANSWERED, COMPLETED, SCORED)
# The extension of an activity's definition that names the skill by its code.
SKILL_EXTENSION = "https://coplanner.org/xapi/extensions/skill"
DEFAULT_SOURCE = "xAPI"
# How the fields of a statement are named in problems.
XAPI_FIELDS: Mapping[str, str] = {
    "student": "actor",
    "skill": f"object.definition.extensions.{SKILL_EXTENSION}",
    "correct": "result.success",
    "score": "result.score",
    "max": "result.score.max",
    "time": "timestamp",
    "item": "object.id",
}
# A request with more statements than this is refused as a whole, before
# any statement is read, so that one request cannot hold the server for
# minutes. A file on the command line has no such limit.
MAX_STATEMENTS = 10_000


# Notes a problem of the statement being read: field, value sent, why.
Report = Callable[[str, Any, str], None]


class StatementsUnreadable(ValueError):
    """What was sent is not JSON statements at all; the message says why."""


@dataclass(frozen=True)
class Actor:
    """Who a statement names: an account name or an email, as sent."""

    account_name: str = ""
    email: str = ""


def parse_statements(data: bytes) -> list[Any]:
    """Return the statements in a JSON text (one statement or a list)."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise StatementsUnreadable(
            "The file is not UTF-8 text. Export the statements from the "
            "learning record store as JSON, then import them again."
        ) from None
    except json.JSONDecodeError as error:
        raise StatementsUnreadable(
            f"The file is not JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Export the statements as JSON, then import them "
            "again."
        ) from None
    return build_statement_list(parsed, limit=None)


def build_statement_list(parsed: Any, limit: int | None = MAX_STATEMENTS) -> list[Any]:
    """Return a statement or a list of statements as a list, or raise.

    ``limit`` is the most statements accepted at once (None for no limit).
    """
    # A store's export often wraps the list: {"statements": [...], "more": ""}.
    if isinstance(parsed, dict) and isinstance(parsed.get("statements"), list):
        parsed = parsed["statements"]
    statements = parsed if isinstance(parsed, list) else [parsed]
    if not statements:
        raise StatementsUnreadable(
            "There are no statements. Send one statement or a list of them."
        )
    if limit is not None and len(statements) > limit:
        raise StatementsUnreadable(
            f"There are {len(statements)} statements; send at most {limit} at a time."
        )
    return statements


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _shown(value: Any) -> str:
    """Return a value as a problem shows it: text as is, the rest as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 200 else text[:199] + "…"


def _number(value: Any) -> float | None:
    # JSON true is not a number, though Python counts it as one.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _item(activity_id: str) -> str:
    """Return the activity id as an item, shortened stably when too long."""
    if len(activity_id) <= ITEM_MAX_LENGTH:
        return activity_id
    digest = hashlib.sha256(activity_id.encode("utf-8")).hexdigest()[:16]
    return activity_id[: ITEM_MAX_LENGTH - 17] + "#" + digest


def _read_actor(statement: Mapping[str, Any]) -> Actor | None:
    actor = statement.get("actor")
    if not isinstance(actor, dict):
        return None
    account = actor.get("account")
    name = _text(account.get("name")) if isinstance(account, dict) else ""
    mbox = _text(actor.get("mbox"))
    email = mbox[len("mailto:") :].strip() if mbox.lower().startswith("mailto:") else ""
    if not name and not email:
        return None
    return Actor(account_name=name, email=email.lower())


class StatementReader:
    """Read the statements of one batch against the school's students and skills."""

    def __init__(self, school: School, statements: Sequence[Any]) -> None:
        self.school = school
        self.statements = statements
        dicts = [each for each in statements if isinstance(each, dict)]
        actors = [actor for actor in map(_read_actor, dicts) if actor is not None]
        names = {actor.account_name for actor in actors if actor.account_name}
        emails = {actor.email for actor in actors if actor.email}
        # Account names are student codes or usernames, as in a CSV file.
        self.by_account = find_students(school, names) if names else {}
        self.codes: dict[int, str] = dict(
            Student.objects.filter(pk__in=set(self.by_account.values())).values_list(
                "pk", "code"
            )
        )
        self.by_email: dict[str, list[str]] = {}
        if emails:
            for email, code in (
                Student.objects.filter(school=school)
                .annotate(email=Lower("user__email"))
                .filter(email__in=emails)
                .values_list("email", "code")
            ):
                self.by_email.setdefault(email, []).append(code)
        activity_ids = {
            _text(each.get("object", {}).get("id"))
            for each in dicts
            if isinstance(each.get("object"), dict)
        }
        self.by_activity: dict[str, list[str]] = {}
        for source_id, code in Skill.objects.filter(
            source_id__in=activity_ids - {""}
        ).values_list("source_id", "code"):
            self.by_activity.setdefault(source_id, []).append(code)

    def read(self, index: int) -> EvidenceRecord | list[RecordProblem]:
        """Return one statement as a record, or every problem it has."""
        statement = self.statements[index]
        if not isinstance(statement, dict):
            return [
                RecordProblem(
                    index,
                    "statement",
                    _shown(statement),
                    "A statement is a JSON object with actor, verb, object, "
                    "result and timestamp.",
                )
            ]
        problems: list[RecordProblem] = []

        def problem(field: str, value: Any, why: str) -> None:
            problems.append(RecordProblem(index, field, _shown(value), why))

        student = self._read_student(statement, problem)
        verb = self._read_verb(statement, problem)
        skill, activity_id = self._read_skill(statement, problem)
        correct, score = self._read_result(statement, verb, problem)
        moment = statement.get("timestamp") or statement.get("stored")
        if not isinstance(moment, str) or not moment.strip():
            problem(
                "timestamp",
                moment,
                "The statement has no timestamp. Give the time it happened in "
                "ISO 8601, such as 2024-09-03T10:15:00Z.",
            )
        if problems or student is None or skill is None or verb is None:
            return problems
        return EvidenceRecord(
            index=index,
            student=student,
            skill=skill,
            observed_at=str(moment),
            correct=correct,
            score=score,
            item=_item(activity_id),
        )

    def _read_student(
        self, statement: Mapping[str, Any], problem: Report
    ) -> str | None:
        actor = _read_actor(statement)
        if actor is None:
            problem(
                "actor",
                statement.get("actor"),
                "The statement names no student. Give the student's code as "
                "actor.account.name, or their email as actor.mbox "
                "(mailto:…).",
            )
            return None
        if actor.account_name:
            pk = self.by_account.get(actor.account_name)
            if pk is not None:
                return self.codes[pk]
        if actor.email:
            codes = self.by_email.get(actor.email, [])
            if len(codes) == 1:
                return codes[0]
            if len(codes) > 1:
                problem(
                    "actor.mbox",
                    "mailto:" + actor.email,
                    "More than one student of this school has this email. "
                    "Name the student by code in actor.account.name instead.",
                )
                return None
        field, value = (
            ("actor.account.name", actor.account_name)
            if actor.account_name
            else ("actor.mbox", "mailto:" + actor.email)
        )
        problem(
            field,
            value,
            "No student in this school has this code or email. Check it "
            "against the class list, or add the student to the roster first; "
            "an evidence import never adds students.",
        )
        return None

    def _read_verb(self, statement: Mapping[str, Any], problem: Report) -> str | None:
        verb = statement.get("verb")
        verb_id = _text(verb.get("id")) if isinstance(verb, dict) else ""
        if verb_id in VERBS:
            return verb_id
        problem(
            "verb.id",
            verb_id or verb,
            "Only answered, completed and scored statements are evidence "
            f"({ANSWERED}, {COMPLETED}, {SCORED}). Leave other statements "
            "out of what you send.",
        )
        return None

    def _read_skill(
        self, statement: Mapping[str, Any], problem: Report
    ) -> tuple[str | None, str]:
        target = statement.get("object")
        if not isinstance(target, dict) or not _text(target.get("id")):
            problem(
                "object.id",
                target,
                "The statement has no activity. Give the activity's id as object.id.",
            )
            return None, ""
        activity_id = _text(target["id"])
        if target.get("objectType", "Activity") != "Activity":
            problem(
                "object.objectType",
                target.get("objectType"),
                "The object of a statement of evidence is an Activity.",
            )
            return None, activity_id
        definition = target.get("definition")
        extensions = (
            definition.get("extensions") if isinstance(definition, dict) else None
        )
        if isinstance(extensions, dict) and SKILL_EXTENSION in extensions:
            code = extensions[SKILL_EXTENSION]
            if isinstance(code, str) and code.strip():
                return code.strip(), activity_id
            problem(
                XAPI_FIELDS["skill"],
                code,
                "The skill extension must hold a skill's code as text.",
            )
            return None, activity_id
        codes = self.by_activity.get(activity_id, [])
        if len(codes) == 1:
            return codes[0], activity_id
        why = (
            f"{len(codes)} skills have this activity id as their source id. "
            f"Name the skill by its code in the extension {SKILL_EXTENSION}."
            if codes
            else "No skill has this activity id as its source id. Name the "
            "skill by its code in object.definition.extensions under "
            f"{SKILL_EXTENSION}, or give the skill this source id."
        )
        problem("object.id", activity_id, why)
        return None, activity_id

    def _read_result(
        self, statement: Mapping[str, Any], verb: str | None, problem: Report
    ) -> tuple[bool | None, float | None]:
        result = statement.get("result")
        if result is None:
            result = {}
        if not isinstance(result, dict):
            problem("result", result, "The result must be a JSON object.")
            return None, None
        success = result.get("success")
        if success is not None and not isinstance(success, bool):
            problem("result.success", success, "result.success is true or false.")
            return None, None
        has_score = isinstance(result.get("score"), dict)
        if "score" in result and not has_score:
            problem(
                "result.score",
                result.get("score"),
                "result.score must be an object with scaled, or raw and max.",
            )
            return None, None

        use_score = verb == SCORED or (
            has_score and (verb == COMPLETED or success is None)
        )
        if use_score:
            if not has_score:
                problem(
                    "result.score",
                    None,
                    "A scored statement needs result.score: scaled (0 to 1), "
                    "or raw and max.",
                )
                return None, None
            return None, self._read_score(result["score"], problem)
        if success is None:
            if verb is not None:
                problem(
                    "result.success",
                    None,
                    "The statement says neither whether the answer was right "
                    "(result.success) nor a score (result.score).",
                )
            return None, None
        return success, None

    def _read_score(self, score: Mapping[str, Any], problem: Report) -> float | None:
        if "scaled" in score:
            scaled = _number(score["scaled"])
            if scaled is None:
                problem("result.score.scaled", score["scaled"], "This is not a number.")
                return None
            if not 0.0 <= scaled <= 1.0:
                problem(
                    "result.score.scaled",
                    score["scaled"],
                    "A scaled score must be between 0 and 1 for evidence "
                    "(xAPI allows -1 to 1; a negative score is not evidence "
                    "of a skill).",
                )
                return None
            return scaled
        raw, top = _number(score.get("raw")), _number(score.get("max"))
        bottom = _number(score.get("min", 0))
        if raw is None or top is None:
            problem(
                "result.score",
                score,
                "Give result.score.scaled (0 to 1), or result.score.raw with "
                "result.score.max.",
            )
            return None
        if bottom is None or top <= bottom:
            problem(
                "result.score.max",
                score.get("max"),
                "result.score.max must be a number above result.score.min (0 by "
                "default).",
            )
            return None
        if not bottom <= raw <= top:
            problem(
                "result.score.raw",
                score.get("raw"),
                f"The raw score is outside min to max ({_shown(score.get('min', 0))} "
                f"to {_shown(score.get('max'))}). Check the score.",
            )
            return None
        return (raw - bottom) / (top - bottom)


def record_xapi_statements(
    school: School,
    statements: Sequence[Any],
    source: str = DEFAULT_SOURCE,
    *,
    dry_run: bool = False,
    refit: bool = False,
    by: AbstractBaseUser | None = None,
    channel: str = "xapi_file",
) -> BatchImport:
    """Import xAPI statements as evidence for a school, all or nothing.

    See the module docstring for how a statement is read. The result lists a
    problem for every bad statement; when there is one, nothing is written.
    """
    reader = StatementReader(school, statements)
    records: list[EvidenceRecord] = []
    problems: list[RecordProblem] = []
    for index in range(len(statements)):
        outcome = reader.read(index)
        if isinstance(outcome, EvidenceRecord):
            records.append(outcome)
        else:
            problems.extend(outcome)
    return record_evidence_batch(
        school,
        source,
        records,
        fields=XAPI_FIELDS,
        problems=problems,
        sent=len(statements),
        dry_run=dry_run,
        refit=refit,
        by=by,
        channel=channel,
    )
