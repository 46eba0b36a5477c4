"""Put a generated demo school into the database, replacing an earlier one."""

import logging
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from coplanner.accounts.roles import Role, ensure_role_groups
from coplanner.curriculum.models import (
    Activity,
    Block,
    Prerequisite,
    Skill,
    Subject,
    Variant,
    WeekTemplate,
)
from coplanner.demo.generate import DemoSchool, generate_demo_school
from coplanner.mastery.models import Evidence, EvidenceKind
from coplanner.planning.models import MustDo, Plan
from coplanner.roster.models import Classroom, Guardian, School, Staff, Student
from coplanner.voice.models import Goal, Preference, Reason

logger = logging.getLogger(__name__)

DEMO_SLUG = "demo"
BATCH = 2000


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    name: str
    note: str


@dataclass(frozen=True)
class DemoSummary:
    school: School
    password: str
    logins: tuple[Login, ...]
    counts: dict[str, int]


def _remove_previous_demo(demo: DemoSchool) -> None:
    """Remove the earlier demo school, its accounts and the skills it brings."""
    usernames = (
        [member.username for member in demo.staff]
        + [student.username for student in demo.students]
        + [guardian.username for guardian in demo.guardians]
    )
    # The earlier demo may come from another seed, with other people in it.
    earlier = (
        Q(staff__school__slug=DEMO_SLUG)
        | Q(student__school__slug=DEMO_SLUG)
        | Q(guardian__children__school__slug=DEMO_SLUG)
    )
    User.objects.filter(Q(username__in=usernames) | earlier).delete()
    # Plans hold on to blocks and activities, and classrooms to the week
    # template, so they go first.
    Plan.objects.filter(student__school__slug=DEMO_SLUG).delete()
    Classroom.objects.filter(school__slug=DEMO_SLUG).delete()
    School.objects.filter(slug=DEMO_SLUG).delete()
    Skill.objects.filter(code__in=[skill.code for skill in demo.skills]).delete()


@transaction.atomic
def load_demo_school(seed: int = 1) -> DemoSummary:
    """Generate the demo school for ``seed`` and store it, in one transaction.

    An earlier demo school, its accounts and its skills are removed first, so
    loading the same seed twice leaves the same data.
    """
    demo = generate_demo_school(seed)
    _remove_previous_demo(demo)
    groups = ensure_role_groups()
    # Hashing is slow on purpose; every demo account shares one password, so
    # one hash serves them all and loading stays quick.
    password_hash = make_password(demo.password)

    school = School.objects.create(name=demo.name, slug=DEMO_SLUG)
    subjects = {
        spec.code: Subject.objects.update_or_create(
            code=spec.code, defaults={"name": spec.name}
        )[0]
        for spec in demo.subjects
    }
    skills = {
        skill.code: skill
        for skill in Skill.objects.bulk_create(
            Skill(
                code=spec.code,
                subject=subjects[spec.subject],
                grade=spec.grade,
                name=spec.name,
            )
            for spec in demo.skills
        )
    }
    Prerequisite.objects.bulk_create(
        Prerequisite(skill=skills[spec.code], requires=skills[code])
        for spec in demo.skills
        for code in spec.prerequisites
    )

    template = WeekTemplate.objects.create(school=school, name="School week")
    blocks = {
        block.code: block
        for block in Block.objects.bulk_create(
            Block(
                template=template,
                code=spec.code,
                day=spec.day,
                start=spec.start,
                minutes=spec.minutes,
                subject=None if spec.subject == "any" else subjects[spec.subject],
            )
            for spec in demo.blocks
        )
    }

    def make_user(username: str, first: str, last: str, role: str) -> User:
        return User(
            username=username,
            first_name=first,
            last_name=last,
            password=password_hash,
        )

    users = {
        user.username: user
        for user in User.objects.bulk_create(
            [
                make_user(s.username, s.first_name, s.last_name, s.role)
                for s in demo.staff
            ]
            + [
                make_user(s.username, s.first_name, s.last_name, Role.STUDENT)
                for s in demo.students
            ]
            + [
                make_user(g.username, g.first_name, g.last_name, Role.GUARDIAN)
                for g in demo.guardians
            ]
        )
    }
    role_of = {s.username: s.role for s in demo.staff}
    role_of.update({s.username: Role.STUDENT for s in demo.students})
    role_of.update({g.username: Role.GUARDIAN for g in demo.guardians})
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=groups[role_of[name]].pk)
        for name, user in users.items()
    )

    staff = {
        spec.username: Staff.objects.create(
            user=users[spec.username],
            school=school,
            role=spec.role,
            display_name=f"{spec.first_name} {spec.last_name}",
        )
        for spec in demo.staff
    }
    classrooms: dict[str, Classroom] = {}
    for spec in demo.classrooms:
        classroom = Classroom.objects.create(
            school=school,
            code=spec.code,
            name=spec.name,
            grade=spec.grade,
            coach=staff[spec.coach],
            week_template=template,
        )
        classroom.teachers.add(staff[spec.teacher])
        classrooms[spec.code] = classroom

    students = {
        student.code: student
        for student in Student.objects.bulk_create(
            Student(
                school=school,
                classroom=classrooms[spec.classroom],
                user=users[spec.username],
                code=spec.code,
                first_name=spec.first_name,
                last_name=spec.last_name,
                grade=spec.grade,
                autonomy=spec.autonomy,
            )
            for spec in demo.students
        )
    }
    for spec in demo.guardians:
        guardian = Guardian.objects.create(
            user=users[spec.username],
            display_name=f"{spec.first_name} {spec.last_name}",
            language=spec.language,
        )
        guardian.children.add(*(students[code] for code in spec.children))

    activities: dict[str, Activity] = {}
    for spec in demo.activities:
        activity = Activity.objects.create(
            school=school,
            code=spec.code,
            name=spec.name,
            subject=subjects[spec.subject],
            modality=spec.modality,
            capacity=spec.capacity,
            staff=staff[spec.staff] if spec.staff else None,
            icon=spec.icon,
            colour=spec.colour,
            classroom=classrooms[spec.classroom] if spec.classroom else None,
        )
        activity.skills.add(*(skills[code] for code in spec.skills))
        if spec.blocks is not None:
            activity.allowed_blocks.add(*(blocks[code] for code in spec.blocks))
        Variant.objects.bulk_create(
            Variant(activity=activity, code=variant.code, label=variant.label)
            for variant in spec.variants
        )
        activities[spec.code] = activity

    Evidence.objects.bulk_create(
        (
            Evidence(
                student=students[spec.student],
                skill=skills[spec.skill],
                kind=EvidenceKind.RESPONSE,
                correct=spec.correct,
                observed_at=spec.time,
                source=spec.source,
                item=spec.item,
            )
            for spec in demo.evidence
        ),
        batch_size=BATCH,
    )
    Preference.objects.bulk_create(
        Preference(
            student=students[spec.student],
            activity=activities[spec.activity],
            rating=spec.rating,
            reason=(
                spec.reason
                if spec.reason in Reason.values
                else (Reason.OTHER if spec.reason else "")
            ),
            reason_text="" if spec.reason in Reason.values else spec.reason,
        )
        for spec in demo.preferences
    )
    Goal.objects.bulk_create(
        Goal(
            student=students[spec.student],
            text=spec.text,
            skill=skills[spec.skill] if spec.skill else None,
        )
        for spec in demo.goals
    )
    MustDo.objects.bulk_create(
        MustDo(
            classroom=classrooms[spec.classroom],
            activity=activities[spec.activity],
            at_least=spec.at_least,
        )
        for spec in demo.must_dos
    )

    counts = {
        "classrooms": len(classrooms),
        "students": len(students),
        "skills": len(skills),
        "activities": len(activities),
        "evidence": len(demo.evidence),
        "preferences": len(demo.preferences),
    }
    logger.info("Loaded demo school %s with seed %s: %s", school.pk, seed, counts)
    return DemoSummary(
        school=school,
        password=demo.password,
        logins=_logins(demo, classrooms),
        counts=counts,
    )


def _logins(demo: DemoSchool, classrooms: dict[str, Classroom]) -> tuple[Login, ...]:
    """Pick the accounts worth trying first: every adult, a few of the rest."""
    logins: list[Login] = []
    class_of = {spec.teacher: spec.code for spec in demo.classrooms}
    coached = {}
    for spec in demo.classrooms:
        coached.setdefault(spec.coach, []).append(classrooms[spec.code].name)
    for member in demo.staff:
        name = f"{member.first_name} {member.last_name}"
        if member.role == Role.TEACHER and member.username in class_of:
            note = f"teaches {classrooms[class_of[member.username]].name}"
        elif member.role == Role.COACH:
            note = "coaches " + ", ".join(coached.get(member.username, []))
        elif member.role == Role.LEADER:
            note = "sees the whole school"
        else:
            note = "runs small groups"
        logins.append(Login(member.role, member.username, name, note))
    for classroom in demo.classrooms:
        student = next(s for s in demo.students if s.classroom == classroom.code)
        logins.append(
            Login(
                Role.STUDENT,
                student.username,
                f"{student.first_name} {student.last_name}",
                f"{classrooms[classroom.code].name}, autonomy level {student.autonomy}",
            )
        )
    for language in ("en", "es"):
        guardian = next((g for g in demo.guardians if g.language == language), None)
        if guardian:
            logins.append(
                Login(
                    Role.GUARDIAN,
                    guardian.username,
                    f"{guardian.first_name} {guardian.last_name}",
                    f"family, reads {'English' if language == 'en' else 'Spanish'}",
                )
            )
    return tuple(logins)
