"""Import skills from a CASE package (JSON) or a plain CSV, all or nothing.

A CASE ``CFPackage`` holds a ``CFDocument`` (the framework: its title and
subject), ``CFItems`` (the standards) and ``CFAssociations`` (how they
relate). How it becomes skills:

- Each CFItem is a skill. Its code is ``humanCodingScheme`` (such as
  ``K.CC.A.1``), else its ``identifier``; its name is ``fullStatement``,
  shortened to its first sentence, then to whole words, when it is longer
  than a skill's name may be; its subject is the document's first
  ``subject``, unless one is given for the import; its grade the lowest of
  ``educationLevel`` (``KG`` is 0, ``PK`` -1); ``source_id`` is the
  identifier, by which a later import finds it again.
- ``A isChildOf B`` makes B the parent of A (an item that is a child of
  the document itself has no parent).
- ``A precedes B`` makes A a prerequisite of B; so does ``A
  isPrerequisiteOf B``, and ``A hasPrerequisite B`` makes B one of A.
- Other associations (``isPeerOf``, ``exactMatchOf``, ``isRelatedTo`` …)
  have no place in coplanner: they are counted in the report as left out.

A plain CSV has the columns ``code``, ``name``, ``subject``, and optionally
``grade``, ``parent`` (a code) and ``prerequisites`` (codes separated by
``;``). Parents and prerequisites may name skills of the file or skills
coplanner holds already.

Either way the import is all or nothing: every bad item or row is
reported, and then nothing is written. Prerequisites that form a cycle are
refused, naming the cycle. For each skill of the file, the file's parent and
prerequisites replace the held ones, so importing the same file twice
changes nothing. A subject that does not exist yet is created, and the
report says so.
"""

import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from coplanner.curriculum.models import Prerequisite, Skill, Subject
from coplanner.roster.csvtables import (
    ImportProblem,
    Row,
    check_text,
    read_table,
)
from coplanner.roster.oneroster import GRADES

logger = logging.getLogger(__name__)

# TODO: the messages of this module are English only, like the other import
# reports; wrap them in gettext when the Spanish catalogue covers imports.

CODE_LENGTH = Skill._meta.get_field("code").max_length or 128
NAME_LENGTH = Skill._meta.get_field("name").max_length or 200
SUBJECT_NAME_LENGTH = Subject._meta.get_field("name").max_length or 100
SOURCE_ID_LENGTH = Skill._meta.get_field("source_id").max_length or 255
MAX_FILE_BYTES = 50 * 1024 * 1024
PREREQUISITE_TYPES = {
    "precedes": False,
    "isprerequisiteof": False,
    "hasprerequisite": True,
}
GRADE_WORDS = "KG, 01 to 12, or PK"
SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True)
class SkillRecord:
    """One skill as the file gives it, checked, before it meets the database."""

    key: str  # the CASE identifier, or the code of a CSV row
    code: str
    name: str
    subject: str
    grade: int | None
    source_id: str
    where: tuple[str, int]


@dataclass(frozen=True)
class SkillImport:
    """What a skills import did, or why it did nothing.

    ``left_out`` counts the associations that have no place in coplanner, by
    type. ``problems`` lists every bad item or row; when there is one,
    nothing was written.
    """

    format: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    prerequisites_added: int = 0
    prerequisites_removed: int = 0
    subjects_created: tuple[str, ...] = ()
    left_out: Mapping[str, int] = field(default_factory=dict)
    problems: tuple[ImportProblem, ...] = ()
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.prerequisites_added
            or self.prerequisites_removed
            or self.subjects_created
        )


def shorten_statement(text: str, limit: int = NAME_LENGTH) -> str:
    """Return a standard's statement as a skill name of at most ``limit`` characters.

    A statement that fits is kept whole; otherwise its first sentence, if
    that fits; otherwise as many whole words as fit, with an ellipsis.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    first = SENTENCE_END.split(text, maxsplit=1)[0]
    if len(first) <= limit:
        return first
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


# --- Reading the two formats -------------------------------------------------------


@dataclass
class _Read:
    """What a file holds: skills, parent and prerequisite links, problems."""

    format: str
    skills: list[SkillRecord] = field(default_factory=list)
    # (child key, parent key or "" for none, where)
    parents: list[tuple[str, str, tuple[str, int]]] = field(default_factory=list)
    # (skill key, required key, where)
    prerequisites: list[tuple[str, str, tuple[str, int]]] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    problems: list[ImportProblem] = field(default_factory=list)

    def problem(
        self, where: tuple[str, int], column: str, value: object, message: str
    ) -> None:
        self.problems.append(
            ImportProblem(where[0], where[1], column, str(value)[:80], message)
        )


def _grade(values: Iterable[str]) -> tuple[int | None, str]:
    """Return the lowest grade named, or None with the code that is not a grade."""
    grades = []
    for value in values:
        key = value.strip().upper()
        key = {"K": "KG", "0": "KG", **{str(n): f"{n:02d}" for n in range(1, 13)}}.get(
            key, key
        )
        if not key:
            continue
        if GRADES.get(key) is None:
            return None, value
        grades.append(GRADES[key])
    return (min(grades) if grades else None), ""


def read_case(data: bytes, subject: str | None) -> _Read:
    """Read a CASE CFPackage, checking every item and association."""
    read = _Read(format="CASE")
    try:
        package = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        read.problem(("", 0), "", "", "The file is not UTF-8 text. Export it again.")
        return read
    except json.JSONDecodeError as error:
        read.problem(
            ("", error.lineno),
            "",
            "",
            f"The file is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno}). Export the CASE package again.",
        )
        return read
    if not isinstance(package, dict) or not isinstance(package.get("CFItems"), list):
        read.problem(
            ("", 0),
            "",
            "",
            "This is not a CASE package: it has no list of CFItems. Export the "
            "framework as a CFPackage.",
        )
        return read
    document = (
        package.get("CFDocument") if isinstance(package.get("CFDocument"), dict) else {}
    )
    document_id = str(document.get("identifier", ""))
    subjects = document.get("subject") or []
    if isinstance(subjects, str):
        subjects = [subjects]
    subject_name = subject or (str(subjects[0]) if subjects else "")
    if not subject_name:
        read.problem(
            ("CFDocument", 0),
            "subject",
            "",
            "The framework names no subject. Give one for the import (such as "
            "--subject math).",
        )

    identifiers: dict[str, int] = {}
    codes: dict[str, int] = {}
    for index, item in enumerate(package["CFItems"], start=1):
        where = ("CFItems", index)
        if not isinstance(item, dict):
            read.problem(
                where, "", "", "This item is not an object. Export the package again."
            )
            continue
        identifier = _text(item.get("identifier"))
        statement = _text(item.get("fullStatement"))
        code = _text(item.get("humanCodingScheme")) or identifier
        bad = False
        if not identifier:
            read.problem(where, "identifier", "", "The item has no identifier.")
            bad = True
        elif identifier in identifiers:
            read.problem(
                where,
                "identifier",
                identifier,
                f"Item {identifiers[identifier]} has the same identifier. Each "
                "item needs its own.",
            )
            bad = True
        elif len(identifier) > SOURCE_ID_LENGTH:
            read.problem(where, "identifier", identifier, "The identifier is too long.")
            bad = True
        for column, value, limit in (
            ("humanCodingScheme", code, CODE_LENGTH),
            ("fullStatement", statement, 10_000),
        ):
            problem = _text_problem(value, limit, column)
            if problem:
                read.problem(where, column, value, problem)
                bad = True
        if not statement:
            read.problem(where, "fullStatement", "", "The item has no fullStatement.")
            bad = True
        if code and code in codes:
            read.problem(
                where,
                "humanCodingScheme",
                code,
                f"Item {codes[code]} has the same code. Each skill needs its own.",
            )
            bad = True
        levels = item.get("educationLevel") or []
        if isinstance(levels, str):
            levels = [levels]
        grade, wrong = _grade(str(level) for level in levels)
        if wrong:
            read.problem(
                where,
                "educationLevel",
                wrong,
                f"“{wrong}” is not a grade coplanner plans for. Write {GRADE_WORDS}.",
            )
            bad = True
        if identifier and identifier not in identifiers:
            identifiers[identifier] = index
        if code and code not in codes:
            codes[code] = index
        if bad:
            continue
        read.skills.append(
            SkillRecord(
                key=identifier,
                code=code,
                name=shorten_statement(statement),
                subject=subject_name,
                grade=grade,
                source_id=identifier,
                where=where,
            )
        )

    associations = package.get("CFAssociations") or []
    if not isinstance(associations, list):
        read.problem(("CFAssociations", 0), "", "", "CFAssociations is not a list.")
        associations = []
    for index, association in enumerate(associations, start=1):
        where = ("CFAssociations", index)
        if not isinstance(association, dict):
            read.problem(where, "", "", "This association is not an object.")
            continue
        kind = _text(association.get("associationType"))
        origin = _node(association.get("originNodeURI"))
        destination = _node(association.get("destinationNodeURI"))
        lowered = kind.casefold()
        if lowered == "ischildof":
            if not origin or not destination:
                read.problem(
                    where, "originNodeURI", "", "The association names no item."
                )
                continue
            read.parents.append(
                (origin, "" if destination == document_id else destination, where)
            )
        elif lowered in PREREQUISITE_TYPES or "prerequisite" in lowered:
            if not origin or not destination:
                read.problem(
                    where, "originNodeURI", "", "The association names no item."
                )
                continue
            reverse = PREREQUISITE_TYPES.get(lowered, lowered.startswith("has"))
            required, skill = (
                (destination, origin) if reverse else (origin, destination)
            )
            read.prerequisites.append((skill, required, where))
        else:
            read.left_out[kind or "(no type)"] += 1
    return read


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, (str, int)) else ""


def _node(value: Any) -> str:
    """Return the identifier a CASE node reference names."""
    if isinstance(value, dict):
        return _text(value.get("identifier"))
    return _text(value)


def _text_problem(value: str, limit: int, column: str) -> str:
    row = Row("", 0, {column: value})
    problems = check_text(row, column, limit)
    return problems[0].message if problems else ""


def read_skills_csv(name: str, data: bytes) -> _Read:
    """Read a plain CSV of skills, checking every row."""
    read = _Read(format="CSV")
    table, problems = read_table(
        name, data, ("code", "name", "subject"), ("grade", "parent", "prerequisites")
    )
    read.problems.extend(problems)
    if table is None:
        return read
    if not table.rows:
        read.problem((name, 0), "", "", "The file has a header but no skills.")
    codes: dict[str, int] = {}
    for row in table.rows:
        where = (name, row.line)
        count = len(read.problems)
        read.problems.extend(check_text(row, "code", CODE_LENGTH, required=True))
        read.problems.extend(check_text(row, "name", NAME_LENGTH, required=True))
        read.problems.extend(
            check_text(row, "subject", SUBJECT_NAME_LENGTH, required=True)
        )
        code = row.get("code")
        if code in codes:
            read.problems.append(
                row.problem(
                    "code",
                    f"Line {codes[code]} has the same code. Each skill needs its own.",
                )
            )
        grade, wrong = _grade([row.get("grade")])
        if wrong:
            read.problems.append(
                row.problem("grade", f"“{wrong}” is not a grade. Write {GRADE_WORDS}.")
            )
        if code and code not in codes:
            codes[code] = row.line
        if len(read.problems) > count:
            continue
        read.skills.append(
            SkillRecord(
                key=code,
                code=code,
                name=row.get("name"),
                subject=row.get("subject"),
                grade=grade,
                source_id="",
                where=where,
            )
        )
        read.parents.append((code, row.get("parent"), where))
        for required in row.get("prerequisites").split(";"):
            if required.strip():
                read.prerequisites.append((code, required.strip(), where))
    return read


# --- Checking against what is held, and writing ---------------------------------


def find_cycle(edges: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Return one cycle of a graph (skill → skills it requires) as a path, or None.

    The path starts and ends with the same node: ``["a", "b", "a"]``.
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(edges):
        if state.get(start):
            continue
        path: list[str] = [start]
        iterators = [iter(sorted(edges.get(start, ())))]
        state[start] = 1
        while iterators:
            following = next(iterators[-1], None)
            if following is None:
                state[path.pop()] = 2
                iterators.pop()
                continue
            if state.get(following) == 1:
                return path[path.index(following) :] + [following]
            if not state.get(following):
                state[following] = 1
                path.append(following)
                iterators.append(iter(sorted(edges.get(following, ()))))
    return None


def record_skill_import(
    name: str,
    data: bytes,
    *,
    subject: str | None = None,
    dry_run: bool = False,
    by: AbstractBaseUser | None = None,
) -> SkillImport:
    """Import the skills of a CASE package (``.json``) or a CSV file, all or nothing.

    ``subject`` names the subject of every skill of a CASE package, instead
    of the document's. With ``dry_run``, every check runs and nothing is
    written.
    """
    if len(data) > MAX_FILE_BYTES:
        result = SkillImport(
            problems=(
                ImportProblem(
                    name,
                    0,
                    "",
                    "",
                    f"The file is larger than {MAX_FILE_BYTES // 2**20} MB. "
                    "Import one framework at a time.",
                ),
            ),
            dry_run=dry_run,
        )
        _log(result, by)
        return result
    looks_like_json = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")
    if name.lower().endswith(".json") or looks_like_json:
        read = read_case(data, subject)
    else:
        read = read_skills_csv(name, data)
    plan = _Plan(read)
    if not read.problems:
        plan.match()
    if read.problems:
        result = SkillImport(
            format=read.format, problems=tuple(read.problems), dry_run=dry_run
        )
        _log(result, by)
        return result
    result = plan.result(dry_run)
    if dry_run or not result.changed:
        _log(result, by)
        return result
    try:
        with transaction.atomic():
            plan.write()
    except IntegrityError:
        logger.exception("Skill import failed to write")
        result = SkillImport(
            format=read.format,
            problems=(
                ImportProblem(
                    name,
                    0,
                    "",
                    "",
                    "Skills changed in coplanner while the file was imported, so "
                    "nothing was imported. Import the file again.",
                ),
            ),
        )
    _log(result, by)
    return result


class _Plan:
    """The skills of a file matched to the held ones, and what changes."""

    def __init__(self, read: _Read) -> None:
        self.read = read
        self.by_key = {skill.key: skill for skill in read.skills}
        self.skills: dict[str, Skill] = {}
        self.new: list[Skill] = []
        self.changed: list[Skill] = []
        self.unchanged = 0
        self.subjects: dict[str, Subject] = {}
        self.new_subjects: list[Subject] = []
        self.parent_of: dict[str, str] = {}
        self.requires: dict[str, set[str]] = defaultdict(set)
        self.held_edges: set[tuple[int, int]] = set()
        self.added: list[tuple[str, str]] = []
        self.removed: list[tuple[int, int]] = []

    def problem(
        self, where: tuple[str, int], column: str, value: str, message: str
    ) -> None:
        self.read.problem(where, column, value, message)

    def match(self) -> None:
        """Find each skill's held record, subject, parent and prerequisites."""
        held = list(Skill.objects.all())
        by_code = {skill.code: skill for skill in held}
        by_source = {skill.source_id: skill for skill in held if skill.source_id}
        self.held_by_pk = {skill.pk: skill for skill in held}
        subjects = list(Subject.objects.all())
        known_subjects = {s.code.casefold(): s for s in subjects} | {
            s.name.casefold(): s for s in subjects
        }
        for record in self.read.skills:
            skill = by_source.get(record.source_id) if record.source_id else None
            clash = by_code.get(record.code)
            if skill is None and clash is not None:
                if clash.source_id and clash.source_id != record.source_id:
                    self.problem(
                        record.where,
                        "humanCodingScheme" if self.read.format == "CASE" else "code",
                        record.code,
                        "A skill from another framework already has this code. "
                        "Rename one of them.",
                    )
                    continue
                skill = clash
            elif skill is not None and clash is not None and clash.pk != skill.pk:
                self.problem(
                    record.where,
                    "humanCodingScheme",
                    record.code,
                    "Another skill already has this code. Rename one of them.",
                )
                continue
            self.skills[record.key] = skill or Skill()
            wanted = record.subject.casefold()
            if wanted not in self.subjects:
                found = known_subjects.get(wanted) or known_subjects.get(
                    slugify(record.subject)
                )
                if found is None:
                    found = Subject(
                        code=slugify(record.subject)[:64] or "subject",
                        name=record.subject[:SUBJECT_NAME_LENGTH],
                    )
                    self.new_subjects.append(found)
                    known_subjects[wanted] = found
                self.subjects[wanted] = found
        self.match_links(by_code, by_source)
        if not self.read.problems:
            self.check_cycles()

    def match_links(
        self, by_code: dict[str, Skill], by_source: dict[str, Skill]
    ) -> None:
        def resolve(key: str) -> str | None:
            if key in self.by_key:
                return key
            held = by_source.get(key) or by_code.get(key)
            return f"pk:{held.pk}" if held else None

        column = "parent" if self.read.format == "CSV" else "destinationNodeURI"
        for child, parent, where in self.read.parents:
            if child not in self.by_key:
                if self.read.format == "CASE":
                    self.problem(
                        where, "originNodeURI", child, "No item has this identifier."
                    )
                continue
            if not parent:
                self.parent_of[child] = ""
                continue
            resolved = resolve(parent)
            if resolved is None:
                self.problem(
                    where,
                    column,
                    parent,
                    "No skill of the file or of coplanner has this "
                    + ("code." if self.read.format == "CSV" else "identifier."),
                )
                continue
            self.parent_of[child] = resolved
        for skill, required, where in self.read.prerequisites:
            column = "prerequisites" if self.read.format == "CSV" else "originNodeURI"
            resolved_skill = resolve(skill)
            resolved_required = resolve(required)
            for key, resolved in (
                (skill, resolved_skill),
                (required, resolved_required),
            ):
                if resolved is None:
                    self.problem(
                        where,
                        column,
                        key,
                        "No skill of the file or of coplanner has this "
                        + ("code." if self.read.format == "CSV" else "identifier."),
                    )
            if resolved_skill is None or resolved_required is None:
                continue
            if resolved_skill == resolved_required:
                self.problem(where, column, required, "A skill cannot require itself.")
                continue
            if resolved_skill not in self.by_key:
                self.problem(
                    where,
                    column,
                    skill,
                    "Prerequisites may be given only to skills of this file.",
                )
                continue
            self.requires[resolved_skill].add(resolved_required)
        held_keys = {
            skill.pk: key for key, skill in self.skills.items() if skill.pk is not None
        }
        self.held_keys = held_keys
        self.held_edges = set(
            Prerequisite.objects.values_list("skill_id", "requires_id")
        )

    def node(self, key: str) -> str:
        """Return the code a person knows a skill by, for naming a cycle."""
        if key.startswith("pk:"):
            return self.held_by_pk[int(key[3:])].code
        return self.by_key[key].code

    def check_cycles(self) -> None:
        edges: dict[str, set[str]] = defaultdict(set)
        for skill_id, requires_id in self.held_edges:
            key = self.held_keys.get(skill_id, f"pk:{skill_id}")
            if key in self.by_key:
                continue  # the file's prerequisites replace the held ones
            edges[key].add(self.held_keys.get(requires_id, f"pk:{requires_id}"))
        for key, required in self.requires.items():
            edges[key] |= {self.held_keys.get(_pk(each), each) for each in required}
        cycle = find_cycle(edges)
        if cycle is not None:
            path = " → ".join(self.node(each) for each in cycle)
            first = self.by_key.get(cycle[0]) or self.by_key.get(cycle[1])
            where = first.where if first else ("", 0)
            self.problem(
                where,
                "prerequisites" if self.read.format == "CSV" else "CFAssociations",
                path,
                f"These prerequisites go round in a circle: {path}. A skill cannot "
                "come before itself; remove one of these links.",
            )

    def result(self, dry_run: bool) -> SkillImport:
        """Work out every change and return the report of the import."""
        for key, record in self.by_key.items():
            skill = self.skills[key]
            values = {
                "code": record.code,
                "name": record.name,
                "grade": record.grade,
                "source_id": record.source_id or skill.source_id,
            }
            subject = self.subjects[record.subject.casefold()]
            parent = self.parent_of.get(key, "")
            parent_id = self.parent_pk(parent)
            if skill.pk is None:
                for name, value in values.items():
                    setattr(skill, name, value)
                skill.subject = subject
                self.new.append(skill)
            elif (
                any(getattr(skill, name) != value for name, value in values.items())
                or skill.subject_id != subject.pk
                or (parent_id != -1 and skill.parent_id != parent_id)
            ):
                for name, value in values.items():
                    setattr(skill, name, value)
                skill.subject = subject
                self.changed.append(skill)
            else:
                self.unchanged += 1

        for key in self.by_key:
            skill = self.skills[key]
            wanted = self.requires.get(key, set())
            held = {
                requires_id
                for skill_id, requires_id in self.held_edges
                if skill.pk is not None and skill_id == skill.pk
            }
            wanted_pks = {self.parent_pk(each) for each in wanted}
            for each in wanted:
                pk = self.parent_pk(each)
                if pk == -1 or pk not in held:
                    self.added.append((key, each))
            for requires_id in held - wanted_pks:
                self.removed.append((skill.pk, requires_id))
        return SkillImport(
            format=self.read.format,
            created=len(self.new),
            updated=len(self.changed),
            unchanged=self.unchanged,
            prerequisites_added=len(self.added),
            prerequisites_removed=len(self.removed),
            subjects_created=tuple(subject.name for subject in self.new_subjects),
            left_out=dict(self.read.left_out),
            dry_run=dry_run,
        )

    def parent_pk(self, key: str) -> int | None:
        """Return the pk of a skill key: None for none, -1 for one not saved yet."""
        if not key:
            return None
        if key.startswith("pk:"):
            return int(key[3:])
        return self.skills[key].pk if self.skills[key].pk is not None else -1

    def skill_of(self, key: str) -> Skill:
        if key.startswith("pk:"):
            return self.held_by_pk[int(key[3:])]
        return self.skills[key]

    def write(self) -> None:
        Subject.objects.bulk_create(self.new_subjects)
        for skill in self.new + self.changed:
            skill.subject = skill.subject  # the new subjects have their pk now
        Skill.objects.bulk_create(self.new, batch_size=1000)
        Skill.objects.bulk_update(
            self.changed,
            ["code", "name", "grade", "source_id", "subject"],
            batch_size=1000,
        )
        parents = []
        for key in self.by_key:
            skill = self.skills[key]
            parent = self.parent_of.get(key, "")
            parent_id = self.skill_of(parent).pk if parent else None
            if skill.parent_id != parent_id:
                skill.parent_id = parent_id
                parents.append(skill)
        Skill.objects.bulk_update(parents, ["parent"], batch_size=1000)
        for skill_id, requires_id in self.removed:
            Prerequisite.objects.filter(
                skill_id=skill_id, requires_id=requires_id
            ).delete()
        Prerequisite.objects.bulk_create(
            [
                Prerequisite(
                    skill_id=self.skill_of(key).pk, requires_id=self.skill_of(each).pk
                )
                for key, each in self.added
            ],
            batch_size=1000,
        )


def _pk(key: str) -> int:
    return int(key[3:]) if key.startswith("pk:") else -1


def _log(result: SkillImport, by: AbstractBaseUser | None) -> None:
    logger.info(
        "Skill import (%s) by user %s%s: %s created, %s updated, %s unchanged, "
        "%s prerequisites added, %s removed, %s problems",
        result.format or "unread",
        by.pk if by else None,
        " (dry run)" if result.dry_run else "",
        result.created,
        result.updated,
        result.unchanged,
        result.prerequisites_added,
        result.prerequisites_removed,
        len(result.problems),
    )


def describe_left_out(left_out: Mapping[str, int]) -> Sequence[str]:
    """Return a sentence per association type left out, for a report."""
    return [
        f"{count} “{kind}” associations left out: coplanner has no place for them."
        for kind, count in sorted(left_out.items())
    ]
