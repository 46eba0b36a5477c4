"""Reads for handouts: a class's week, small groups, what a family sees."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from coplanner.curriculum.models import Activity, Block, Modality, Skill
from coplanner.engine.planner.problem import Rules
from coplanner.mastery.models import MasteryEstimate
from coplanner.planning.models import Plan, PlanVersion, Request, RequestOutcome, Slot
from coplanner.roster.models import Classroom, Student
from coplanner.voice.models import Goal, Reflection

# The planner's own threshold: below it a skill is not yet mastered.
MASTERED_AT = Rules().mastered_at


# A version's slots in week order with what a handout shows of them. Ordered
# here, since Slot's default ordering also joins and sorts by plan and
# student, which on a school's export costs more than reading the slots.
WEEK_SLOTS = (
    Slot.objects.select_related("activity__staff", "variant", "block")
    .prefetch_related("activity__skills")
    .order_by("block__day", "block__start")
)


def get_latest_versions(plans: QuerySet[Plan]) -> dict[int, PlanVersion]:
    """Return the newest version of each plan, with its slots, by plan id."""
    newest = (
        PlanVersion.objects.filter(plan=OuterRef("plan"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = (
        PlanVersion.objects.filter(plan__in=plans, number=Subquery(newest))
        .select_related("plan")
        .prefetch_related(Prefetch("slots", queryset=WEEK_SLOTS))
    )
    return {version.plan_id: version for version in versions}


@dataclass
class StudentWeek:
    """One student's plan for the week as slots by block id."""

    student: Student
    plan: Plan | None
    version: PlanVersion | None
    slots: dict[int, Slot]


@dataclass
class ClassWeek:
    """A classroom's week: its blocks in order and every student's slots."""

    classroom: Classroom
    week_start: datetime.date
    blocks: list[Block]
    students: list[StudentWeek]

    def days(self) -> list[tuple[int, list[Block]]]:
        """Return the blocks grouped by day, days and blocks in order."""
        by_day: dict[int, list[Block]] = defaultdict(list)
        for block in self.blocks:
            by_day[block.day].append(block)
        return sorted(by_day.items())

    @property
    def has_plans(self) -> bool:
        return any(week.version for week in self.students)


def get_class_week(
    classroom: Classroom, students: QuerySet[Student], week_start: datetime.date
) -> ClassWeek:
    """Return the newest plan version of each of ``students`` for the week.

    ``students`` comes already scoped by the caller (``access_students``).
    """
    template = classroom.week_template
    blocks = list(template.blocks.select_related("subject")) if template else []
    students = students.filter(classroom=classroom).order_by("first_name", "last_name")
    plans = Plan.objects.filter(student__in=students, week_start=week_start)
    by_student = {plan.student_id: plan for plan in plans}
    versions = get_latest_versions(plans)

    weeks = []
    for student in students:
        plan = by_student.get(student.pk)
        version = versions.get(plan.pk) if plan else None
        slots = {slot.block_id: slot for slot in version.slots.all()} if version else {}
        weeks.append(StudentWeek(student, plan, version, slots))
    return ClassWeek(classroom, week_start, blocks, weeks)


def get_mastery(students: list[Student]) -> dict[tuple[int, int], float]:
    """Return each (student id, skill id) mastery probability that is known."""
    estimates = MasteryEstimate.objects.filter(student__in=students).values_list(
        "student_id", "skill_id", "probability"
    )
    return {(student, skill): p for student, skill, p in estimates}


@dataclass
class Station:
    """Who is at one activity in one block, and for small groups, on what."""

    activity: Activity
    students: list[tuple[Student, Slot]]
    skills: list[Skill] = field(default_factory=list)

    @property
    def is_small_group(self) -> bool:
        return self.activity.modality == Modality.SMALL_GROUP


@dataclass
class BoardBlock:
    """One block of the rotation board."""

    block: Block
    start: datetime.datetime
    end: datetime.datetime
    stations: list[Station]
    is_now: bool = False


def get_rotation_board(
    week: ClassWeek, now: datetime.datetime | None = None
) -> list[BoardBlock]:
    """Return, for every block of the week, who is where.

    A small group's skills are those of its activity that at least one of its
    students has not mastered yet. The block running at ``now`` (server time
    by default) is marked.
    """
    now = timezone.localtime(now)
    mastery = get_mastery([sw.student for sw in week.students])
    tz = timezone.get_current_timezone()
    board = []
    for block in week.blocks:
        day = week.week_start + datetime.timedelta(days=block.day)
        start = datetime.datetime.combine(day, block.start, tzinfo=tz)
        end = start + datetime.timedelta(minutes=block.minutes)
        stations: dict[int, Station] = {}
        for sw in week.students:
            slot = sw.slots.get(block.pk)
            if slot is None:
                continue
            station = stations.setdefault(slot.activity_id, Station(slot.activity, []))
            station.students.append((sw.student, slot))
        for station in stations.values():
            if station.is_small_group:
                station.skills = [
                    skill
                    for skill in station.activity.skills.all()
                    if any(
                        mastery.get((student.pk, skill.pk), 0.0) < MASTERED_AT
                        for student, _slot in station.students
                    )
                ]
        ordered = sorted(
            stations.values(),
            key=lambda s: (not s.is_small_group, s.activity.name.casefold()),
        )
        board.append(BoardBlock(block, start, end, ordered, start <= now < end))
    return board


def get_current_goal(student: Student) -> Goal | None:
    """Return the student's newest goal that is not achieved yet."""
    return (
        Goal.objects.filter(student=student, achieved_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def get_goals(students: list[Student]) -> dict[int, Goal]:
    """Return the newest open goal of each student that has one."""
    goals: dict[int, Goal] = {}
    for goal in Goal.objects.filter(
        student__in=students, achieved_at__isnull=True
    ).order_by("-created_at"):
        goals.setdefault(goal.student_id, goal)
    return goals


def get_student_ideas(plans: list[Plan]) -> dict[int, list[str]]:
    """Return, by plan id, the student's requests that changed the plan, in words.

    Every request of a conference is the student's (the coach may tap it in
    for a pre-reader); only those the planner applied made it into the plan.
    """
    ideas: dict[int, list[str]] = defaultdict(list)
    requests = Request.objects.filter(
        conference__plan__in=plans, outcome=RequestOutcome.APPLIED
    ).select_related("conference")
    for request in requests.order_by("created_at"):
        # TODO: name the activity or block the request was about once the
        # conference board settles what ``details`` holds; until then a
        # ``label`` or ``text`` in it is used, else the kind of request.
        details = request.details if isinstance(request.details, dict) else {}
        words = details.get("label") or details.get("text")
        idea = str(words) if words else str(request.get_kind_display())
        if idea not in ideas[request.conference.plan_id]:
            ideas[request.conference.plan_id].append(idea)
    return ideas


def get_latest_reflection(student: Student) -> Reflection | None:
    """Return the student's most recent reflection."""
    return Reflection.objects.filter(student=student).order_by("-week_start").first()


@dataclass
class SkillProgress:
    """How far a student is on one skill of this week's plan."""

    skill: Skill
    probability: float
    band: str
    band_label: str


def get_plan_progress(student: Student, slots: list[Slot]) -> list[SkillProgress]:
    """Return the student's mastery on the skills this week's activities work on.

    Only the current estimate is kept in the database, so this is one bar per
    skill rather than a curve over time.
    """
    # TODO: show mastery over time once estimates keep their history (a table
    # of past estimates per refit); until then only the current one exists.
    # One query for the skills of every activity of the week, not one per
    # slot: a week has thirty slots.
    activity_ids = {slot.activity_id for slot in slots}
    estimates = (
        MasteryEstimate.objects.filter(
            student=student, skill__activities__in=activity_ids
        )
        .select_related("skill")
        .distinct()
    )
    progress = [
        SkillProgress(e.skill, e.probability, e.band, e.get_band_display())
        for e in estimates
    ]
    return sorted(progress, key=lambda p: p.skill.name.casefold())
