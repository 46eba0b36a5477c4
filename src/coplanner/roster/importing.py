"""Import a OneRoster 1.1 CSV bundle into the roster, all or nothing.

``coplanner.roster.oneroster`` reads and checks the files; this module
matches each record to what coplanner holds, checks what needs the database,
and writes everything in one transaction, or nothing at all.

How records become coplanner's people and places:

- An org of type ``district`` is a ``District``; of type ``school`` a
  ``School`` in its parent district. A ``class`` is a ``Classroom`` (code
  from classCode, name from title, grade the lowest of its grades, or of its
  course's).
- A user with role ``teacher`` is ``Staff`` with the teacher role (a coach
  stays a coach), ``administrator`` is a school leader; ``student`` a
  ``Student`` (code from identifier, else username); ``parent``,
  ``guardian`` and ``relative`` a ``Guardian``, linked to the children that
  either side lists in ``agentSourcedIds``. Aides and proctors are left out,
  and so are administrators of a district alone: coplanner's leaders lead a
  school. Everyone gets a Django user named by the OneRoster username, with
  no usable password until a leader sets one, in the role's group.
- A person belongs to the first school of their ``orgSourcedIds``.
- Enrollments place students and teachers in classes. A student is in one
  classroom in coplanner: their homeroom class, else the first class listed.
  A teacher enrollment with ``primary`` true makes the class's primary
  teacher.

Records are matched by sourcedId. The first import into a school set up by
hand adopts it: a school or district without a sourcedId whose name is the
bundle's, and a person without one whose username is the bundle's and who
is the same kind of person (student, staff, family).

``tobedeleted`` is honoured: a student leaves their class and can no longer
log in (their evidence and plans stay); staff lose their classes and their
login; a family loses its links and login; a class is deleted when nothing
depends on it any more (no students, must-dos or own activities), and
otherwise kept and named in the report. ``enabledUser`` false also turns a
login off.

A leader importing from the upload page touches only the school they lead
and schools that are new in the bundle under their district; rows of other
schools are left out and counted in the report. The command imports the
whole bundle.

TODO: a ``bulk`` file is read like a ``delta`` one: records it leaves out
are left as they are rather than removed. Send them as ``tobedeleted``.
"""

import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.text import slugify

from coplanner.accounts.roles import Role, ensure_role_groups
from coplanner.curriculum.models import Activity
from coplanner.planning.models import MustDo
from coplanner.roster.csvtables import ImportProblem
from coplanner.roster.models import (
    Classroom,
    District,
    Guardian,
    School,
    Staff,
    StaffRole,
    Student,
)
from coplanner.roster.oneroster import (
    CODE_LENGTH,
    Bundle,
    ClassRecord,
    EnrollmentRecord,
    UserRecord,
    read_bundle,
)

logger = logging.getLogger(__name__)

# TODO: the messages of this module are English only, like those of the
# evidence import; wrap them in gettext with named placeholders when the
# Spanish catalogue covers import reports.

WRITE_BATCH = 2000
# What org_type and kind_of say of a record whose own row is bad.
BAD = "bad row"
READ_CHUNK = 5000
KINDS = (
    "districts",
    "schools",
    "classrooms",
    "staff",
    "students",
    "guardians",
    "class places",
)

M = TypeVar("M", bound=Model)


@dataclass
class KindCount:
    """How many records of one kind an import created, updated, removed or left."""

    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed


@dataclass(frozen=True)
class RosterImport:
    """What a roster import did, or why it did nothing.

    ``counts`` gives, per kind (``KINDS``), what was created, updated and
    removed; "class places" are students and teachers put into or taken out
    of classes. ``problems`` lists every bad row; when there is one, nothing
    was written. ``notes`` are what a person should know about an import
    that went through: what was left out and why.
    """

    counts: dict[str, KindCount] = field(default_factory=dict)
    problems: tuple[ImportProblem, ...] = ()
    notes: tuple[str, ...] = ()
    dry_run: bool = False
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(count.changed for count in self.counts.values())

    @property
    def bad_rows(self) -> int:
        return len({(each.file, each.line) for each in self.problems})

    def count_rows(self) -> list[tuple[str, KindCount]]:
        return [(kind, self.counts.get(kind, KindCount())) for kind in KINDS]


# --- What the database holds ---------------------------------------------------


def _chunks(values: Sequence[str], size: int = READ_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _by_source_id(queryset: Iterable[M]) -> dict[str, M]:
    return {each.source_id: each for each in queryset}  # type: ignore[attr-defined]


@dataclass
class _Held:
    """The records coplanner holds that a bundle may name, by sourcedId."""

    districts: dict[str, District]
    schools: dict[str, School]
    classrooms: dict[str, Classroom]
    staff: dict[str, Staff]
    students: dict[str, Student]
    guardians: dict[str, Guardian]
    unnamed_districts: dict[str, list[District]]
    unnamed_schools: dict[str, list[School]]

    @classmethod
    def load(cls) -> "_Held":
        unnamed_districts: dict[str, list[District]] = defaultdict(list)
        for district in District.objects.filter(source_id=""):
            unnamed_districts[district.name.casefold()].append(district)
        unnamed_schools: dict[str, list[School]] = defaultdict(list)
        for school in School.objects.filter(source_id=""):
            unnamed_schools[school.name.casefold()].append(school)
        return cls(
            districts=_by_source_id(District.objects.exclude(source_id="")),
            schools=_by_source_id(
                School.objects.exclude(source_id="").select_related("district")
            ),
            classrooms=_by_source_id(Classroom.objects.exclude(source_id="")),
            staff=_by_source_id(
                Staff.objects.exclude(source_id="").select_related("user")
            ),
            students=_by_source_id(
                Student.objects.exclude(source_id="").select_related(
                    "user", "classroom"
                )
            ),
            guardians=_by_source_id(
                Guardian.objects.exclude(source_id="").select_related("user")
            ),
            unnamed_districts=unnamed_districts,
            unnamed_schools=unnamed_schools,
        )


@dataclass(frozen=True)
class _Holder:
    """Who holds a username in coplanner already."""

    user_id: int
    staff: tuple[int, str] | None
    student: tuple[int, str] | None
    guardian: tuple[int, str] | None


# --- Matching and checking -------------------------------------------------------


def _adopt(unnamed: dict[str, list[M]], name: str) -> M | None:
    """Return the one record without a sourcedId that has this name, and take it."""
    candidates = unnamed.get(name.casefold(), [])
    if len(candidates) != 1:
        return None
    return candidates.pop()


def _kind_word(kind: str) -> str:
    return {"staff": "staff", "student": "a student", "guardian": "family"}[kind]


@dataclass
class _Person:
    """A user of the bundle matched to coplanner: the record and its user."""

    record: UserRecord | None
    held: Staff | Student | Guardian | None
    target: Staff | Student | Guardian
    user: User | None
    school: School | None = None
    # What the import does to them: their fields or their user change, or
    # they lose their class, classes or children.
    changed: bool = False
    user_changed: bool = False
    lost: bool = False


class _Import:
    """One import: the bundle, what is held, and the changes it makes.

    The ``match_`` steps check each record against the database and decide
    what it becomes; ``plan_`` steps work out classes and links; ``write``
    saves it all. Nothing is saved before every check has run.
    """

    def __init__(self, bundle: Bundle, held: _Held, leader: Staff | None) -> None:
        self.bundle = bundle
        self.held = held
        self.leader = leader
        self.problems: list[ImportProblem] = list(bundle.problems)
        self.notes: list[str] = list(bundle.notes)
        self.counts = {kind: KindCount() for kind in KINDS}

        self.orgs = {each.sourced_id: each for each in bundle.orgs}
        self.users = {each.sourced_id: each for each in bundle.users}
        self.classes = {each.sourced_id: each for each in bundle.classes}

        self.districts: dict[str, District] = {}
        self.schools: dict[str, School] = {}
        self.out_of_scope_schools: set[str] = set()
        self.classrooms: dict[str, Classroom] = {}
        self.class_plan: dict[str, tuple[ClassRecord, School, int]] = {}
        self.people: dict[str, _Person] = {}
        self.skipped_users: dict[str, int] = defaultdict(int)
        self.student_enrollments: dict[str, list[EnrollmentRecord]] = defaultdict(list)
        self.teacher_enrollments: list[EnrollmentRecord] = []
        self.ignored_enrollments = 0

        # The changes, planned before anything is written.
        self.new_districts: list[District] = []
        self.changed_districts: list[District] = []
        self.new_schools: list[School] = []
        self.changed_schools: list[School] = []
        self.new_classrooms: list[Classroom] = []
        self.changed_classrooms: list[Classroom] = []
        self.deleting: list[tuple[ClassRecord, Classroom]] = []
        self.classrooms_to_delete: list[Classroom] = []
        self.new_users: list[User] = []
        self.changed_users: list[User] = []
        self.new_memberships: list[tuple[User, Group]] = []
        self.role_changes: list[tuple[Staff, Group, Group]] = []
        self.leaving_staff: list[Staff] = []
        self.placements: list[tuple[Student, Classroom | None]] = []
        self.moved: set[int] = set()
        self.teacher_additions: list[tuple[Classroom, Staff]] = []
        self.teacher_removals: set[tuple[int, int]] = set()
        self.primary: dict[str, Staff | None] = {}
        self.link_additions: list[tuple[Guardian, Student]] = []
        self.link_removals: set[tuple[int, int]] = set()

    def problem(
        self, file: str, line: int, column: str, value: str, message: str
    ) -> None:
        self.problems.append(ImportProblem(file, line, column, value[:80], message))

    # Orgs -----------------------------------------------------------------------

    def org_type(self, sourced_id: str) -> str | None:
        """Return the type of an org the bundle or the database holds, or None.

        An org whose row is bad (and reported) is ``BAD``.
        """
        if sourced_id in self.orgs:
            return self.orgs[sourced_id].type
        if sourced_id in self.bundle.seen.get("orgs.csv", ()):
            return BAD
        if sourced_id in self.held.districts:
            return "district"
        if sourced_id in self.held.schools:
            return "school"
        return None

    def match_orgs(self) -> None:
        for org in self.bundle.orgs:
            if org.parent and self.org_type(org.parent) is None:
                self.problem(
                    "orgs.csv",
                    org.line,
                    "parentSourcedId",
                    org.parent,
                    f"No org has the sourcedId “{org.parent}”. Export the "
                    "bundle again, whole.",
                )
        for row in self.bundle.course_orgs:
            if self.org_type(row.get("orgSourcedId")) is None:
                self.problems.append(
                    row.problem(
                        "orgSourcedId",
                        f"No org has the sourcedId “{row.get('orgSourcedId')}”. "
                        "Export the bundle again, whole.",
                    )
                )

        for org in self.bundle.orgs:
            if org.type == "district":
                found = self.held.districts.get(org.sourced_id) or _adopt(
                    self.held.unnamed_districts, org.name
                )
                self.districts[org.sourced_id] = found or District(name=org.name)
            elif org.type == "school":
                found_school = self.held.schools.get(org.sourced_id) or _adopt(
                    self.held.unnamed_schools, org.name
                )
                self.schools[org.sourced_id] = found_school or School(name=org.name)
        others = sum(
            1 for org in self.bundle.orgs if org.type not in ("district", "school")
        )
        if others:
            self.notes.append(
                f"Left out {others} orgs that are neither a district nor a "
                "school (departments, states and the like)."
            )
        self.apply_scope()

    def apply_scope(self) -> None:
        """Leave out the schools a leader may not touch, and other districts."""
        if self.leader is None:
            return
        own = self.leader.school
        own_districts = {own.district.source_id} if own.district else set()
        for sourced_id, school in self.schools.items():
            parent = self.orgs[sourced_id].parent
            if school.pk == own.pk and self.org_type(parent) == "district":
                own_districts.add(parent)
        own_districts.discard("")
        for sourced_id, school in list(self.schools.items()):
            new_under_own = (
                school.pk is None and self.orgs[sourced_id].parent in own_districts
            )
            if school.pk != own.pk and not new_under_own:
                self.out_of_scope_schools.add(sourced_id)
                del self.schools[sourced_id]
        for sourced_id, district in list(self.districts.items()):
            other = own.district_id is not None and district.pk != own.district_id
            if sourced_id not in own_districts or other:
                del self.districts[sourced_id]
        if self.out_of_scope_schools:
            self.notes.append(
                f"Left out {len(self.out_of_scope_schools)} schools you do not "
                "lead, with their classes and people: their own leaders import "
                "them."
            )

    def school_of(self, sourced_id: str) -> School | None:
        """Return the school a sourcedId names, when this import may touch it."""
        if sourced_id in self.schools:
            return self.schools[sourced_id]
        if sourced_id in self.orgs:
            return None
        school = self.held.schools.get(sourced_id)
        if school is None or not self.may_touch(school.pk):
            return None
        return school

    def may_touch(self, school_id: int | None) -> bool:
        return self.leader is None or school_id == self.leader.school_id

    # Classes --------------------------------------------------------------------

    def match_classes(self) -> None:
        held_codes = {
            (school_id, code): pk
            for school_id, code, pk in Classroom.objects.filter(
                school__in=[s.pk for s in self.schools.values() if s.pk]
            ).values_list("school_id", "code", "pk")
        }
        seen_codes: dict[tuple[str, str], int] = {}
        for record in self.bundle.classes:
            if self.org_type(record.school) == BAD:
                continue
            if self.org_type(record.school) != "school":
                self.problem(
                    "classes.csv",
                    record.line,
                    "schoolSourcedId",
                    record.school,
                    f"No school has the sourcedId “{record.school}”. Name the "
                    "class's school as orgs.csv does.",
                )
                continue
            school = self.school_of(record.school)
            existing = self.held.classrooms.get(record.sourced_id)
            if school is None or (
                existing is not None and not self.may_touch(existing.school_id)
            ):
                continue
            code_key = (record.school, record.code)
            if code_key in seen_codes:
                self.problem(
                    "classes.csv",
                    record.line,
                    "classCode",
                    record.code,
                    f"Line {seen_codes[code_key]} gives another class of this "
                    "school the same classCode. Give each class its own.",
                )
                continue
            seen_codes[code_key] = record.line
            holder = held_codes.get((school.pk, record.code)) if school.pk else None
            if holder is not None and (existing is None or holder != existing.pk):
                self.problem(
                    "classes.csv",
                    record.line,
                    "classCode",
                    record.code,
                    "Another class of this school in coplanner has this code. "
                    "Give the class another classCode, or rename the other class "
                    "in the admin pages.",
                )
                continue
            if existing is None and record.deleted:
                continue
            grade = record.grade
            if grade is None and existing is not None:
                grade = existing.grade
            if grade is None:
                self.problem(
                    "classes.csv",
                    record.line,
                    "grades",
                    "",
                    "The class has no grade, and neither has its course. Fill in "
                    "its grades (KG, 01 … 12).",
                )
                continue
            classroom = existing or Classroom(source_id=record.sourced_id)
            self.classrooms[record.sourced_id] = classroom
            self.class_plan[record.sourced_id] = (record, school, grade)

    def classroom_of(self, sourced_id: str) -> Classroom | None:
        """Return the classroom a sourcedId names, when this import may touch it."""
        if sourced_id in self.classrooms:
            return self.classrooms[sourced_id]
        if sourced_id in self.classes:
            return None
        classroom = self.held.classrooms.get(sourced_id)
        if classroom is None or not self.may_touch(classroom.school_id):
            return None
        self.classrooms[sourced_id] = classroom
        return classroom

    # Users ----------------------------------------------------------------------

    def match_users(self) -> None:
        holders = _load_usernames([each.username for each in self.bundle.users])
        usernames: dict[str, int] = {}
        for record in self.bundle.users:
            if record.username in usernames:
                self.problem(
                    "users.csv",
                    record.line,
                    "username",
                    record.username,
                    f"Line {usernames[record.username]} has the same username. "
                    "Each person needs their own.",
                )
                continue
            usernames[record.username] = record.line
            unknown = [org for org in record.orgs if self.org_type(org) is None]
            for org in unknown:
                self.problem(
                    "users.csv",
                    record.line,
                    "orgSourcedIds",
                    org,
                    f"No org has the sourcedId “{org}”. Export the bundle "
                    "again, whole.",
                )
            if unknown or any(self.org_type(org) == BAD for org in record.orgs):
                continue
            if not record.kind:
                self.skipped_users[
                    f"{record.role}s, for whom coplanner plans nothing"
                ] += 1
                continue
            self.match_user(record, holders.get(record.username))

    def match_user(self, record: UserRecord, holder: _Holder | None) -> None:
        schools = [org for org in record.orgs if self.org_type(org) == "school"]
        in_scope = [org for org in schools if self.school_of(org) is not None]
        if record.kind in ("staff", "student") and not schools:
            if record.role == "administrator":
                self.skipped_users["administrators of a district alone"] += 1
                return
            self.problem(
                "users.csv",
                record.line,
                "orgSourcedIds",
                ",".join(record.orgs),
                f"A {record.role} belongs to a school, and none of these orgs "
                "is one. Add the school's sourcedId.",
            )
            return
        if schools and not in_scope:
            # Families too: one that names only schools left out is theirs.
            self.skipped_users["people of schools left out"] += 1
            return

        held = self.held_record(record)
        if held is None and holder is not None:
            held = self.adopt_by_username(record, holder)
        if held is False:
            return
        school_id = getattr(held, "school_id", None)
        if (
            held is not None
            and record.kind != "guardian"
            and not self.may_touch(school_id)
        ):
            self.skipped_users["people of schools left out"] += 1
            return
        if holder is not None and (held is None or held.user_id != holder.user_id):
            self.problem(
                "users.csv",
                record.line,
                "username",
                record.username,
                "Someone else in coplanner has this username. Change it in the "
                "student information system, or rename the other person in the "
                "admin pages.",
            )
            return
        if held is None and record.deleted:
            return
        target: Staff | Student | Guardian
        if held is not None:
            target = held
        elif record.kind == "staff":
            target = Staff()
        elif record.kind == "student":
            target = Student()
        else:
            target = Guardian()
        self.people[record.sourced_id] = _Person(
            record=record,
            held=held,
            target=target,
            user=held.user if held is not None else None,
            school=self.school_of(in_scope[0]) if in_scope else None,
        )

    def held_record(self, record: UserRecord) -> Staff | Student | Guardian | None:
        """Return the record coplanner holds under the user's sourcedId.

        A sourcedId held as another kind of person is a problem, reported.
        """
        by_kind: dict[str, dict[str, Staff] | dict[str, Student] | dict[str, Guardian]]
        by_kind = {
            "staff": self.held.staff,
            "student": self.held.students,
            "guardian": self.held.guardians,
        }
        found = by_kind[record.kind].get(record.sourced_id)
        if found is not None:
            return found
        for kind, records in by_kind.items():
            if kind != record.kind and record.sourced_id in records:
                self.problem(
                    "users.csv",
                    record.line,
                    "role",
                    record.role,
                    f"coplanner holds this person as {_kind_word(kind)}, not as "
                    f"{_kind_word(record.kind)}. Correct the role, or ask "
                    "whoever runs coplanner to remove the old record first.",
                )
                return None
        return None

    def adopt_by_username(
        self, record: UserRecord, holder: _Holder
    ) -> Staff | Student | Guardian | None:
        """Return the hand-made record of the same kind that holds the username."""
        own = getattr(holder, record.kind)
        if own is None or own[1]:
            return None
        model: type[Staff] | type[Student] | type[Guardian] = {
            "staff": Staff,
            "student": Student,
            "guardian": Guardian,
        }[record.kind]
        return model.objects.select_related("user").get(pk=own[0])

    def person_of(self, sourced_id: str) -> _Person | None:
        """Return a person of the bundle, or one held that this import may touch."""
        if sourced_id in self.people:
            return self.people[sourced_id]
        if sourced_id in self.users:
            return None
        for held in (
            self.held.staff.get(sourced_id),
            self.held.students.get(sourced_id),
            self.held.guardians.get(sourced_id),
        ):
            if held is not None:
                if not isinstance(held, Guardian) and not self.may_touch(
                    held.school_id
                ):
                    return None
                person = _Person(record=None, held=held, target=held, user=held.user)
                self.people[sourced_id] = person
                return person
        return None

    def kind_of(self, sourced_id: str) -> str | None:
        """Return what a user is (student, staff, guardian, their role), or None.

        A user whose row is bad (and reported) is ``BAD``.
        """
        if sourced_id in self.users:
            return self.users[sourced_id].kind or self.users[sourced_id].role
        if sourced_id in self.bundle.seen.get("users.csv", ()):
            return BAD
        if sourced_id in self.held.staff:
            return "staff"
        if sourced_id in self.held.students:
            return "student"
        if sourced_id in self.held.guardians:
            return "guardian"
        return None

    # Enrollments and links ------------------------------------------------------

    def match_enrollments(self) -> None:
        for enrollment in self.bundle.enrollments:
            if self.check_enrollment(enrollment):
                continue
            if enrollment.role in ("administrator", "proctor"):
                self.ignored_enrollments += 1
                continue
            if self.classroom_of(enrollment.class_id) is None:
                continue
            if self.person_of(enrollment.user) is None:
                continue
            if enrollment.role == "student":
                self.student_enrollments[enrollment.user].append(enrollment)
            else:
                self.teacher_enrollments.append(enrollment)
        if self.ignored_enrollments:
            self.notes.append(
                f"Left out {self.ignored_enrollments} enrollments of "
                "administrators and proctors: coplanner places students and "
                "teachers in classes."
            )

    def check_enrollment(self, enrollment: EnrollmentRecord) -> bool:
        """Report the enrollment's unknown references; return True when bad.

        A reference to a row that is bad itself is not reported again.
        """
        kind = self.kind_of(enrollment.user)
        if (
            kind == BAD
            or self.org_type(enrollment.school) == BAD
            or (
                enrollment.class_id in self.bundle.seen.get("classes.csv", ())
                and enrollment.class_id not in self.classes
            )
        ):
            return True
        bad = False
        if enrollment.class_id not in self.classes and (
            enrollment.class_id not in self.held.classrooms
        ):
            self.problem(
                "enrollments.csv",
                enrollment.line,
                "classSourcedId",
                enrollment.class_id,
                f"No class has the sourcedId “{enrollment.class_id}”. Export "
                "the bundle again, whole.",
            )
            bad = True
        if self.org_type(enrollment.school) != "school":
            self.problem(
                "enrollments.csv",
                enrollment.line,
                "schoolSourcedId",
                enrollment.school,
                f"No school has the sourcedId “{enrollment.school}”.",
            )
            bad = True
        if kind is None:
            self.problem(
                "enrollments.csv",
                enrollment.line,
                "userSourcedId",
                enrollment.user,
                f"No user has the sourcedId “{enrollment.user}”. Export the "
                "bundle again, whole.",
            )
            bad = True
        elif (enrollment.role == "student") != (kind == "student") or (
            enrollment.role == "teacher" and kind != "staff"
        ):
            self.problem(
                "enrollments.csv",
                enrollment.line,
                "role",
                enrollment.role,
                f"This user is not enrolled as what users.csv says they are "
                f"({kind}). Correct the role of the enrollment or of the user.",
            )
            bad = True
        return bad

    def check_agents(self) -> None:
        for record in self.bundle.users:
            for agent in record.agents:
                kind = self.kind_of(agent)
                wanted = "guardian" if record.kind == "student" else "student"
                if kind == BAD:
                    continue
                if kind is None:
                    message = f"No user has the sourcedId “{agent}”."
                elif record.kind in ("student", "guardian") and kind != wanted:
                    message = (
                        f"“{agent}” is not {_kind_word(wanted)}: a student's "
                        "agents are their family, a family's are its children."
                    )
                else:
                    continue
                self.problem(
                    "users.csv", record.line, "agentSourcedIds", agent, message
                )
        for row in self.bundle.demographic_rows:
            if self.kind_of(row.get("sourcedId")) is None:
                self.problems.append(
                    row.problem(
                        "sourcedId",
                        "Demographics name a user by their sourcedId; no user "
                        "has this one.",
                    )
                )

    # Planning what changes --------------------------------------------------------

    def plan_orgs(self) -> None:
        taken = set(School.objects.values_list("slug", flat=True))
        taken_districts = set(District.objects.values_list("slug", flat=True))
        kept_deleted = 0
        for sourced_id, district in self.districts.items():
            org = self.orgs[sourced_id]
            count = self.counts["districts"]
            if org.deleted:
                kept_deleted += district.pk is not None
                continue
            values = {"name": org.name, "source_id": sourced_id}
            if district.pk is None:
                _assign(district, values)
                district.slug = _free_slug(org.name, taken_districts, "district")
                self.new_districts.append(district)
                count.created += 1
            elif _differs(district, values):
                _assign(district, values)
                self.changed_districts.append(district)
                count.updated += 1
            else:
                count.unchanged += 1
        for sourced_id, school in self.schools.items():
            org = self.orgs[sourced_id]
            count = self.counts["schools"]
            if org.deleted:
                kept_deleted += school.pk is not None
                continue
            district = self.districts.get(org.parent) or self.held.districts.get(
                org.parent
            )
            if district is None and school.pk is not None:
                district = school.district
            values = {"name": org.name, "source_id": sourced_id}
            if school.pk is None:
                _assign(school, values)
                school.district = district
                school.slug = _free_slug(org.name, taken, "school")
                self.new_schools.append(school)
                count.created += 1
            elif _differs(school, values) or school.district_id != (
                district.pk if district else None
            ):
                _assign(school, values)
                school.district = district
                self.changed_schools.append(school)
                count.updated += 1
            else:
                count.unchanged += 1
        if kept_deleted:
            self.notes.append(
                f"Kept {kept_deleted} districts or schools marked tobedeleted: "
                "coplanner does not delete a school with its history. Ask whoever "
                "runs coplanner if one should go."
            )

    def plan_classrooms(self) -> None:
        for sourced_id, (record, school, grade) in self.class_plan.items():
            classroom = self.classrooms[sourced_id]
            count = self.counts["classrooms"]
            if record.deleted:
                self.deleting.append((record, classroom))
                continue
            values = {
                "code": record.code,
                "name": record.title,
                "grade": grade,
                "source_id": sourced_id,
            }
            if classroom.pk is None:
                _assign(classroom, values)
                classroom.school = school
                self.new_classrooms.append(classroom)
                count.created += 1
            elif _differs(classroom, values) or classroom.school_id != school.pk:
                _assign(classroom, values)
                classroom.school = school
                self.changed_classrooms.append(classroom)
                count.updated += 1
            else:
                count.unchanged += 1

    def plan_people(self) -> None:
        groups = ensure_role_groups()
        for sourced_id, person in list(self.people.items()):
            record = person.record
            if record is None:
                continue
            self.plan_user(person, record, groups)
            name = f"{record.given_name} {record.family_name}"
            if isinstance(person.target, Staff):
                staff = person.target
                role = (
                    StaffRole.LEADER
                    if record.role == "administrator"
                    else StaffRole.TEACHER
                )
                if staff.role == StaffRole.COACH and role == StaffRole.TEACHER:
                    role = StaffRole.COACH  # coplanner's own kind of teacher
                if staff.pk is not None and staff.role != role:
                    self.role_changes.append((staff, groups[staff.role], groups[role]))
                values = {"role": role, "display_name": name, "source_id": sourced_id}
                self.plan_fields(person, values, school=person.school)
                if record.deleted:
                    self.leaving_staff.append(staff)
            elif isinstance(person.target, Guardian):
                values = {"display_name": name, "source_id": sourced_id}
                self.plan_fields(person, values)

    def plan_user(
        self, person: _Person, record: UserRecord, groups: dict[str, Group]
    ) -> None:
        values = {
            "username": record.username,
            "first_name": record.given_name,
            "last_name": record.family_name,
            "email": record.email,
            "is_active": record.enabled and not record.deleted,
        }
        if person.user is None:
            # An unusable password, as make_password(None) makes, without its
            # slow random string: the leader sets a real one later.
            password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
            person.user = User(password=password, **values)
            self.new_users.append(person.user)
            if record.kind == "staff":
                role = Role.LEADER if record.role == "administrator" else Role.TEACHER
            else:
                role = Role(record.kind)
            self.new_memberships.append((person.user, groups[role]))
        elif _differs(person.user, values):
            _assign(person.user, values)
            self.changed_users.append(person.user)
            person.user_changed = True

    def plan_fields(
        self, person: _Person, values: dict[str, object], school: School | None = None
    ) -> None:
        target = person.target
        moved = school is not None and getattr(target, "school_id", None) != school.pk
        if target.pk is None or _differs(target, values) or moved:
            _assign(target, values)
            if school is not None:
                target.school = school  # type: ignore[union-attr]
            person.changed = target.pk is not None

    def plan_students(self) -> None:
        held_codes = {
            (school_id, code): pk
            for school_id, code, pk in Student.objects.filter(
                school__in=[s.pk for s in self.schools.values() if s.pk]
            ).values_list("school_id", "code", "pk")
        }
        seen_codes: dict[tuple[int, str], int] = {}
        several = 0
        for sourced_id, person in list(self.people.items()):
            student = person.target
            if not isinstance(student, Student):
                continue
            record = person.record
            enrollments = self.student_enrollments.get(sourced_id, [])
            classroom, many = self.choose_classroom(student, record, enrollments)
            several += many
            if record is not None and not self.plan_student(
                person, student, record, classroom, held_codes, seen_codes
            ):
                continue
            self.plan_placement(person, student, classroom)
        if several:
            self.notes.append(
                f"{several} students are enrolled in more than one class. "
                "coplanner keeps each student in one classroom: their homeroom, "
                "or else the first class listed."
            )

    def plan_student(
        self,
        person: _Person,
        student: Student,
        record: UserRecord,
        classroom: Classroom | None,
        held_codes: dict[tuple[int, str], int],
        seen_codes: dict[tuple[int, str], int],
    ) -> bool:
        """Check and set a student's fields; return False when a row is bad."""
        school = person.school
        assert school is not None
        code = record.identifier or record.username
        column = "identifier" if record.identifier else "username"
        key = (id(school), code)
        if len(code) > CODE_LENGTH:
            self.problem(
                "users.csv",
                record.line,
                column,
                code,
                f"A student's code has at most {CODE_LENGTH} characters. Give "
                "the student a shorter identifier.",
            )
            return False
        if key in seen_codes:
            self.problem(
                "users.csv",
                record.line,
                column,
                code,
                f"Line {seen_codes[key]} gives another student of this school "
                "the same identifier. Each student needs their own.",
            )
            return False
        seen_codes[key] = record.line
        holder = held_codes.get((school.pk, code)) if school.pk else None
        if holder is not None and holder != student.pk:
            self.problem(
                "users.csv",
                record.line,
                column,
                code,
                "Another student of this school in coplanner has this code. "
                "Correct the identifier, or the other student's code in the "
                "admin pages.",
            )
            return False
        grade = record.grade
        if grade is None and classroom is not None:
            grade = self.grade_of(classroom)
        if grade is None and student.pk is not None:
            grade = student.grade
        if grade is None:
            self.problem(
                "users.csv",
                record.line,
                "grades",
                "",
                "The student has no grade and no class to take it from. Fill in "
                "their grade (KG, 01 … 12).",
            )
            return False
        values = {
            "code": code,
            "first_name": record.given_name,
            "last_name": record.family_name,
            "grade": grade,
            "source_id": record.sourced_id,
        }
        self.plan_fields(person, values, school=school)
        return True

    def choose_classroom(
        self,
        student: Student,
        record: UserRecord | None,
        enrollments: Sequence[EnrollmentRecord],
    ) -> tuple[Classroom | None, int]:
        """Return the classroom a student ends in, and 1 when they had several."""
        current = student.classroom if student.classroom_id else None
        if record is not None and record.deleted:
            return None, 0
        active = [each.class_id for each in enrollments if not each.deleted]
        if active:
            homerooms = [
                class_id
                for class_id in active
                if class_id in self.classes
                and self.classes[class_id].class_type == "homeroom"
            ]
            chosen = (homerooms or active)[0]
            return self.classrooms[chosen], int(len(set(active)) > 1)
        ended = {each.class_id for each in enrollments if each.deleted}
        if current is not None and current.source_id in ended:
            return None, 0
        return current, 0

    def grade_of(self, classroom: Classroom) -> int:
        plan = self.class_plan.get(classroom.source_id)
        return plan[2] if plan else classroom.grade

    def plan_placement(
        self, person: _Person, student: Student, classroom: Classroom | None
    ) -> None:
        """Note the student's move into, between or out of classes."""
        count = self.counts["class places"]
        before = student.classroom_id if student.pk is not None else None
        if classroom is None:
            if before is not None:
                count.removed += 1
                person.lost = True
        elif before is None:
            count.created += 1
        elif classroom.pk != before:
            count.updated += 1
        else:
            return
        self.placements.append((student, classroom))
        self.moved.add(id(student))

    def plan_teachers(self) -> None:
        """Work out which staff teach each class, and each class's primary teacher."""
        leaving = [staff.pk for staff in self.leaving_staff if staff.pk]
        through = Classroom.teachers.through
        held = set(
            through.objects.filter(
                classroom__in=[c.pk for c in self.classrooms.values() if c.pk]
            ).values_list("classroom_id", "staff_id")
        )
        held |= set(
            through.objects.filter(staff__in=leaving).values_list(
                "classroom_id", "staff_id"
            )
        )
        leaving_set = set(leaving)
        for classroom_id, staff_id in held:
            if staff_id in leaving_set:
                self.teacher_removals.add((classroom_id, staff_id))
        added: set[tuple[int, int]] = set()
        for enrollment in self.teacher_enrollments:
            classroom = self.classrooms[enrollment.class_id]
            staff = self.people[enrollment.user].target
            assert isinstance(staff, Staff)
            pair = (classroom.pk, staff.pk)
            if enrollment.deleted or staff.pk in leaving_set and staff.pk:
                if pair in held:
                    self.teacher_removals.add(pair)  # type: ignore[arg-type]
                if classroom.primary_teacher_id == staff.pk and staff.pk:
                    self.primary[enrollment.class_id] = None
                continue
            if pair not in held or None in pair:
                key = (id(classroom), id(staff))
                if key not in added:
                    added.add(key)
                    self.teacher_additions.append((classroom, staff))
            if enrollment.class_id in self.primary:
                has_primary = self.primary[enrollment.class_id] is not None
            else:
                has_primary = classroom.primary_teacher_id is not None
            if enrollment.primary or not has_primary:
                self.primary[enrollment.class_id] = staff
        for classroom in Classroom.objects.filter(primary_teacher__in=leaving):
            key = classroom.source_id
            if key and key not in self.primary:
                self.primary[key] = None
                self.classrooms.setdefault(key, classroom)
        count = self.counts["class places"]
        count.created += len(self.teacher_additions)
        count.removed += len(self.teacher_removals)
        losing = {staff_id for _, staff_id in self.teacher_removals}
        for person in self.people.values():
            if isinstance(person.target, Staff) and person.target.pk in losing:
                person.lost = True

    def plan_guardians(self) -> None:
        """Work out which children each family in the bundle is linked to."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for sourced_id, person in list(self.people.items()):
            record = person.record
            if record is None or record.deleted:
                continue
            if isinstance(person.target, Guardian):
                wanted[sourced_id] |= {
                    agent
                    for agent in record.agents
                    if isinstance(
                        getattr(self.person_of(agent), "target", None), Student
                    )
                }
            elif isinstance(person.target, Student):
                for agent in record.agents:
                    family = self.person_of(agent)
                    if family is not None and isinstance(family.target, Guardian):
                        wanted[agent].add(sourced_id)
        guardians = {
            person.target.pk: sourced_id
            for sourced_id, person in self.people.items()
            if isinstance(person.target, Guardian) and person.target.pk
        }
        held: dict[str, set[int]] = defaultdict(set)
        for chunk in _chunks(list(guardians)):
            for guardian_id, student_id in Guardian.children.through.objects.filter(
                guardian__in=chunk
            ).values_list("guardian_id", "student_id"):
                held[guardians[guardian_id]].add(student_id)
        for sourced_id, person in list(self.people.items()):
            if not isinstance(person.target, Guardian):
                continue
            in_bundle = person.record is not None
            children = [
                self.people[child].target for child in sorted(wanted[sourced_id])
            ]
            child_pks = {child.pk for child in children if child.pk}
            for child in children:
                if child.pk is None or child.pk not in held[sourced_id]:
                    self.link_additions.append((person.target, child))  # type: ignore[arg-type]
                    person.changed = person.changed or person.target.pk is not None
            if in_bundle and person.target.pk:
                gone = held[sourced_id] - child_pks
                for student_id in gone:
                    self.link_removals.add((person.target.pk, student_id))
                if gone:
                    if person.record is not None and person.record.deleted:
                        person.lost = True
                    else:
                        person.changed = True

    def plan_classroom_removals(self) -> None:
        """Decide which classes marked tobedeleted can go, and say why others stay."""
        if not self.deleting:
            return
        pks = [classroom.pk for _, classroom in self.deleting]
        staying: dict[int, int] = defaultdict(int)
        moving = {id(student): classroom for student, classroom in self.placements}
        for student in Student.objects.filter(classroom__in=pks).only(
            "pk", "classroom_id", "source_id"
        ):
            person = self.people.get(student.source_id) if student.source_id else None
            if person is not None and id(person.target) in moving:
                target = moving[id(person.target)]
                if target is None or target.pk != student.classroom_id:
                    continue
            staying[student.classroom_id] += 1
        for _, classroom in self.placements:
            if classroom is not None and classroom.pk in pks:
                staying[classroom.pk] += 1
        must_dos = set(
            MustDo.objects.filter(classroom__in=pks).values_list(
                "classroom_id", flat=True
            )
        )
        activities = set(
            Activity.objects.filter(classroom__in=pks).values_list(
                "classroom_id", flat=True
            )
        )
        for record, classroom in self.deleting:
            reasons = []
            if staying.get(classroom.pk):
                reasons.append(f"{staying[classroom.pk]} students are still in it")
            if classroom.pk in must_dos:
                reasons.append("it has must-dos")
            if classroom.pk in activities:
                reasons.append("it has its own activities")
            if reasons:
                self.notes.append(
                    f"Kept class {classroom.code} (classes.csv line {record.line}), "
                    f"marked tobedeleted: {' and '.join(reasons)}. Move them or "
                    "remove them first, then import again."
                )
                self.counts["classrooms"].unchanged += 1
            else:
                self.classrooms_to_delete.append(classroom)
                self.counts["classrooms"].removed += 1

    def note_absent(self) -> None:
        """Say how many people of the bundle's schools a bulk users.csv leaves out.

        They are left as they are (see the TODO at the top of the module).
        """
        if self.bundle.modes.get("users.csv") != "bulk":
            return
        schools = {school.pk for school in self.schools.values() if school.pk}
        absent = {
            kind: sum(
                1
                for sourced_id, record in held.items()
                if record.school_id in schools and sourced_id not in self.users
            )
            for kind, held in (
                ("students", self.held.students),
                ("staff", self.held.staff),
            )
        }
        if any(absent.values()):
            self.notes.append(
                f"{absent['students']} students and {absent['staff']} staff of "
                "these schools are in coplanner but not in this bundle; they were "
                "left as they are. To take someone out, send them with status "
                "tobedeleted."
            )

    def count_people(self) -> None:
        for person in self.people.values():
            record = person.record
            if record is None:
                continue
            kind = {"staff": "staff", "student": "students", "guardian": "guardians"}[
                record.kind
            ]
            count = self.counts[kind]
            if person.held is None:
                count.created += 1
            elif record.deleted:
                if person.user_changed or person.lost:
                    count.removed += 1
                else:
                    count.unchanged += 1
            elif person.changed or person.user_changed:
                count.updated += 1
            else:
                count.unchanged += 1
        for reason, number in sorted(self.skipped_users.items()):
            self.notes.append(f"Left out {number} users: {reason}.")

    # Writing ----------------------------------------------------------------------

    def write(self) -> None:
        """Save every planned change; the caller holds the transaction."""
        District.objects.bulk_create(self.new_districts, batch_size=WRITE_BATCH)
        District.objects.bulk_update(self.changed_districts, ["name", "source_id"])
        School.objects.bulk_create(self.new_schools, batch_size=WRITE_BATCH)
        School.objects.bulk_update(
            self.changed_schools, ["name", "source_id", "district"]
        )

        User.objects.bulk_create(self.new_users, batch_size=WRITE_BATCH)
        User.objects.bulk_update(
            self.changed_users,
            ["username", "first_name", "last_name", "email", "is_active"],
            batch_size=WRITE_BATCH,
        )
        memberships = User.groups.through
        memberships.objects.bulk_create(
            [
                memberships(user_id=user.pk, group_id=group.pk)
                for user, group in self.new_memberships
            ],
            batch_size=WRITE_BATCH,
        )
        for staff, old, new in self.role_changes:
            memberships.objects.filter(user_id=staff.user_id, group=old).delete()
            memberships.objects.get_or_create(user_id=staff.user_id, group=new)

        people = {"staff": [], "student": [], "guardian": []}  # type: dict[str, list]
        changed = {"staff": [], "student": [], "guardian": []}  # type: dict[str, list]
        for person in self.people.values():
            kind = _kind_of_model(person.target)
            if person.target.pk is None:
                person.target.user = person.user  # type: ignore[assignment]
                people[kind].append(person.target)
            elif person.target.user_id is None and person.user is not None:
                # A student set up by hand without a login gets the bundle's.
                person.target.user = person.user  # type: ignore[assignment]
                changed[kind].append(person.target)
            elif person.changed or id(person.target) in self.moved:
                changed[kind].append(person.target)

        Staff.objects.bulk_create(people["staff"], batch_size=WRITE_BATCH)
        Staff.objects.bulk_update(
            changed["staff"], ["role", "display_name", "source_id", "school"]
        )

        changed_classrooms = {id(each) for each in self.changed_classrooms}
        for sourced_id, staff in self.primary.items():
            classroom = self.classrooms[sourced_id]
            if classroom.primary_teacher_id != (staff.pk if staff else None):
                classroom.primary_teacher = staff
                if classroom.pk and id(classroom) not in changed_classrooms:
                    self.changed_classrooms.append(classroom)
                    changed_classrooms.add(id(classroom))
        Classroom.objects.bulk_create(self.new_classrooms, batch_size=WRITE_BATCH)
        Classroom.objects.bulk_update(
            self.changed_classrooms,
            ["code", "name", "grade", "source_id", "school", "primary_teacher"],
        )

        for student, classroom in self.placements:
            student.classroom = classroom
        Student.objects.bulk_create(people["student"], batch_size=WRITE_BATCH)
        Student.objects.bulk_update(
            changed["student"],
            [
                "code",
                "first_name",
                "last_name",
                "grade",
                "source_id",
                "school",
                "classroom",
                "user",
            ],
            batch_size=WRITE_BATCH,
        )
        Guardian.objects.bulk_create(people["guardian"], batch_size=WRITE_BATCH)
        Guardian.objects.bulk_update(
            changed["guardian"], ["display_name", "source_id"], batch_size=WRITE_BATCH
        )

        teachers = Classroom.teachers.through
        for classroom_id, staff_id in self.teacher_removals:
            teachers.objects.filter(
                classroom_id=classroom_id, staff_id=staff_id
            ).delete()
        teachers.objects.bulk_create(
            [
                teachers(classroom_id=classroom.pk, staff_id=staff.pk)
                for classroom, staff in self.teacher_additions
            ],
            batch_size=WRITE_BATCH,
            ignore_conflicts=True,
        )
        children = Guardian.children.through
        removals = defaultdict(list)
        for guardian_id, student_id in self.link_removals:
            removals[guardian_id].append(student_id)
        for guardian_id, student_ids in removals.items():
            children.objects.filter(
                guardian_id=guardian_id, student_id__in=student_ids
            ).delete()
        children.objects.bulk_create(
            [
                children(guardian_id=guardian.pk, student_id=student.pk)
                for guardian, student in self.link_additions
            ],
            batch_size=WRITE_BATCH,
            ignore_conflicts=True,
        )
        Classroom.objects.filter(
            pk__in=[classroom.pk for classroom in self.classrooms_to_delete]
        ).delete()


def _kind_of_model(record: Staff | Student | Guardian) -> str:
    if isinstance(record, Staff):
        return "staff"
    if isinstance(record, Student):
        return "student"
    return "guardian"


def _differs(record: Model, values: dict[str, object]) -> bool:
    return any(getattr(record, name) != value for name, value in values.items())


def _assign(record: Model, values: dict[str, object]) -> None:
    for name, value in values.items():
        setattr(record, name, value)


def _free_slug(name: str, taken: set[str], fallback: str) -> str:
    """Return a slug for a new school or district that no other one has."""
    base = slugify(name)[:40].strip("-") or fallback
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


# --- The import --------------------------------------------------------------------


FILE_ORDER = (
    "",
    "manifest.csv",
    "orgs.csv",
    "academicSessions.csv",
    "courses.csv",
    "classes.csv",
    "users.csv",
    "enrollments.csv",
    "demographics.csv",
)


def record_roster_import(
    data: bytes,
    *,
    leader: Staff | None = None,
    dry_run: bool = False,
    by: AbstractBaseUser | None = None,
) -> RosterImport:
    """Import a OneRoster 1.1 CSV zip, all or nothing, and say what changed.

    With ``leader``, only the leader's school and schools new in the bundle
    under the leader's district are touched; the rest is left out and
    counted in the notes. With ``dry_run``, every check runs and the counts
    say what would change, but nothing is written. When any row is bad,
    nothing is written and ``problems`` lists every bad row.
    """
    bundle = read_bundle(data)
    rows = (
        len(bundle.orgs)
        + len(bundle.classes)
        + len(bundle.users)
        + len(bundle.enrollments)
    )
    job = _Import(bundle, _Held.load(), leader)
    if not any(each.line == 0 and not each.column for each in job.problems):
        job.match_orgs()
        job.match_classes()
        job.match_users()
        job.match_enrollments()
        job.check_agents()
    if not job.problems:
        job.plan_orgs()
        job.plan_classrooms()
        job.plan_people()
        job.plan_students()
        job.plan_teachers()
        job.plan_guardians()
        job.plan_classroom_removals()
        job.count_people()
        job.note_absent()
    if job.problems:
        problems = sorted(
            job.problems,
            key=lambda each: (
                FILE_ORDER.index(each.file) if each.file in FILE_ORDER else 99,
                each.line,
            ),
        )
        result = RosterImport(problems=tuple(problems), dry_run=dry_run, rows=rows)
        _log(result, leader, by)
        return result

    result = RosterImport(
        counts=job.counts, notes=tuple(job.notes), dry_run=dry_run, rows=rows
    )
    if dry_run or not result.changed:
        _log(result, leader, by)
        return result
    try:
        with transaction.atomic():
            job.write()
    except IntegrityError:
        logger.exception("Roster import failed to write")
        result = RosterImport(
            problems=(
                ImportProblem(
                    "",
                    0,
                    "",
                    "",
                    "Something changed in coplanner while the bundle was "
                    "imported (another import, or an edit in the admin pages), "
                    "so nothing was imported. Import the bundle again.",
                ),
            ),
            rows=rows,
        )
    _log(result, leader, by)
    return result


def _log(
    result: RosterImport, leader: Staff | None, by: AbstractBaseUser | None
) -> None:
    counts = ", ".join(
        f"{kind} +{count.created} ~{count.updated} -{count.removed}"
        for kind, count in result.counts.items()
    )
    logger.info(
        "Roster import by user %s for leader %s%s: %s rows, %s bad rows, %s",
        by.pk if by else None,
        leader.pk if leader else None,
        " (dry run)" if result.dry_run else "",
        result.rows,
        result.bad_rows,
        counts or "nothing written",
    )


def _load_usernames(usernames: Sequence[str]) -> dict[str, _Holder]:
    holders: dict[str, _Holder] = {}
    for chunk in _chunks(usernames):
        for row in User.objects.filter(username__in=chunk).values_list(
            "pk",
            "username",
            "staff__pk",
            "staff__source_id",
            "student__pk",
            "student__source_id",
            "guardian__pk",
            "guardian__source_id",
        ):
            pk, username, staff, staff_sid, student, student_sid, guardian, g_sid = row
            holders[username] = _Holder(
                user_id=pk,
                staff=(staff, staff_sid) if staff else None,
                student=(student, student_sid) if student else None,
                guardian=(guardian, g_sid) if guardian else None,
            )
    return holders
