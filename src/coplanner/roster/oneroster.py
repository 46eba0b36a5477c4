"""Read and check a OneRoster 1.1 CSV bundle, without the database.

A student information system exports its roster as a zip of CSV files:
``manifest.csv`` (the version and, per file, ``bulk``, ``delta`` or
``absent``), ``orgs.csv``, ``academicSessions.csv``, ``courses.csv``,
``classes.csv``, ``users.csv``, ``enrollments.csv`` and optionally
``demographics.csv``. This module turns the bytes into checked records and a
list of every problem of format: a missing or repeated sourcedId, a value
outside the standard's vocabulary, a date that is not a date, a reference
to a record the bundle does not hold. References a bundle may leave to the
database (a delta bundle names schools sent earlier) are kept as they are;
``coplanner.roster.importing`` resolves them.

What coplanner reads, by file:

- orgs: ``district`` and ``school`` orgs (a school's ``parentSourcedId``
  names its district); other org types are checked and left out.
- academicSessions and courses: checked (dates, references) but not kept.
- classes: title, classCode, the lowest of ``grades`` (``KG`` is 0, ``PK``
  and ``TK`` are -1), classType and school.
- users: role, username, names, identifier, orgs, agents, grades, enabledUser.
- enrollments: class, user, role, primary, dates.
- demographics: checked, never kept (coplanner needs no birth dates).

``status`` may be blank (active), ``active`` or ``tobedeleted``.
"""

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from coplanner.roster.csvtables import (
    ImportProblem,
    Row,
    Table,
    check_text,
    read_table,
    split_list,
)

# The files coplanner reads, with the columns each must have.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "orgs.csv": ("sourcedId", "name", "type"),
    "academicSessions.csv": (
        "sourcedId",
        "title",
        "type",
        "startDate",
        "endDate",
        "schoolYear",
    ),
    "courses.csv": ("sourcedId", "title", "orgSourcedId"),
    "classes.csv": (
        "sourcedId",
        "title",
        "courseSourcedId",
        "classType",
        "schoolSourcedId",
        "termSourcedIds",
    ),
    "users.csv": (
        "sourcedId",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "givenName",
        "familyName",
    ),
    "enrollments.csv": (
        "sourcedId",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
    ),
    "demographics.csv": ("sourcedId",),
}
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "orgs.csv": ("status", "dateLastModified", "identifier", "parentSourcedId"),
    "academicSessions.csv": ("status", "dateLastModified", "parentSourcedId"),
    "courses.csv": (
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "courseCode",
        "grades",
        "subjects",
        "subjectCodes",
    ),
    "classes.csv": (
        "status",
        "dateLastModified",
        "grades",
        "classCode",
        "location",
        "subjects",
        "subjectCodes",
        "periods",
    ),
    "users.csv": (
        "status",
        "dateLastModified",
        "userIds",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
    ),
    "enrollments.csv": (
        "status",
        "dateLastModified",
        "primary",
        "beginDate",
        "endDate",
    ),
    "demographics.csv": ("status", "dateLastModified", "birthDate", "sex"),
}
# Files of the standard that coplanner has no use for (gradebooks, resources).
OTHER_FILES = (
    "categories.csv",
    "classResources.csv",
    "courseResources.csv",
    "lineItems.csv",
    "resources.csv",
    "results.csv",
)
MODES = ("bulk", "delta", "absent")
ORG_TYPES = ("department", "school", "district", "local", "state", "national")
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
CLASS_TYPES = ("homeroom", "scheduled")
USER_ROLES = (
    "administrator",
    "aide",
    "guardian",
    "parent",
    "proctor",
    "relative",
    "student",
    "teacher",
)
GUARDIAN_ROLES = ("guardian", "parent", "relative")
ENROLLMENT_ROLES = ("administrator", "proctor", "student", "teacher")
STATUSES = ("active", "tobedeleted")
# Grades as the standard writes them (CEDS codes), and the grade coplanner
# keeps: kindergarten is 0 and the year before it -1. The codes after 12 have
# no place in a K–12 week.
GRADES: dict[str, int | None] = {
    "PK": -1,
    "TK": -1,
    "KG": 0,
    **{f"{number:02d}": number for number in range(1, 13)},
    "IT": None,
    "PR": None,
    "PS": None,
    "13": None,
    "UG": None,
    "OTHER": None,
}
GRADE_WORDS = "KG, 01 to 12, or PK"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR = re.compile(r"^\d{4}$")
# A zip larger than this once unpacked is refused, so that a crafted file
# cannot fill the server's memory; a district of 100,000 students is ~60 MB.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024

# The longest value each kept field holds (the model fields' lengths).
SOURCED_ID_LENGTH = 255
NAME_LENGTH = 100
TITLE_LENGTH = 200
CODE_LENGTH = 64
USERNAME_LENGTH = 150
EMAIL_LENGTH = 254


@dataclass(frozen=True)
class OrgRecord:
    sourced_id: str
    line: int
    name: str
    type: str
    parent: str
    deleted: bool


@dataclass(frozen=True)
class ClassRecord:
    sourced_id: str
    line: int
    title: str
    code: str
    grade: int | None
    class_type: str
    school: str
    course: str
    terms: tuple[str, ...]
    deleted: bool


@dataclass(frozen=True)
class UserRecord:
    sourced_id: str
    line: int
    role: str
    username: str
    given_name: str
    family_name: str
    identifier: str
    email: str
    orgs: tuple[str, ...]
    agents: tuple[str, ...]
    grade: int | None
    enabled: bool
    deleted: bool

    @property
    def kind(self) -> str:
        """Return what coplanner makes of the user: student, staff, guardian or ""."""
        if self.role == "student":
            return "student"
        if self.role in ("teacher", "administrator"):
            return "staff"
        if self.role in GUARDIAN_ROLES:
            return "guardian"
        return ""


@dataclass(frozen=True)
class EnrollmentRecord:
    sourced_id: str
    line: int
    class_id: str
    school: str
    user: str
    role: str
    primary: bool
    deleted: bool


@dataclass
class Bundle:
    """The checked records of a bundle, and what the reading found wrong.

    ``modes`` gives each file's mode from the manifest; ``present`` the files
    the zip holds. ``session_ids`` and ``course_ids`` are the sourcedIds of
    the academic sessions and courses, or None when their file is absent (a
    reference to one then cannot be checked).
    """

    modes: dict[str, str] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    orgs: list[OrgRecord] = field(default_factory=list)
    classes: list[ClassRecord] = field(default_factory=list)
    users: list[UserRecord] = field(default_factory=list)
    enrollments: list[EnrollmentRecord] = field(default_factory=list)
    session_ids: set[str] | None = None
    course_ids: set[str] | None = None
    course_grades: dict[str, int] = field(default_factory=dict)
    # Rows whose org or user reference only the importer can check, since
    # the record may be in the database rather than the bundle.
    course_orgs: list[Row] = field(default_factory=list)
    # Every sourcedId each file gives, bad rows included, so that a reference
    # to a bad row is not reported a second time as unknown.
    seen: dict[str, set[str]] = field(default_factory=dict)
    demographic_rows: list[Row] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- The zip and the manifest ----------------------------------------------


def read_bundle(data: bytes) -> Bundle:
    """Read a OneRoster 1.1 CSV zip into a ``Bundle`` with every format problem."""
    bundle = Bundle()
    files = _unzip(data, bundle.problems)
    if files is None:
        return bundle
    if "manifest.csv" not in files:
        bundle.problems.append(
            ImportProblem(
                "manifest.csv",
                0,
                "",
                "",
                "The zip has no manifest.csv, so it is not a OneRoster bundle. "
                "Export the roster again as OneRoster 1.1 CSV.",
            )
        )
        return bundle
    bundle.present = set(files)
    bundle.modes = _read_manifest(files, bundle.problems)
    ignored = sorted(name for name in files if name in OTHER_FILES)
    if ignored:
        bundle.notes.append(
            f"Left out {', '.join(ignored)}: coplanner keeps no gradebooks or "
            "resources."
        )

    tables: dict[str, Table] = {}
    for name in REQUIRED_COLUMNS:
        if bundle.modes.get(name, "absent") == "absent" or name not in files:
            continue
        table, problems = read_table(
            name, files[name], REQUIRED_COLUMNS[name], OPTIONAL_COLUMNS[name]
        )
        bundle.problems.extend(problems)
        if table is not None:
            tables[name] = table

    readers: dict[str, Callable[[Bundle, Table], None]] = {
        "academicSessions.csv": _read_sessions,
        "courses.csv": _read_courses,
        "orgs.csv": _read_orgs,
        "classes.csv": _read_classes,
        "users.csv": _read_users,
        "enrollments.csv": _read_enrollments,
        "demographics.csv": _read_demographics,
    }
    for name, reader in readers.items():
        if name in tables:
            reader(bundle, tables[name])
    return bundle


def _unzip(data: bytes, problems: list[ImportProblem]) -> dict[str, bytes] | None:
    """Return the files of the zip by name, or None with the problem."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.append(
            ImportProblem(
                "",
                0,
                "",
                "",
                "This is not a zip file. Upload the .zip your student "
                "information system exports for OneRoster 1.1 CSV, as it is.",
            )
        )
        return None
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        problems.append(
            ImportProblem(
                "",
                0,
                "",
                "",
                f"The zip unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB. "
                "Export one school or a few schools at a time.",
            )
        )
        return None
    # The files belong at the top of the zip; a zip of the export's folder
    # holds them one folder down, which is read the same way.
    manifests = [e.filename for e in entries if e.filename.endswith("manifest.csv")]
    folder = ""
    if "manifest.csv" not in manifests and len(manifests) == 1:
        folder = manifests[0][: -len("manifest.csv")]
    files: dict[str, bytes] = {}
    try:
        for entry in entries:
            if entry.filename.startswith(folder):
                name = entry.filename[len(folder) :]
                if "/" not in name:
                    files[name] = archive.read(entry)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        problems.append(
            ImportProblem(
                "",
                0,
                "",
                "",
                "The zip is damaged or uses a compression coplanner cannot read. "
                "Export it again.",
            )
        )
        return None
    return files


def _read_manifest(
    files: dict[str, bytes], problems: list[ImportProblem]
) -> dict[str, str]:
    """Return the mode of each file from manifest.csv, checking it against the zip."""
    table, header_problems = read_table(
        "manifest.csv", files["manifest.csv"], ("propertyName", "value")
    )
    problems.extend(header_problems)
    if table is None:
        return {}
    modes: dict[str, str] = {}
    lines: dict[str, Row] = {}
    version: Row | None = None
    for row in table.rows:
        name = row.get("propertyName")
        value = row.get("value")
        if name == "oneroster.version":
            version = row
        elif name.startswith("file."):
            file_name = name[len("file.") :] + ".csv"
            mode = value.lower()
            if mode not in MODES:
                problems.append(
                    row.problem("value", "Write bulk, delta or absent for each file.")
                )
                continue
            modes[file_name] = mode
            lines[file_name] = row
    if version is None:
        problems.append(
            ImportProblem(
                "manifest.csv",
                0,
                "propertyName",
                "",
                "The manifest does not give oneroster.version. Export the "
                "roster again as OneRoster 1.1 CSV.",
            )
        )
    elif version.get("value") != "1.1":
        problems.append(
            version.problem(
                "value",
                "coplanner reads OneRoster 1.1. Export the roster again in "
                "version 1.1.",
            )
        )

    for name in (*REQUIRED_COLUMNS, *OTHER_FILES):
        mode = modes.get(name, "absent")
        if mode != "absent" and name not in files:
            problems.append(
                lines[name].problem(
                    "value",
                    f"The manifest says {name} is in the bundle ({mode}), but "
                    "the zip has no such file. Export the bundle again, whole.",
                )
            )
        elif mode == "absent" and name in files:
            row = lines.get(name)
            message = (
                f"The zip holds {name}, but the manifest says it is absent. "
                f"Set file.{name[:-4]} to bulk or delta, or remove the file."
            )
            problems.append(
                row.problem("value", message)
                if row
                else ImportProblem("manifest.csv", 0, "", "", message)
            )
    return modes


# --- One reader per file ---------------------------------------------------


class _Checker:
    """Checks shared by every file: sourcedId, status, dates, lists."""

    def __init__(self, bundle: Bundle, table: Table) -> None:
        self.bundle = bundle
        self.table = table
        self.seen: dict[str, int] = {}
        bundle.seen[table.name] = {row.get("sourcedId") for row in table.rows}

    def add(self, problems: Sequence[ImportProblem]) -> bool:
        self.bundle.problems.extend(problems)
        return not problems

    def sourced_id(self, row: Row) -> str | None:
        """Return the row's sourcedId, or None (with a problem) when it has none
        or repeats an earlier row's."""
        value = row.get("sourcedId")
        if not self.add(check_text(row, "sourcedId", SOURCED_ID_LENGTH, required=True)):
            return None
        if value in self.seen:
            self.add(
                [
                    row.problem(
                        "sourcedId",
                        f"Line {self.seen[value]} has the same sourcedId. Each "
                        "row needs its own.",
                    )
                ]
            )
            return None
        self.seen[value] = row.line
        return value

    def deleted(self, row: Row) -> bool:
        status = row.get("status").lower()
        if status and status not in STATUSES:
            self.add(
                [
                    row.problem(
                        "status", "Write active or tobedeleted, or leave it empty."
                    )
                ]
            )
        if row.get("dateLastModified"):
            self.datetime(row, "dateLastModified")
        return status == "tobedeleted"

    def choice(self, row: Row, column: str, allowed: Sequence[str]) -> str | None:
        value = row.get(column)
        by_lower = {each.lower(): each for each in allowed}
        if value.lower() in by_lower:
            return by_lower[value.lower()]
        what = "is missing" if not value else "is not one the standard allows"
        self.add(
            [
                row.problem(
                    column, f"The {column} {what}. Write one of: {', '.join(allowed)}."
                )
            ]
        )
        return None

    def boolean(self, row: Row, column: str, *, default: bool | None = None) -> bool:
        value = row.get(column).lower()
        if value in ("true", "false"):
            return value == "true"
        if not value and default is not None:
            return default
        self.add([row.problem(column, "Write true or false.")])
        return bool(default)

    def date(self, row: Row, column: str, *, required: bool = False) -> date | None:
        value = row.get(column)
        if not value:
            if required:
                self.add(
                    [
                        row.problem(
                            column, "The date is missing. Write it as 2024-09-03."
                        )
                    ]
                )
            return None
        try:
            if not ISO_DATE.match(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.add(
                [row.problem(column, "This is not a date. Write it as 2024-09-03.")]
            )
            return None

    def datetime(self, row: Row, column: str) -> None:
        value = row.get(column)
        try:
            if not ISO_DATE.match(value[:10]):
                raise ValueError
            datetime.fromisoformat(value)
        except ValueError:
            self.add(
                [
                    row.problem(
                        column,
                        "This is not a date and time. Write it as "
                        "2024-09-03T10:15:00.000Z.",
                    )
                ]
            )

    def grade(self, row: Row, column: str) -> int | None:
        """Return the lowest grade a grades cell names, or None when it is empty."""
        grades: list[int] = []
        for code in split_list(row.get(column)):
            key = code.upper()
            key = {"K": "KG", **{str(n): f"{n:02d}" for n in range(1, 13)}}.get(
                key, key
            )
            if key not in GRADES:
                self.add(
                    [
                        row.problem(
                            column, f"“{code}” is not a grade. Write {GRADE_WORDS}."
                        )
                    ]
                )
                return None
            number = GRADES[key]
            if number is None:
                self.add(
                    [
                        row.problem(
                            column,
                            f"coplanner plans weeks from pre-kindergarten to grade "
                            f"12; “{code}” is outside them. Leave this row out of "
                            "the export.",
                        )
                    ]
                )
                return None
            grades.append(number)
        return min(grades) if grades else None

    def references(
        self,
        row: Row,
        column: str,
        known: set[str] | None,
        what: str,
        *,
        required: bool,
    ) -> tuple[str, ...]:
        values = tuple(split_list(row.get(column)))
        if not values and required:
            self.add([row.problem(column, f"Name the {what} (its sourcedId).")])
        if known is not None:
            for value in values:
                if value not in known:
                    self.add(
                        [
                            row.problem(
                                column,
                                f"No {what} has the sourcedId “{value}”. Export "
                                "the bundle again, whole.",
                            )
                        ]
                    )
        return values


def _read_sessions(bundle: Bundle, table: Table) -> None:
    check = _Checker(bundle, table)
    parents: list[Row] = []
    for row in table.rows:
        sourced_id = check.sourced_id(row)
        check.deleted(row)
        check.add(check_text(row, "title", TITLE_LENGTH, required=True))
        check.choice(row, "type", SESSION_TYPES)
        start = check.date(row, "startDate", required=True)
        end = check.date(row, "endDate", required=True)
        if start and end and end < start:
            check.add([row.problem("endDate", "The session ends before it starts.")])
        if not YEAR.match(row.get("schoolYear")):
            check.add([row.problem("schoolYear", "Write the school year as 2025.")])
        if sourced_id and row.get("parentSourcedId"):
            parents.append(row)
    bundle.session_ids = set(check.seen)
    for row in parents:
        check.references(
            row,
            "parentSourcedId",
            bundle.session_ids,
            "academic session",
            required=False,
        )


def _read_courses(bundle: Bundle, table: Table) -> None:
    check = _Checker(bundle, table)
    for row in table.rows:
        sourced_id = check.sourced_id(row)
        check.deleted(row)
        check.add(check_text(row, "title", TITLE_LENGTH, required=True))
        if row.get("schoolYearSourcedId"):
            check.references(
                row,
                "schoolYearSourcedId",
                bundle.session_ids,
                "academic session",
                required=False,
            )
        grade = check.grade(row, "grades")
        if sourced_id and grade is not None:
            bundle.course_grades[sourced_id] = grade
    bundle.course_ids = set(check.seen)
    bundle.course_orgs = [row for row in table.rows if row.get("orgSourcedId")]


def _read_orgs(bundle: Bundle, table: Table) -> None:
    check = _Checker(bundle, table)
    for row in table.rows:
        sourced_id = check.sourced_id(row)
        deleted = check.deleted(row)
        ok = check.add(check_text(row, "name", TITLE_LENGTH, required=True))
        org_type = check.choice(row, "type", ORG_TYPES)
        ok = check.add(check_text(row, "parentSourcedId", SOURCED_ID_LENGTH)) and ok
        if sourced_id and org_type and ok:
            bundle.orgs.append(
                OrgRecord(
                    sourced_id=sourced_id,
                    line=row.line,
                    name=row.get("name"),
                    type=org_type,
                    parent=row.get("parentSourcedId"),
                    deleted=deleted,
                )
            )


def _read_classes(bundle: Bundle, table: Table) -> None:
    check = _Checker(bundle, table)
    for row in table.rows:
        count = len(bundle.problems)
        sourced_id = check.sourced_id(row)
        deleted = check.deleted(row)
        check.add(check_text(row, "title", TITLE_LENGTH, required=True))
        check.add(check_text(row, "classCode", CODE_LENGTH))
        class_type = check.choice(row, "classType", CLASS_TYPES)
        grade = check.grade(row, "grades")
        course = check.references(
            row, "courseSourcedId", bundle.course_ids, "course", required=True
        )
        terms = check.references(
            row, "termSourcedIds", bundle.session_ids, "academic session", required=True
        )
        check.add(check_text(row, "schoolSourcedId", SOURCED_ID_LENGTH, required=True))
        if len(bundle.problems) > count or not sourced_id or not class_type:
            continue
        if grade is None and course:
            grade = bundle.course_grades.get(course[0])
        bundle.classes.append(
            ClassRecord(
                sourced_id=sourced_id,
                line=row.line,
                title=row.get("title"),
                code=row.get("classCode") or sourced_id[:CODE_LENGTH],
                grade=grade,
                class_type=class_type,
                school=row.get("schoolSourcedId"),
                course=course[0] if course else "",
                terms=terms,
                deleted=deleted,
            )
        )


def _read_users(bundle: Bundle, table: Table) -> None:
    check = _Checker(bundle, table)
    for row in table.rows:
        count = len(bundle.problems)
        sourced_id = check.sourced_id(row)
        deleted = check.deleted(row)
        enabled = check.boolean(row, "enabledUser")
        role = check.choice(row, "role", USER_ROLES)
        check.add(check_text(row, "username", USERNAME_LENGTH, required=True))
        check.add(check_text(row, "givenName", NAME_LENGTH, required=True))
        check.add(check_text(row, "familyName", NAME_LENGTH, required=True))
        check.add(check_text(row, "identifier", CODE_LENGTH))
        check.add(check_text(row, "email", EMAIL_LENGTH))
        orgs = check.references(row, "orgSourcedIds", None, "org", required=True)
        agents = check.references(row, "agentSourcedIds", None, "user", required=False)
        grade = check.grade(row, "grades")
        if len(bundle.problems) > count or not sourced_id or not role:
            continue
        bundle.users.append(
            UserRecord(
                sourced_id=sourced_id,
                line=row.line,
                role=role,
                username=row.get("username"),
                given_name=row.get("givenName"),
                family_name=row.get("familyName"),
                identifier=row.get("identifier"),
                email=row.get("email"),
                orgs=orgs,
                agents=agents,
                grade=grade,
                enabled=enabled,
                deleted=deleted,
            )
        )


def _read_enrollments(bundle: Bundle, table: Table) -> None:
    check = _Checker(bundle, table)
    for row in table.rows:
        count = len(bundle.problems)
        sourced_id = check.sourced_id(row)
        deleted = check.deleted(row)
        role = check.choice(row, "role", ENROLLMENT_ROLES)
        primary = check.boolean(row, "primary", default=False)
        begin = check.date(row, "beginDate")
        end = check.date(row, "endDate")
        if begin and end and end < begin:
            check.add([row.problem("endDate", "The enrollment ends before it begins.")])
        for column in ("classSourcedId", "schoolSourcedId", "userSourcedId"):
            check.add(check_text(row, column, SOURCED_ID_LENGTH, required=True))
        if len(bundle.problems) > count or not sourced_id or not role:
            continue
        bundle.enrollments.append(
            EnrollmentRecord(
                sourced_id=sourced_id,
                line=row.line,
                class_id=row.get("classSourcedId"),
                school=row.get("schoolSourcedId"),
                user=row.get("userSourcedId"),
                role=role,
                primary=primary,
                deleted=deleted,
            )
        )


def _read_demographics(bundle: Bundle, table: Table) -> None:
    check = _Checker(bundle, table)
    for row in table.rows:
        check.sourced_id(row)
        check.deleted(row)
        check.date(row, "birthDate")
    bundle.demographic_rows = [row for row in table.rows if row.get("sourcedId")]
