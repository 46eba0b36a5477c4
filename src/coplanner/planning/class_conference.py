"""Where each student of a class is in the conference week, for the coach.

A coach with thirty children and ten minutes each needs one look at the
class: who has no plan yet, whose draft is ready, who handed their week in, who
is in a conference, who signed and who is waiting, who is agreed; and who
to see next.
`get_class_conference` answers all of it in a fixed number of queries,
whatever the size of the class.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, TextChoices
from django.utils.translation import gettext_lazy as _

from coplanner.planning.models import Conference, Plan, PlanStatus
from coplanner.roster.models import Classroom, Student


class LoopState(TextChoices):
    """Where a student's week stands in the conference, in the loop's order.

    The order of the members is the order of the counts on the class view.
    """

    NO_PLAN = "no_plan", _("No plan yet")
    DRAFT = "draft", _("Draft ready")
    HANDED_IN = "handed_in", _("Handed in, waiting for review")
    IN_CONFERENCE = "in_conference", _("In conference")
    COACH_SIGNED = "coach_signed", _("Coach signed, waiting for the student")
    STUDENT_SIGNED = "student_signed", _("Student agreed, waiting for the coach")
    AGREED = "agreed", _("Agreed")


def get_loop_state(plan: Plan | None, conference: Conference | None) -> LoopState:
    """Say where a week stands, from its plan and its open conference (if any).

    This is the one place that maps plans and conferences to a state: a new
    state is one more member of `LoopState` and one more test here. A week a
    student of level 3 handed in shows as handed in until someone signs it,
    or until the student changes it again, which takes it back.
    """
    if plan is None or plan.version == 0:
        return LoopState.NO_PLAN
    if plan.status == PlanStatus.AGREED:
        return LoopState.AGREED
    if conference is not None:
        if conference.coach_signed_at and not conference.student_signed_at:
            return LoopState.COACH_SIGNED
        if conference.student_signed_at and not conference.coach_signed_at:
            return LoopState.STUDENT_SIGNED
        if conference.handed_in_at:
            return LoopState.HANDED_IN
        return LoopState.IN_CONFERENCE
    if plan.status == PlanStatus.IN_CONFERENCE:
        return LoopState.IN_CONFERENCE
    return LoopState.DRAFT


@dataclass(frozen=True)
class StudentInLoop:
    """One student of the class view: who, their plan, and where it stands.

    `conference` is the plan's open conference (not ended), if there is one.
    """

    student: Student
    state: LoopState
    plan: Plan | None
    conference: Conference | None

    @property
    def grade_shown(self) -> str:
        return "K" if self.student.grade == 0 else str(self.student.grade)

    @property
    def coach_id(self) -> int | None:
        """Return the staff id of the coach in the open conference, if any."""
        return self.conference.coach_id if self.conference else None

    def with_other_coach(self, coach_id: int | None) -> bool:
        """Say whether the student is in a conference with someone else now."""
        return self.coach_id is not None and self.coach_id != coach_id


@dataclass(frozen=True)
class StateCount:
    state: LoopState
    count: int


@dataclass(frozen=True)
class ClassConference:
    """The class view of one week: every student in class order, and counts."""

    classroom: Classroom
    week_start: datetime.date
    students: tuple[StudentInLoop, ...]
    counts: tuple[StateCount, ...]

    @property
    def all_agreed(self) -> bool:
        return bool(self.students) and all(
            row.state == LoopState.AGREED for row in self.students
        )

    def count_of(self, state: LoopState) -> int:
        return next((item.count for item in self.counts if item.state == state), 0)

    @property
    def without_draft(self) -> int:
        return self.count_of(LoopState.NO_PLAN)

    def next_student(self, coach_id: int | None) -> StudentInLoop | None:
        """Return who the coach sees next, or None when nobody is waiting.

        That is the first student in class order who has a plan, whose plan is
        not agreed, and who is not in a conference with another coach now.
        """
        return next(
            (
                row
                for row in self.students
                if row.state not in (LoopState.NO_PLAN, LoopState.AGREED)
                and not row.with_other_coach(coach_id)
            ),
            None,
        )


def get_class_conference(
    classroom: Classroom, week_start: datetime.date
) -> ClassConference:
    """Read where every student of a class is in the conference of a week.

    Three queries whatever the class size: the students, their plans of the
    week, and the plans' open conferences with their coaches.
    """
    students = list(classroom.students.all())
    open_conferences = Prefetch(
        "conferences",
        queryset=Conference.objects.filter(ended_at__isnull=True)
        .select_related("coach")
        .order_by("-started_at", "-pk"),
        to_attr="open_conferences",
    )
    plans = {
        plan.student_id: plan
        for plan in Plan.objects.filter(
            student__classroom=classroom, week_start=week_start
        ).prefetch_related(open_conferences)
    }

    rows = []
    for student in students:
        plan = plans.get(student.pk)
        conference = (
            plan.open_conferences[0] if plan and plan.open_conferences else None
        )
        rows.append(
            StudentInLoop(student, get_loop_state(plan, conference), plan, conference)
        )
    tally = Counter(row.state for row in rows)
    return ClassConference(
        classroom=classroom,
        week_start=week_start,
        students=tuple(rows),
        counts=tuple(StateCount(state, tally[state]) for state in LoopState),
    )
