"""Turn database rows into the planner's problem, and its answer back into rows.

Ids in the problem are the codes people see in imports and exports: student,
activity, variant, block and skill codes.
"""

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace

from django.db.models import F, Q

from coplanner.curriculum.models import Activity, Block, Skill, Variant
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


def _latest_slots(plans: list[Plan]) -> dict[int, list[Slot]]:
    """Return the slots of the newest version of each plan, by student id."""
    newest: dict[int, PlanVersion] = {}
    for version in PlanVersion.objects.filter(plan__in=plans).order_by("-number"):
        newest.setdefault(version.plan_id, version)
    slots = (
        Slot.objects.filter(version__in=list(newest.values()))
        .select_related("block", "activity", "variant", "version__plan")
        .order_by("block__day", "block__start")  # not by plan and student
    )
    by_student: dict[int, list[Slot]] = {}
    for slot in slots:
        by_student.setdefault(slot.version.plan.student_id, []).append(slot)
    return by_student


def _busy_staff(plans: list[Plan]) -> set[tuple[str, int]]:
    """Return (block code, staff id) of each group the plans' newest versions hold.

    Only the pairs are read, in one query: the other classes of a school of
    500 hold some 15,000 slots, and every conference request asks this.
    A plan's ``version`` is the number of its newest version.
    """
    newest = PlanVersion.objects.filter(plan__in=plans, number=F("plan__version"))
    return set(
        Slot.objects.filter(version__in=newest, activity__staff__isnull=False)
        .values_list("block__code", "activity__staff_id")
        .order_by()  # the models' orderings would join plans and students
        .distinct()
    )


def build_class_problem(
    classroom: Classroom,
    week_start: datetime.date,
    *,
    open_students: Collection[int] = (),
    planned_with: Collection[int] = (),
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
    person's activities in that block. Classrooms whose ids are in
    ``planned_with`` are solved together with this one (in one problem, see
    ``coplanner.planning.distributed``), so their plans are not taken as
    busy: that solve shares the staff itself.
    TODO: an activity whose seats the whole school shares (a computer lab)
    needs its seats counted across classrooms too.
    """
    school = classroom.school
    template = classroom.week_template
    if template is None:
        raise ValueError("This class has no week template yet.")
    blocks = {block.code: block for block in template.blocks.select_related("subject")}
    activities = {
        activity.code: activity
        for activity in school.activities.filter(
            Q(classroom__isnull=True) | Q(classroom=classroom)
        )
        .select_related("subject", "staff__user")
        .prefetch_related("skills", "variants", "allowed_blocks")
        .order_by("code")
    }
    variants = {
        (code, variant.code): variant
        for code, activity in activities.items()
        for variant in activity.variants.all()
    }

    plans = list(
        Plan.objects.filter(student__school=school, week_start=week_start)
        .select_related("student")
        .order_by("student__code")
    )
    own_students = list(classroom.students.order_by("code"))
    own_fixed = [
        plan
        for plan in plans
        if plan.student.classroom_id == classroom.pk
        and plan.status != PlanStatus.DRAFT
        and plan.student_id not in open_students
    ]
    others = [
        plan
        for plan in plans
        if plan.student.classroom_id != classroom.pk
        and plan.student.classroom_id not in planned_with
    ]
    fixed_slots = _latest_slots(own_fixed)
    busy = _busy_staff(others)
    to_plan = {s.code: s for s in own_students if s.pk not in fixed_slots}
    kept = {s.code: s for s in own_students if s.pk in fixed_slots}

    skills_needed: set[int] = set()
    for activity in activities.values():
        skills_needed.update(skill.pk for skill in activity.skills.all())
    skills = {
        skill.pk: skill
        for skill in Skill.objects.filter(pk__in=skills_needed)
        .select_related("subject")
        .prefetch_related("prerequisites")
    }
    # Prerequisites of the activities' skills take part in readiness too.
    for skill in list(skills.values()):
        for prerequisite in skill.prerequisites.all():
            skills.setdefault(prerequisite.pk, prerequisite)

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

    def beyond(student: Student) -> tuple[engine.Avoid, ...]:
        # An activity whose skills all belong to grades well beyond the
        # student's is not for them yet, whatever the evidence says: without
        # this, missing evidence on a grade 3 skill would send a kindergartner
        # to its group. One grade ahead stays open as a stretch.
        return tuple(
            engine.Avoid(activity=code)
            for code, activity in activities.items()
            if activity.skills.all()
            and all(
                skill.grade is not None and skill.grade > student.grade + 1
                for skill in activity.skills.all()
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
            avoid=beyond(student) + staff_busy,
        )

    def held(student: Student) -> engine.Student:
        return engine.Student(
            id=student.code,
            grade=student.grade,
            autonomy=student.autonomy,
            locks=tuple(
                engine.Lock(
                    block=slot.block.code,
                    activity=slot.activity.code,
                    variant=slot.variant.code if slot.variant else None,
                )
                for slot in fixed_slots[student.pk]
                if slot.block.code in blocks
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
                prerequisites=tuple(
                    sorted(p.code for p in skill.prerequisites.all() if p.pk in skills)
                ),
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
                skills=tuple(sorted(skill.code for skill in activity.skills.all())),
                capacity=activity.capacity,
                staff=activity.staff.user.username if activity.staff else None,
                blocks=tuple(
                    sorted(
                        block.code
                        for block in activity.allowed_blocks.all()
                        if block.code in blocks
                    )
                )
                or None,
                variants=tuple(
                    engine.Variant(id=variant.code, label=variant.label)
                    for variant in activity.variants.all()
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
    newest: dict[int, PlanVersion] = {}
    for version in PlanVersion.objects.filter(plan__in=list(plans.values())).order_by(
        "-number"
    ):
        newest.setdefault(version.plan_id, version)
    slots_by_version: dict[int, list[Slot]] = defaultdict(list)
    # In week order only: Slot's default ordering would join and sort by
    # plan and student too, which costs more than the rest of the query.
    for slot in (
        Slot.objects.filter(version__in=list(newest.values()))
        .select_related("block", "activity", "variant")
        .order_by("block__day", "block__start")
    ):
        slots_by_version[slot.version_id].append(slot)

    order = {code: index for index, code in enumerate(built.blocks)}
    weeks: dict[str, engine_plan.StudentPlan] = {}
    rows: dict[str, Plan] = {}
    versions: dict[str, PlanVersion] = {}
    for code, student in students.items():
        row = plans.get(student.pk)
        version = newest.get(row.pk) if row else None
        if row is None or version is None:
            continue
        slots = sorted(
            (
                engine_plan.Slot(
                    block=slot.block.code,
                    activity=slot.activity.code,
                    variant=slot.variant.code if slot.variant else None,
                    reasons=tuple(slot.reasons or ()),
                )
                for slot in slots_by_version[version.pk]
                if slot.block.code in built.blocks
                and slot.activity.code in built.activities
            ),
            key=lambda slot: order[slot.block],
        )
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
