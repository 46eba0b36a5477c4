"""Plans, PDFs and catalogues for the handout tests."""

import datetime
import re
import subprocess
from pathlib import Path

from PIL import Image, ImageStat

from coplanner.curriculum.models import Activity, Skill, Variant
from coplanner.mastery.models import Band, MasteryEstimate
from coplanner.planning.models import (
    ChangeSource,
    Conference,
    Plan,
    PlanStatus,
    PlanVersion,
    Request,
    RequestKind,
    RequestOutcome,
    Slot,
)
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Student
from coplanner.voice.models import Goal
from tests.cast import Cast

LOCALE = Path(__file__).parents[2] / "src/coplanner/locale/es/LC_MESSAGES"


def add_small_group(cast: Cast) -> Activity:
    """Give Room 1 a teacher's small group on counting, Ana not there yet."""
    group = Activity.objects.create(
        school=cast.school,
        code="count-table",
        name="Counting table",
        subject=cast.math,
        modality="small_group",
        capacity=4,
        staff=cast.rivera,
        icon="people",
        colour="#2e86ab",
    )
    count = Skill.objects.get(code="math.k.count20")
    group.skills.add(count)
    MasteryEstimate.objects.create(
        student=cast.ana, skill=count, probability=0.3, band=Band.NOT_YET
    )
    MasteryEstimate.objects.create(
        student=cast.ben, skill=count, probability=0.9, band=Band.MASTERED
    )
    return group


def make_plan(
    student: Student,
    week_start: datetime.date | None = None,
    math: str = "counting",
    status: str = PlanStatus.AGREED,
) -> PlanVersion:
    """Write a plan version by hand: math, reading nook, puzzles every day.

    Monday's reading is "with a buddy"; every slot carries a reason.
    """
    week_start = week_start or get_week_start()
    plan, _created = Plan.objects.get_or_create(
        student=student, week_start=week_start, defaults={"status": status}
    )
    plan.version += 1
    plan.save()
    version = PlanVersion.objects.create(
        plan=plan, number=plan.version, source=ChangeSource.PLANNER
    )
    school = student.school
    activities = {a.code: a for a in Activity.objects.filter(school=school)}
    buddy = Variant.objects.get(activity=activities["nook"], code="buddy")
    for block in student.classroom.week_template.blocks.all():
        if block.subject and block.subject.code == "math":
            activity, variant = activities[math], None
        elif block.subject:
            activity = activities["nook"]
            variant = buddy if block.day == 0 else None
        else:
            activity, variant = activities["puzzles"], None
        Slot.objects.create(
            version=version,
            block=block,
            activity=activity,
            variant=variant,
            reasons=[f"Reason for {activity.name} on day {block.day}"],
        )
    return version


def add_voice(student: Student, goal: str, idea: str | None = None) -> None:
    """Give the student a goal and, optionally, an applied request."""
    Goal.objects.create(student=student, text=goal)
    if idea:
        plan = Plan.objects.filter(student=student).first()
        conference = Conference.objects.create(plan=plan)
        Request.objects.create(
            conference=conference,
            made_by=student.user,
            kind=RequestKind.VARIANT,
            details={"label": idea},
            outcome=RequestOutcome.APPLIED,
        )


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_pages_ink(content: bytes, tmp_path: Path) -> list[float]:
    """Render each page at 30 dpi and return its grey-level standard deviation."""
    path = tmp_path / "ink.pdf"
    path.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "page")],
        check=True,
    )
    spreads = []
    for png in sorted(tmp_path.glob("page-*.png")):
        with Image.open(png) as image:
            spreads.append(ImageStat.Stat(image.convert("L")).stddev[0])
    return spreads


def read_po(path: Path = LOCALE / "django.po") -> dict[str, list[str]]:
    """Return msgid → msgstrs of a .po file written with ``--no-wrap``."""
    catalogue: dict[str, list[str]] = {}
    strings: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            strings = catalogue.setdefault(_unquote(line[6:]), [])
        elif line.startswith("msgid_plural "):
            catalogue[_unquote(line[13:])] = strings
        elif re.match(r"msgstr(\[\d\])? ", line):
            strings.append(_unquote(line.split(" ", 1)[1]))
    catalogue.pop("", None)
    return catalogue


def _unquote(quoted: str) -> str:
    return quoted[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
