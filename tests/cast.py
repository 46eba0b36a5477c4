"""A small school with memorable people, for tests that need a database.

Maple Elementary has two classrooms. Ms Rivera teaches Room 1 (kindergarten)
and Mr Okafor coaches it; Mr Chen teaches Room 2 (grade 2). Ana and Ben are
in Room 1, Carla in Room 2. Mrs López is Ana's mother. Dr Hill leads the
school. Everyone's password is ``PASSWORD``.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User

from coplanner.accounts.roles import ensure_role_groups
from coplanner.curriculum.models import (
    Activity,
    Block,
    Skill,
    Subject,
    Variant,
    WeekTemplate,
)
from coplanner.roster.models import Classroom, Guardian, School, Staff, Student

PASSWORD = "maple-leaf-42"
# The students' names, which no log may hold (the log guard in conftest.py).
STUDENT_NAMES = (("Ana", "López"), ("Ben", "Adeyemi"), ("Carla", "Nguyễn"))


@dataclass
class Cast:
    school: School
    room1: Classroom
    room2: Classroom
    rivera: Staff
    okafor: Staff
    chen: Staff
    hill: Staff
    ana: Student
    ben: Student
    carla: Student
    lopez: Guardian
    template: WeekTemplate
    math: Subject
    literacy: Subject


def _user(username: str, first: str, last: str, role: str) -> User:
    user = User.objects.create_user(
        username, password=PASSWORD, first_name=first, last_name=last
    )
    user.groups.add(ensure_role_groups()[role])
    return user


def build_cast() -> Cast:
    school = School.objects.create(name="Maple Elementary", slug="maple")
    math = Subject.objects.create(code="math", name="Math")
    literacy = Subject.objects.create(code="literacy", name="Literacy")
    template = WeekTemplate.objects.create(school=school, name="Standard week")
    for day in range(5):
        for index, (hour, subject) in enumerate(
            [(9, math), (10, literacy), (11, None)]
        ):
            Block.objects.create(
                template=template,
                code=f"d{day}-{index + 1}",
                day=day,
                start=datetime.time(hour, 0),
                minutes=40,
                subject=subject,
            )

    def staff(username: str, first: str, last: str, role: str) -> Staff:
        user = _user(username, first, last, role)
        return Staff.objects.create(
            user=user, school=school, role=role, display_name=f"{first} {last}"
        )

    rivera = staff("rivera", "Lucía", "Rivera", "teacher")
    okafor = staff("okafor", "Emeka", "Okafor", "coach")
    chen = staff("chen", "Wei", "Chen", "teacher")
    hill = staff("hill", "Dana", "Hill", "leader")

    room1 = Classroom.objects.create(
        school=school,
        code="r1",
        name="Room 1",
        grade=0,
        coach=okafor,
        week_template=template,
    )
    room1.teachers.add(rivera)
    room2 = Classroom.objects.create(
        school=school, code="r2", name="Room 2", grade=2, week_template=template
    )
    room2.teachers.add(chen)

    def student(code: str, first: str, last: str, room: Classroom) -> Student:
        return Student.objects.create(
            school=school,
            classroom=room,
            user=_user(code, first, last, "student"),
            code=code,
            first_name=first,
            last_name=last,
            grade=room.grade,
            autonomy=1 if room.grade < 2 else 2,
        )

    ana = student("ana", "Ana", "López", room1)
    ben = student("ben", "Ben", "Adeyemi", room1)
    carla = student("carla", "Carla", "Nguyễn", room2)
    lopez = Guardian.objects.create(
        user=_user("lopez", "María", "López", "guardian"),
        display_name="María López",
        language="es",
    )
    lopez.children.add(ana)

    count = Skill.objects.create(
        code="math.k.count20", subject=math, grade=0, name="Counting to 20"
    )
    nook = Activity.objects.create(
        school=school,
        code="nook",
        name="Reading nook",
        subject=literacy,
        modality="reading",
        capacity=6,
        icon="book",
        colour="#7b4fd0",
    )
    Variant.objects.create(activity=nook, code="buddy", label="With a buddy")
    counting = Activity.objects.create(
        school=school,
        code="counting",
        name="Counting bears",
        subject=math,
        modality="hands_on",
        capacity=8,
        icon="123",
        colour="#d07b4f",
    )
    counting.skills.add(count)
    puzzles = Activity.objects.create(
        school=school,
        code="puzzles",
        name="Number puzzles",
        subject=math,
        modality="other",
        capacity=None,
        icon="puzzle",
        colour="#4fa0d0",
    )
    puzzles.skills.add(count)
    return Cast(
        school=school,
        room1=room1,
        room2=room2,
        rivera=rivera,
        okafor=okafor,
        chen=chen,
        hill=hill,
        ana=ana,
        ben=ben,
        carla=carla,
        lopez=lopez,
        template=template,
        math=math,
        literacy=literacy,
    )


@dataclass
class Elsewhere:
    """People the cast must never see, and a second family inside Maple.

    Oak Primary is another school with its own week, classroom (Room A, grade
    1, taught by Ms Ito and coached by Mr Banda), students Dev and Eli, its
    leader Ms Park and Dev's father Mr Shah. Inside Maple, Mr Adeyemi is Ben's
    father: a second family beside Mrs López.
    """

    school: School
    room: Classroom
    ito: Staff
    banda: Staff
    park: Staff
    dev: Student
    eli: Student
    shah: Guardian
    adeyemi: Guardian


def build_elsewhere(cast: Cast) -> Elsewhere:
    """Add a second school and a second Maple family beside the cast."""
    school = School.objects.create(name="Oak Primary", slug="oak")
    template = WeekTemplate.objects.create(school=school, name="Oak week")
    for day in range(5):
        Block.objects.create(
            template=template,
            code=f"d{day}-1",
            day=day,
            start=datetime.time(9, 0),
            minutes=40,
            subject=cast.math,
        )

    def staff(username: str, first: str, last: str, role: str) -> Staff:
        return Staff.objects.create(
            user=_user(username, first, last, role),
            school=school,
            role=role,
            display_name=f"{first} {last}",
        )

    ito = staff("ito", "Aiko", "Ito", "teacher")
    banda = staff("banda", "Kofi", "Banda", "coach")
    park = staff("park", "Min", "Park", "leader")
    room = Classroom.objects.create(
        school=school,
        code="ra",
        name="Room A",
        grade=1,
        coach=banda,
        week_template=template,
    )
    room.teachers.add(ito)

    def student(code: str, first: str, last: str) -> Student:
        return Student.objects.create(
            school=school,
            classroom=room,
            user=_user(code, first, last, "student"),
            code=code,
            first_name=first,
            last_name=last,
            grade=room.grade,
        )

    dev = student("dev", "Dev", "Shah")
    eli = student("eli", "Eli", "Moreau")
    shah = Guardian.objects.create(
        user=_user("shah", "Ravi", "Shah", "guardian"), display_name="Ravi Shah"
    )
    shah.children.add(dev)
    adeyemi = Guardian.objects.create(
        user=_user("adeyemi", "Tunde", "Adeyemi", "guardian"),
        display_name="Tunde Adeyemi",
    )
    adeyemi.children.add(cast.ben)
    Activity.objects.create(
        school=school,
        code="blocks",
        name="Pattern blocks",
        subject=cast.math,
        modality="hands_on",
        capacity=6,
    )
    return Elsewhere(
        school=school,
        room=room,
        ito=ito,
        banda=banda,
        park=park,
        dev=dev,
        eli=eli,
        shah=shah,
        adeyemi=adeyemi,
    )
