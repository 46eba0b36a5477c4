"""A small generated school whose classrooms form two planning units.

Oak Primary has three classrooms on one week template (three days of a math,
a literacy and a free-choice block). Ms Park, the intervention teacher, runs a group for
Room A and another for Room B, so those two classrooms must be planned
together; Room C has its own teacher's group and shares only stations
(whose seats each class has for itself) and the unlimited reading corner.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User

from coplanner.curriculum.models import Activity, Block, Skill, Subject, WeekTemplate
from coplanner.roster.models import Classroom, District, School, Staff, Student


@dataclass(frozen=True)
class OakSchool:
    school: School
    district: District
    room_a: Classroom
    room_b: Classroom
    room_c: Classroom
    park: Staff
    blocks: tuple[Block, ...]


def build_oak_school(students_per_room: int = 4) -> OakSchool:
    district = District.objects.create(name="River District", slug="river")
    school = School.objects.create(name="Oak Primary", slug="oak", district=district)
    math = Subject.objects.create(code="oak-math", name="Math")
    literacy = Subject.objects.create(code="oak-literacy", name="Literacy")
    template = WeekTemplate.objects.create(school=school, name="Oak week")
    blocks = tuple(
        Block.objects.create(
            template=template,
            code=f"d{day}-{subject.code if subject else 'any'}",
            day=day,
            start=datetime.time(9 + index, 0),
            minutes=40,
            subject=subject,
        )
        for day in range(3)
        for index, subject in enumerate((math, literacy, None))
    )

    def staff(username: str, role: str) -> Staff:
        user = User.objects.create_user(username=username, password="oak-tree-42")
        return Staff.objects.create(
            user=user, school=school, role=role, display_name=username
        )

    park = staff("park", "teacher")
    lee = staff("lee", "teacher")
    rooms = [
        Classroom.objects.create(
            school=school,
            code=code,
            name=f"Room {code.upper()}",
            grade=1,
            week_template=template,
        )
        for code in ("a", "b", "c")
    ]
    for room in rooms:
        for number in range(students_per_room):
            Student.objects.create(
                school=school,
                classroom=room,
                code=f"{room.code}{number + 1}",
                first_name=f"Child{number + 1}",
                last_name=room.code.upper(),
                grade=1,
                autonomy=1,
            )

    add = Skill.objects.create(code="oak.1.add", subject=math, grade=1, name="Adding")
    sounds = Skill.objects.create(
        code="oak.1.sounds", subject=literacy, grade=1, name="Letter sounds"
    )

    def activity(code: str, subject: Subject, modality: str, **fields) -> Activity:
        skills = fields.pop("skills", ())
        made = Activity.objects.create(
            school=school,
            code=code,
            name=code.replace("-", " ").capitalize(),
            subject=subject,
            modality=modality,
            **fields,
        )
        made.skills.add(*skills)
        return made

    room_a, room_b, room_c = rooms
    activity(
        "park-a",
        math,
        "small_group",
        capacity=6,
        staff=park,
        classroom=room_a,
        skills=[add],
    )
    activity(
        "park-b",
        math,
        "small_group",
        capacity=6,
        staff=park,
        classroom=room_b,
        skills=[add],
    )
    activity(
        "lee-c",
        literacy,
        "small_group",
        capacity=4,
        staff=lee,
        classroom=room_c,
        skills=[sounds],
    )
    activity("math-games", math, "partner", capacity=4, skills=[add])
    activity("counters", math, "hands_on", capacity=None, skills=[add])
    activity("letter-tiles", literacy, "hands_on", capacity=4, skills=[sounds])
    activity("reading-corner", literacy, "reading", capacity=None, skills=[sounds])
    return OakSchool(
        school=school,
        district=district,
        room_a=room_a,
        room_b=room_b,
        room_c=room_c,
        park=park,
        blocks=blocks,
    )
