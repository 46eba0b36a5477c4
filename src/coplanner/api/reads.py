"""The API's reads: rosters, skills, activities, mastery estimates, plans.

A student's preferences are read and written in ``coplanner.api.voice``.

Everything is found through the token's school, so an id of another school
answers 404 exactly like an id that does not exist. Every list is paged
(``limit`` and ``offset``, with the whole ``count``) and costs the same few
queries however many rows it answers: related rows come by
``select_related`` and ``prefetch_related``, never one query per row.
"""

import datetime
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import F, Model, Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from coplanner.api.models import IntegrationToken
from coplanner.api.problems import Problem, not_found
from coplanner.api.schemas import (
    ActivityPage,
    ClassroomOut,
    ClassroomPage,
    EstimateFilters,
    EstimatePage,
    Id,
    IsoDate,
    Paging,
    PlanFilters,
    PlanOut,
    PlanPage,
    SchoolOut,
    SkillOut,
    SkillPage,
    StaffPage,
    StudentOut,
    StudentPage,
)
from coplanner.curriculum.models import Activity, Skill
from coplanner.mastery.models import MasteryEstimate
from coplanner.planning.models import Plan, Slot
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Classroom, School, Staff, Student

router = Router()
# What every read may answer besides its result; 500 is the server_error problem.
ERRORS = {401: Problem, 404: Problem, 422: Problem, 500: Problem}
ModelT = TypeVar("ModelT", bound=Model)


def get_school(request: HttpRequest) -> School:
    """Return the school of the request's token."""
    token: IntegrationToken = request.auth  # type: ignore[attr-defined]
    return token.school


def get_student(request: HttpRequest, student_id: int) -> Student:
    """Return a student of the token's school, or raise the 404 problem."""
    student = Student.objects.filter(school=get_school(request), pk=student_id).first()
    if student is None:
        raise not_found("student")
    return student


def _check_in_school(queryset: QuerySet[Any], pk: int | None, what: str) -> None:
    if pk is not None and not queryset.filter(pk=pk).exists():
        raise not_found(what)


def build_page(
    queryset: QuerySet[ModelT],
    paging: Paging,
    to_item: Callable[[list[ModelT]], Iterable[Any]],
) -> dict[str, Any]:
    """Return one page of a list: its items, the whole count, limit and offset.

    ``to_item`` turns the page's rows into items all at once, so that it can
    fetch what they share in one query.
    """
    count = queryset.count()
    rows = list(queryset[paging.offset : paging.offset + paging.limit])
    return {
        "count": count,
        "limit": paging.limit,
        "offset": paging.offset,
        "items": list(to_item(rows)),
    }


def _each(convert: Callable[[ModelT], Any]) -> Callable[[list[ModelT]], list[Any]]:
    return lambda rows: [convert(row) for row in rows]


# --- Rosters -----------------------------------------------------------------


@router.get("/school", response={200: SchoolOut, **ERRORS}, tags=["rosters"])
def read_school(request: HttpRequest) -> dict[str, Any]:
    """The school of this token."""
    school = School.objects.select_related("district").get(pk=get_school(request).pk)
    district = school.district
    return {
        "id": school.pk,
        "name": school.name,
        "slug": school.slug,
        "source_id": school.source_id,
        "district": None
        if district is None
        else {
            "id": district.pk,
            "name": district.name,
            "slug": district.slug,
            "source_id": district.source_id,
        },
    }


def _classroom(classroom: Classroom) -> dict[str, Any]:
    return {
        "id": classroom.pk,
        "code": classroom.code,
        "name": classroom.name,
        "grade": classroom.grade,
        "source_id": classroom.source_id,
        "teacher_ids": [teacher.pk for teacher in classroom.teachers.all()],
        "coach_id": classroom.coach_id,
        "week_template_id": classroom.week_template_id,
    }


def _classrooms(request: HttpRequest) -> QuerySet[Classroom]:
    return (
        Classroom.objects.filter(school=get_school(request))
        .prefetch_related(Prefetch("teachers", queryset=Staff.objects.only("pk")))
        .order_by("pk")
    )


@router.get("/classrooms", response={200: ClassroomPage, **ERRORS}, tags=["rosters"])
def list_classrooms(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The school's classrooms, with their teachers and coach by id."""
    return build_page(_classrooms(request), paging, _each(_classroom))


@router.get(
    "/classrooms/{classroom_id}",
    response={200: ClassroomOut, **ERRORS},
    tags=["rosters"],
)
def read_classroom(request: HttpRequest, classroom_id: Id) -> dict[str, Any]:
    """One classroom of the school."""
    classroom = _classrooms(request).filter(pk=classroom_id).first()
    if classroom is None:
        raise not_found("classroom")
    return _classroom(classroom)


def _student(student: Student) -> dict[str, Any]:
    return {
        "id": student.pk,
        "code": student.code,
        "first_name": student.first_name,
        "last_name": student.last_name,
        "grade": student.grade,
        "classroom_id": student.classroom_id,
        "autonomy": student.autonomy,
        "source_id": student.source_id,
    }


class StudentFilters(Paging):
    classroom: Id | None = None


@router.get("/students", response={200: StudentPage, **ERRORS}, tags=["rosters"])
def list_students(
    request: HttpRequest, filters: Query[StudentFilters]
) -> dict[str, Any]:
    """The school's students, optionally of one classroom."""
    school = get_school(request)
    _check_in_school(
        Classroom.objects.filter(school=school), filters.classroom, "classroom"
    )
    students = Student.objects.filter(school=school).order_by("pk")
    if filters.classroom is not None:
        students = students.filter(classroom_id=filters.classroom)
    return build_page(students, filters, _each(_student))


@router.get(
    "/students/{student_id}", response={200: StudentOut, **ERRORS}, tags=["rosters"]
)
def read_student(request: HttpRequest, student_id: Id) -> dict[str, Any]:
    """One student of the school."""
    return _student(get_student(request, student_id))


def _staff(staff: Staff) -> dict[str, Any]:
    return {
        "id": staff.pk,
        "display_name": staff.display_name,
        "role": staff.role,
        "source_id": staff.source_id,
        "classroom_ids": [each.pk for each in staff.classrooms_taught.all()],
        "coached_classroom_ids": [each.pk for each in staff.classrooms_coached.all()],
    }


@router.get("/staff", response={200: StaffPage, **ERRORS}, tags=["rosters"])
def list_staff(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The school's coaches, teachers and leaders, with their classrooms by id."""
    only_ids = Classroom.objects.only("pk")
    staff = (
        Staff.objects.filter(school=get_school(request))
        .prefetch_related(
            Prefetch("classrooms_taught", queryset=only_ids),
            Prefetch("classrooms_coached", queryset=only_ids),
        )
        .order_by("pk")
    )
    return build_page(staff, paging, _each(_staff))


# --- Skills and activities ----------------------------------------------------


def _skill(skill: Skill) -> dict[str, Any]:
    return {
        "id": skill.pk,
        "code": skill.code,
        "name": skill.name,
        "subject": skill.subject.code,
        "grade": skill.grade,
        "parent_id": skill.parent_id,
        "source_id": skill.source_id,
        "prerequisite_ids": [each.pk for each in skill.prerequisites.all()],
    }


def _skills() -> QuerySet[Skill]:
    return (
        Skill.objects.select_related("subject")
        .prefetch_related(Prefetch("prerequisites", queryset=Skill.objects.only("pk")))
        .order_by("pk")
    )


class SkillFilters(Paging):
    subject: str | None = None


@router.get("/skills", response={200: SkillPage, **ERRORS}, tags=["skills"])
def list_skills(request: HttpRequest, filters: Query[SkillFilters]) -> dict[str, Any]:
    """The skills, with their parent and prerequisites by id; optionally of one subject (by code)."""
    skills = _skills()
    if filters.subject:
        skills = skills.filter(subject__code=filters.subject.replace("\x00", ""))
    return build_page(skills, filters, _each(_skill))


@router.get("/skills/{skill_id}", response={200: SkillOut, **ERRORS}, tags=["skills"])
def read_skill(request: HttpRequest, skill_id: Id) -> dict[str, Any]:
    """One skill."""
    skill = _skills().filter(pk=skill_id).first()
    if skill is None:
        raise not_found("skill")
    return _skill(skill)


def _activity(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "code": activity.code,
        "name": activity.name,
        "subject": activity.subject.code,
        "modality": activity.modality,
        "classroom_id": activity.classroom_id,
        "skill_ids": [each.pk for each in activity.skills.all()],
    }


@router.get("/activities", response={200: ActivityPage, **ERRORS}, tags=["skills"])
def list_activities(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The school's activities, with the skills they work on by id."""
    activities = (
        Activity.objects.filter(school=get_school(request))
        .select_related("subject")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.only("pk")))
        .order_by("pk")
    )
    return build_page(activities, paging, _each(_activity))


# --- Mastery -----------------------------------------------------------------


def _estimate(estimate: MasteryEstimate) -> dict[str, Any]:
    return {
        "student_id": estimate.student_id,
        "skill_id": estimate.skill_id,
        "band": estimate.band,
        "probability": estimate.probability,
        "observations": estimate.observations,
        "last_evidence_at": estimate.last_observed_at,
    }


@router.get("/mastery", response={200: EstimatePage, **ERRORS}, tags=["mastery"])
def list_estimates(
    request: HttpRequest, filters: Query[EstimateFilters]
) -> dict[str, Any]:
    """Mastery estimates: band, probability, observations and the last evidence date.

    Filter by student, skill or classroom (ids); an id outside the school is 404.
    """
    school = get_school(request)
    _check_in_school(Student.objects.filter(school=school), filters.student, "student")
    _check_in_school(Skill.objects.all(), filters.skill, "skill")
    _check_in_school(
        Classroom.objects.filter(school=school), filters.classroom, "classroom"
    )
    estimates = MasteryEstimate.objects.filter(student__school=school).order_by(
        "student_id", "skill_id"
    )
    if filters.student is not None:
        estimates = estimates.filter(student_id=filters.student)
    if filters.skill is not None:
        estimates = estimates.filter(skill_id=filters.skill)
    if filters.classroom is not None:
        estimates = estimates.filter(student__classroom_id=filters.classroom)
    return build_page(estimates, filters, _each(_estimate))


# --- Plans -------------------------------------------------------------------


def _plans_with_slots(plans: list[Plan]) -> list[dict[str, Any]]:
    """Return plans with the slots of their current version, in one query."""
    slots: dict[int, list[Slot]] = {plan.pk: [] for plan in plans}
    current = Slot.objects.filter(
        version__plan__in=plans, version__number=F("version__plan__version")
    ).select_related("block", "activity", "variant", "version")
    for slot in current.order_by("block__day", "block__start", "pk"):
        slots[slot.version.plan_id].append(slot)
    return [
        {
            "id": plan.pk,
            "student_id": plan.student_id,
            "week_start": plan.week_start,
            "status": plan.status,
            "version": plan.version,
            "updated_at": plan.updated_at,
            "slots": [
                {
                    "block": {
                        "id": slot.block.pk,
                        "code": slot.block.code,
                        "day": slot.block.day,
                        "start": slot.block.start.strftime("%H:%M"),
                        "minutes": slot.block.minutes,
                    },
                    "activity_id": slot.activity.pk,
                    "activity_code": slot.activity.code,
                    "activity_name": slot.activity.name,
                    "variant_id": slot.variant_id,
                    "variant_label": slot.variant.label if slot.variant else None,
                    "reasons": [str(reason) for reason in slot.reasons or ()],
                }
                for slot in slots[plan.pk]
            ],
        }
        for plan in plans
    ]


def _week(day: datetime.date | None) -> datetime.date:
    return get_week_start(day)


@router.get("/plans", response={200: PlanPage, **ERRORS}, tags=["plans"])
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> dict[str, Any]:
    """The plans of one week (this week by default), each as its current version."""
    school = get_school(request)
    _check_in_school(Student.objects.filter(school=school), filters.student, "student")
    _check_in_school(
        Classroom.objects.filter(school=school), filters.classroom, "classroom"
    )
    plans = Plan.objects.filter(
        student__school=school, week_start=_week(filters.week)
    ).order_by("student_id")
    if filters.student is not None:
        plans = plans.filter(student_id=filters.student)
    if filters.classroom is not None:
        plans = plans.filter(student__classroom_id=filters.classroom)
    return build_page(plans, filters, _plans_with_slots)


@router.get(
    "/students/{student_id}/plan", response={200: PlanOut, **ERRORS}, tags=["plans"]
)
def read_student_plan(
    request: HttpRequest, student_id: Id, week: IsoDate | None = None
) -> dict[str, Any]:
    """A student's week (this week by default) as its current version."""
    student = get_student(request, student_id)
    plan = Plan.objects.filter(student=student, week_start=_week(week)).first()
    if plan is None:
        raise not_found("plan for this student and week")
    return _plans_with_slots([plan])[0]
