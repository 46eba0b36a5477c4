"""Turn database rows into the planner's problem, and its answer back into rows.

Ids in the problem are the codes people see in imports and exports: student,
activity, variant, block and skill codes.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace

from django.db.models import Count, F, Q, QuerySet

from coplanner.curriculum.models import Activity, Block, Prerequisite, Skill, Variant
from coplanner.engine.planner import plan as engine_plan
from coplanner.engine.planner import problem as engine
from coplanner.mastery.models import MasteryEstimate
from coplanner.mastery.overrides import get_override_probabilities
from coplanner.planning.models import MustDo, Plan, PlanStatus, PlanVersion, Slot
from coplanner.roster.models import Classroom, Student
from coplanner.voice.models import Preference

DAY_IDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# How long the planner may think when a teacher presses "Draft plans", in
# seconds. A class of 25 reaches a plan within about 1.5% of the best possible
# well inside this.
DRAFT_TIME_LIMIT_S = 10.0


@dataclass(frozen=True)
class ClassProblem:
    """A planner problem for one classroom and the rows its ids stand for."""

    problem: engine.Problem
    to_plan: dict[str, Student]
    kept: dict[str, Student]
    # The version counter of each existing draft when the problem was built,
    # so a draft edited by someone meanwhile is not overwritten.
    draft_versions: dict[str, int]
    blocks: dict[str, Block]
    activities: dict[str, Activity]
    variants: dict[tuple[str, str], Variant]


# A kept slot as the problem needs it: block, activity and variant codes.
KeptSlot = tuple[str, str, str | None]


def _latest_slots(plans: list[Plan]) -> dict[int, list[KeptSlot]]:
    """Return the slots of the newest version of each plan, by student id.

    Codes only, read in one query: a kept week needs nothing else, and
    making model rows of every slot of a class costs more than the query.
    A plan's ``version`` is the number of its newest version.
    """
    by_student: dict[int, list[KeptSlot]] = {}
    rows = (
        Slot.objects.filter(
            version__plan__in=plans, version__number=F("version__plan__version")
        )
        .values_list(
            "version__plan__student_id",
            "block__code",
            "activity__code",
            "variant__code",
        )
        .order_by("block__day", "block__start")  # not by plan and student
    )
    for student_id, block, activity, variant in rows:
        by_student.setdefault(student_id, []).append((block, activity, variant))
    return by_student


def _busy_staff(plans: QuerySet[Plan]) -> set[tuple[str, int]]:
    """Return (block code, staff id) of each group the plans' newest versions hold.

    Only the pairs are read, in one query: the other classes of a school of
    500 hold some 15,000 slots, and every conference request asks this.
    """
    newest = PlanVersion.objects.filter(plan__in=plans, number=F("plan__version"))
    return set(
        Slot.objects.filter(version__in=newest, activity__staff__isnull=False)
        .values_list("block__code", "activity__staff_id")
        .order_by()  # the models' orderings would join plans and students
        .distinct()
    )


def _seats_held(
    plans: QuerySet[Plan], activities: QuerySet[Activity]
) -> dict[tuple[str, int], int]:
    """Return the seats the plans' newest versions hold, by (block code, activity id).

    Only for ``activities``, in one query.
    """
    newest = PlanVersion.objects.filter(plan__in=plans, number=F("plan__version"))
    return {
        (block, activity): count
        for block, activity, count in Slot.objects.filter(
            version__in=newest, activity__in=activities
        )
        .values_list("block__code", "activity_id")
        .annotate(count=Count("pk"))
        .order_by()
    }


def build_class_problem(
    classroom: Classroom,
    week_start: datetime.date,
    *,
    open_students: Collection[int] = (),
    planned_with: Collection[int] = (),
    alone: Student | None = None,
) -> ClassProblem:
    """Build the problem of drafting a classroom's week.

    Students of the class without a plan this week, or with a draft, are
    planned; plans in conference or agreed are kept exactly as they are (every
    block locked), so their seats stay theirs. Students whose ids are in
    ``open_students`` are planned whatever their plan's status: the student of
    a conference, whose week is being changed.

    A station's seats belong to the classroom, but staff belong to the
    school: where another classroom's plans this week already have a staff
    member running a group in a block, this class's students avoid that
    person's activities in that block. The seats of an activity the whole
    school shares (``seats_shared``, a computer lab) are counted across
    classrooms: those the other classrooms' plans hold in a block are taken.
    Classrooms whose ids are in ``planned_with`` are solved together with
    this one (in one problem, see ``coplanner.planning.distributed``), so
    their plans are not taken as busy: that solve shares the staff and the
    seats itself.

    With ``alone``, the problem holds only that student of the class,
    planned whatever their plan's status: enough for what the student's own
    rules say (the checklist, an option's score) at the cost of one student
    rather than a class. Seats are then not counted, since the classmates
    who hold them are not in the problem.
    """
    school = classroom.school
    template = classroom.week_template
    if template is None:
        raise ValueError("This class has no week template yet.")
    blocks = {block.code: block for block in template.blocks.select_related("subject")}
    open_here = school.activities.filter(
        Q(classroom__isnull=True) | Q(classroom=classroom)
    )
    activities = {
        activity.code: activity
        for activity in open_here.select_related("subject", "staff__user").order_by(
            "code"
        )
    }
    # The activities' skills, blocks and variants as plain codes, one query
    # each: prefetched relations make a queryset at every ``.all()``, which
    # costs more than the queries themselves on a school's catalogue. The
    # activities go in as a subquery, not a list of ids: PostgreSQL's driver
    # parses a query of more than 50 parameters anew each time.
    activity_ids = open_here.values("pk")
    code_of = {activity.pk: code for code, activity in activities.items()}
    skills_of: dict[str, list[int]] = {code: [] for code in activities}
    for activity_id, skill_id in Activity.skills.through.objects.filter(
        activity_id__in=activity_ids
    ).values_list("activity_id", "skill_id"):
        skills_of[code_of[activity_id]].append(skill_id)
    allowed_of: dict[str, set[str]] = defaultdict(set)
    for activity_id, block_code in Activity.allowed_blocks.through.objects.filter(
        activity_id__in=activity_ids
    ).values_list("activity_id", "block__code"):
        allowed_of[code_of[activity_id]].add(block_code)
    variants_of: dict[str, list[Variant]] = defaultdict(list)
    for variant in Variant.objects.filter(activity_id__in=activity_ids).order_by(
        "activity_id", "label"
    ):
        variants_of[code_of[variant.activity_id]].append(variant)
    variants = {
        (code, variant.code): variant
        for code, activity_variants in variants_of.items()
        for variant in activity_variants
    }

    if alone is not None:
        own_students = [alone]
        open_students = [*open_students, alone.pk]
    else:
        own_students = list(classroom.students.order_by("code"))
    plans = list(
        Plan.objects.filter(
            student__in=own_students if alone else classroom.students.all(),
            week_start=week_start,
        )
        .select_related("student")
        .order_by("student__code")
    )
    own_fixed = [
        plan
        for plan in plans
        if plan.status != PlanStatus.DRAFT and plan.student_id not in open_students
    ]
    others = (
        Plan.objects.filter(student__school=school, week_start=week_start)
        .exclude(student__classroom=classroom)
        .exclude(student__classroom__in=list(planned_with))
    )
    fixed_slots = _latest_slots(own_fixed)
    busy = _busy_staff(others)
    held_elsewhere: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (block_code, activity_id), count in _seats_held(
        others, open_here.filter(seats_shared=True, capacity__isnull=False)
    ).items():
        if block_code in blocks:
            held_elsewhere[code_of[activity_id]].append((block_code, count))
    to_plan = {s.code: s for s in own_students if s.pk not in fixed_slots}
    kept = {s.code: s for s in own_students if s.pk in fixed_slots}

    # The activities' skills and their prerequisites, which take part in
    # readiness too.
    taught = Activity.skills.through.objects.filter(
        activity_id__in=activity_ids
    ).values("skill_id")
    needed = Skill.objects.filter(
        Q(pk__in=taught)
        | Q(pk__in=Prerequisite.objects.filter(skill_id__in=taught).values("requires"))
    )
    skills = {skill.pk: skill for skill in needed.select_related("subject")}
    prerequisites_of: dict[int, list[str]] = defaultdict(list)
    for skill_id, requires_id in Prerequisite.objects.filter(
        skill_id__in=needed.values("pk")
    ).values_list("skill_id", "requires_id"):
        if requires_id in skills:
            prerequisites_of[skill_id].append(skills[requires_id].code)

    mastery: dict[int, dict[str, float]] = defaultdict(dict)
    for student_id, code, probability in MasteryEstimate.objects.filter(
        student__in=list(to_plan.values())
    ).values_list("student_id", "skill__code", "probability"):
        mastery[student_id][code] = probability
    # A teacher's band override wins over the estimate of the evidence.
    for (student_id, code), probability in get_override_probabilities(
        student.pk for student in to_plan.values()
    ).items():
        mastery[student_id][code] = probability
    preferences: dict[int, dict[str, int]] = defaultdict(dict)
    for student_id, code, rating in Preference.objects.filter(
        student__in=list(to_plan.values()),
        superseded_at__isnull=True,
        activity__school=school,
    ).values_list("student_id", "activity__code", "rating"):
        preferences[student_id][code] = rating
    must_dos: dict[int | None, list[engine.MustDo]] = defaultdict(list)
    for must in MustDo.objects.filter(classroom=classroom).select_related("activity"):
        must_dos[must.student_id].append(
            engine.MustDo(activity=must.activity.code, at_least=must.at_least)
        )

    staff_busy = tuple(
        engine.Avoid(activity=code, block=block)
        for block in blocks
        for code, activity in activities.items()
        if (block, activity.staff_id) in busy
    )

    @functools.cache
    def beyond(grade: int) -> tuple[engine.Avoid, ...]:
        # An activity whose skills all belong to grades well beyond the
        # student's is not for them yet, whatever the evidence says: without
        # this, missing evidence on a grade 3 skill would send a kindergartner
        # to its group. One grade ahead stays open as a stretch.
        return tuple(
            engine.Avoid(activity=code)
            for code, activity_skills in skills_of.items()
            if activity_skills
            and all(
                skills[skill].grade is not None and skills[skill].grade > grade + 1
                for skill in activity_skills
            )
        )

    rules = engine.Rules()

    def known_mastery(student: Student) -> dict[str, float]:
        # The curriculum takes for granted what earlier grades taught: a skill
        # of an earlier grade without evidence for this student counts as just
        # mastered. Otherwise a third grader whom nobody has asked to count to
        # 20 would be sent to the kindergarten counting group.
        known = dict(mastery[student.pk])
        for skill in skills.values():
            if skill.grade is not None and skill.grade < student.grade:
                known.setdefault(skill.code, rules.mastered_at)
        return dict(sorted(known.items()))

    def planned(student: Student) -> engine.Student:
        return engine.Student(
            id=student.code,
            grade=student.grade,
            autonomy=student.autonomy,
            mastery=known_mastery(student),
            preferences=dict(sorted(preferences[student.pk].items())),
            must_do=tuple(must_dos[None] + must_dos[student.pk]),
            avoid=beyond(student.grade) + staff_busy,
        )

    def held(student: Student) -> engine.Student:
        return engine.Student(
            id=student.code,
            grade=student.grade,
            autonomy=student.autonomy,
            locks=tuple(
                engine.Lock(block=block, activity=activity, variant=variant)
                for block, activity, variant in fixed_slots[student.pk]
                if block in blocks
            ),
        )

    problem = engine.Problem(
        blocks=tuple(
            engine.Block(
                id=block.code,
                day=DAY_IDS[block.day],
                start=block.start.strftime("%H:%M"),
                minutes=block.minutes,
                subject=block.subject.code if block.subject else "any",
            )
            for block in blocks.values()
        ),
        skills=tuple(
            engine.Skill(
                id=skill.code,
                subject=skill.subject.code,
                prerequisites=tuple(sorted(prerequisites_of[skill.pk])),
                name=skill.name,
            )
            for skill in sorted(skills.values(), key=lambda skill: skill.code)
        ),
        activities=tuple(
            engine.Activity(
                id=activity.code,
                name=activity.name,
                subject=activity.subject.code,
                modality=activity.modality,
                skills=tuple(
                    sorted(skills[skill].code for skill in skills_of[activity.code])
                ),
                capacity=activity.capacity,
                staff=activity.staff.user.username if activity.staff else None,
                blocks=tuple(
                    sorted(code for code in allowed_of[activity.code] if code in blocks)
                )
                or None,
                seats_taken=tuple(sorted(held_elsewhere[activity.code])),
                variants=tuple(
                    engine.Variant(id=variant.code, label=variant.label)
                    for variant in variants_of[activity.code]
                ),
            )
            for activity in activities.values()
        ),
        students=tuple(planned(s) for s in to_plan.values())
        + tuple(held(s) for s in kept.values()),
        rules=rules,
        time_limit_s=DRAFT_TIME_LIMIT_S,
    )
    return ClassProblem(
        problem=problem,
        to_plan=to_plan,
        kept=kept,
        draft_versions={
            plan.student.code: plan.version
            for plan in plans
            if plan.student.code in to_plan
        },
        blocks=blocks,
        activities=activities,
        variants=variants,
    )


@dataclass(frozen=True)
class ClassPlan:
    """The plans of a classroom as they stand, as the planner's plan.

    ``problem`` holds only the students who have a full week this week, since
    a plan gives every student a slot in every block. ``plans`` and
    ``versions`` are the rows behind each student's week, by student code.
    """

    problem: engine.Problem
    plan: engine_plan.Plan
    plans: dict[str, Plan]
    versions: dict[str, PlanVersion]


def build_class_plan(built: ClassProblem, week_start: datetime.date) -> ClassPlan:
    """Read the newest version of every plan of a class problem's students.

    Slots on blocks or activities the problem does not know (a block taken off
    the week template since) are left out; a student whose week then misses a
    block is left out of the problem too.
    TODO: such a student's seats are then not counted; draft them again to
    bring them back.
    """
    students = {**built.to_plan, **built.kept}
    plans = {
        plan.student_id: plan
        for plan in Plan.objects.filter(
            student__in=list(students.values()), week_start=week_start
        )
    }
    newest = {
        version.plan_id: version
        for version in PlanVersion.objects.filter(
            plan__in=list(plans.values()), number=F("plan__version")
        )
    }
    # Codes only, in week order: model rows of every slot of a class cost
    # more than the query, and Slot's default ordering would join and sort
    # by plan and student too.
    slots_by_version: dict[int, list[engine_plan.Slot]] = defaultdict(list)
    for version_id, block, activity, variant, reasons in (
        Slot.objects.filter(version__in=list(newest.values()))
        .values_list(
            "version_id", "block__code", "activity__code", "variant__code", "reasons"
        )
        .order_by("block__day", "block__start")
    ):
        if block in built.blocks and activity in built.activities:
            slots_by_version[version_id].append(
                engine_plan.Slot(
                    block=block,
                    activity=activity,
                    variant=variant,
                    reasons=tuple(reasons or ()),
                )
            )

    order = {code: index for index, code in enumerate(built.blocks)}
    weeks: dict[str, engine_plan.StudentPlan] = {}
    rows: dict[str, Plan] = {}
    versions: dict[str, PlanVersion] = {}
    for code, student in students.items():
        row = plans.get(student.pk)
        version = newest.get(row.pk) if row else None
        if row is None or version is None:
            continue
        slots = sorted(slots_by_version[version.pk], key=lambda slot: order[slot.block])
        if len(slots) != len(built.blocks):
            continue
        weeks[code] = engine_plan.StudentPlan(
            slots=tuple(slots),
            score=engine_plan.Score(
                rigor=version.rigor,
                voice=version.voice,
                confidence=version.confidence,
                variety=version.variety,
                stability=version.stability,
            ),
        )
        rows[code] = row
        versions[code] = version

    problem = replace(
        built.problem,
        students=tuple(s for s in built.problem.students if s.id in weeks),
    )
    total = engine_plan.Score()
    for week in weeks.values():
        total = total + week.score
    current = engine_plan.Plan(
        status="feasible",
        objective=total.weighted(problem.weights),
        bound=None,
        seconds=0.0,
        students=weeks,
        score=total,
    )
    return ClassPlan(problem=problem, plan=current, plans=rows, versions=versions)
