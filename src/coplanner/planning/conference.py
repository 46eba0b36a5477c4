"""The conference: coach and student change the draft together until both sign.

The writes (`start_conference`, `record_request`, `record_hand_in`,
`record_signature`) and the reads the board and the history page need.
Every write that changes a plan checks the plan's ``version`` counter
against the one the person was looking at, so that two people changing one
plan at once get a conflict that names who changed it, never a silent
overwrite.
"""

import datetime
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from coplanner.accounts.roles import Role, get_role
from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction
from coplanner.curriculum.models import Activity, Block
from coplanner.engine.planner import replan
from coplanner.engine.planner.check import check_plan, seat_and_adult_free
from coplanner.engine.planner.model import activity_fits
from coplanner.engine.planner.plan import Plan as EnginePlan
from coplanner.engine.planner.plan import Slot as EngineSlot
from coplanner.engine.planner.plan import StudentPlan
from coplanner.engine.planner.problem import Avoid, Lock, Problem
from coplanner.planning.actions import record_plan_version
from coplanner.planning.adapter import (
    ClassPlan,
    ClassProblem,
    build_class_plan,
    build_class_problem,
)
from coplanner.planning.checklist import Checklist, checklist_for, get_checklist
from coplanner.planning.models import (
    ChangeSource,
    Conference,
    MustDo,
    Plan,
    PlanStatus,
    PlanVersion,
    Request,
    RequestKind,
    RequestOutcome,
    Slot,
)
from coplanner.planning.queries import get_week_grid, when, with_student_names
from coplanner.roster.models import Staff, Student

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser

# A request is answered within this many seconds, all told: the answer
# must come back while the child is still at the table.
ANSWER_TARGET_S = 1.0
# What is kept of that second, once the planner has thought, for recording
# the answer and drawing the board again. On this project's 2-core test
# server, a school's busy Monday morning made that take up to 0.3 s.
ANSWER_RESERVE_S = 0.45
# The least the planner is given to think, however long reading the class
# took on a busy server: an answer a little late is better than none.
MIN_THINKING_S = 0.25

# How many activities a student of autonomy level 1 is offered for a block.
OPTIONS_OFFERED = 3

STAFF_ROLES = (Role.COACH, Role.TEACHER, Role.LEADER)

# The rules a refusal can name, in words for the people at the table.
RULE_WORDS = {
    "capacity": "The station is full then",
    "staff": "The adult who runs it is busy then",
    "must_do": "Your teacher asked for this",
    "fits_block": "It does not fit that block",
    "max_per_day": "Once a day is the most for an activity",
    "lock": "That block is kept as it is",
    "avoid": "That was taken out earlier",
    "subject_minutes": "The week needs enough time for each subject",
    "small_group": "The week needs its small-group time",
    "one_per_block": "Every block needs one activity",
}


class ConferenceError(Exception):
    """A conference change that cannot be made, with what to do instead.

    `code` is stable for programs; `status` is the HTTP status a view
    answers with; `message` is for the person.
    """

    code = "conference"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(ConferenceError):
    """The person may not make this change (autonomy level or role)."""

    code = "not_allowed"
    status = 403


class VersionConflict(ConferenceError):
    """Someone else changed the plan since the person last saw it.

    ``seen`` is the version the person was looking at, when known, so that
    the board can show it beside the version now saved.
    """

    code = "stale_version"
    status = 409

    def __init__(self, message: str, seen: int | None = None) -> None:
        super().__init__(message)
        self.seen = seen


@dataclass(frozen=True)
class Ask:
    """A change asked for on the board, in the database's codes.

    `other_block` is the second block of a swap or the target of a move;
    `activity` the activity of a lock (or of a drop: the block's activity
    when empty). `idea_of_student` marks a request the coach enters for the
    student on a shared screen. `alternative_of` and `alternative` name an
    alternative the planner offered when it refused an earlier request.
    """

    kind: str
    block: str = ""
    other_block: str | None = None
    activity: str | None = None
    variant: str | None = None
    note: str = ""
    idea_of_student: bool = False
    alternative_of: int | None = None
    alternative: int | None = None


# Small helpers -------------------------------------------------------------


def is_staff(user: User) -> bool:
    """Say whether the person is a coach, teacher or leader."""
    return get_role(user) in STAFF_ROLES


def person_name(user: AbstractBaseUser | None) -> str:
    """Name the person who made a change, for other people."""
    if user is None:
        return _("The planner")
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.get_username())


def must_do_activity_ids(student: Student) -> set[int]:
    """Return the ids of the activities the student must do this week."""
    if student.classroom_id is None:
        return set()
    return set(
        MustDo.objects.filter(classroom_id=student.classroom_id)
        .filter(Q(student__isnull=True) | Q(student=student))
        .values_list("activity_id", flat=True)
    )


def _plan_of(student: Student, week_start: datetime.date) -> Plan:
    plan = Plan.objects.filter(student=student, week_start=week_start).first()
    if plan is None or not plan.versions.exists():
        raise ConferenceError(
            _("There is no draft for this week yet. Draft the class's plans first.")
        )
    return plan


def _stale(
    plan: Plan, who: Student | None = None, seen: int | None = None
) -> VersionConflict:
    """Build the conflict error for a plan changed by someone else."""
    latest = plan.versions.select_related("created_by").order_by("-number").first()
    changer = person_name(latest.created_by if latest else None)
    note = latest.note if latest else ""
    if who is None:
        message = _(
            "%(who)s changed this plan meanwhile (version %(number)s: %(note)s). "
            "Nothing was overwritten: look at the plan as it is now, then ask again."
        )
    else:
        message = _(
            "%(who)s changed %(student)s's plan meanwhile (version %(number)s: "
            "%(note)s). Nothing was overwritten: ask again."
        )
    return VersionConflict(
        message
        % {
            "who": changer,
            "number": latest.number if latest else plan.version,
            "note": note or _("no note"),
            "student": who.first_name if who else "",
        },
        seen=seen if who is None else None,
    )


def _audit(
    action: str,
    plan: Plan,
    by: User,
    conference: Conference,
    changes: dict[str, object] | None = None,
) -> None:
    """Audit a step of the conference on a plan, in the step's transaction."""
    school_id = (
        Student.objects.filter(pk=plan.student_id)
        .values_list("school_id", flat=True)
        .first()
    )
    audit.record(
        action,
        by=by,
        object_type="plan",
        object_id=plan.pk,
        school_id=school_id,
        student_id=plan.student_id,
        to_version=plan.version or None,
        changes={"conference": conference.pk, **(changes or {})},
    )


def _check_fresh(plan: Plan, seen_version: int | None) -> None:
    if seen_version is not None and plan.version != seen_version:
        raise _stale(plan, seen=seen_version)


# Starting ------------------------------------------------------------------


def start_conference(plan: Plan, by: User) -> Conference:
    """Open a conference on a plan, or return the one already open.

    The plan goes to "in conference", so drafting the class again keeps it
    as it is. Opening one on an agreed plan is how an agreed plan is changed:
    the next change becomes a new version and both sign again.
    """
    coach = Staff.objects.filter(user_id=by.pk).first() if is_staff(by) else None
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        conference = locked.conferences.filter(ended_at__isnull=True).first()
        if conference is None:
            conference = Conference.objects.create(plan=locked, coach=coach)
            _audit(AuditAction.CONFERENCE_STARTED, locked, by, conference)
            logger.info("Conference %s opened on plan %s", conference.pk, plan.pk)
        elif conference.coach_id is None and coach is not None:
            conference.coach = coach
            conference.save(update_fields=["coach"])
        if locked.status != PlanStatus.IN_CONFERENCE:
            locked.status = PlanStatus.IN_CONFERENCE
            locked.save(update_fields=["status", "updated_at"])
    plan.status = locked.status
    return conference


# Asking --------------------------------------------------------------------


def record_request(
    student: Student,
    week_start: datetime.date,
    ask: Ask,
    by: User,
    seen_version: int | None,
    asked_at: float | None = None,
) -> Request:
    """Answer a request with the planner and record it with its answer.

    An applied request becomes a new version of the student's plan, and of
    every other plan whose slots had to change to make room, each with a
    note that says why. A refused request is recorded with the rule that
    forbids it and the nearest allowed alternatives; no version is written.
    The planner thinks for what is left of `ANSWER_TARGET_S` after
    `asked_at` (a `time.monotonic()` reading; by default, now); a request it
    could not tell about in that time is recorded as unanswered (the board
    offers to ask again), not as refused.
    Raise `NotAllowed` for a request beyond the student's autonomy level,
    `VersionConflict` when the plan (or one that had to change) changed since
    `seen_version`, and `ConferenceError` for a request about blocks or
    activities this week does not have.
    """
    started = time.monotonic() if asked_at is None else asked_at
    plan = _plan_of(student, week_start)
    _check_fresh(plan, seen_version)
    if student.classroom is None:
        raise ConferenceError(_("This student is in no class, so has no week."))

    built = build_class_problem(
        student.classroom, week_start, open_students=[student.pk]
    )
    current = build_class_plan(built, week_start)
    code = student.code
    if code not in current.plan.students:
        raise ConferenceError(
            _("This plan misses some blocks of the week. Draft the class again.")
        )
    week = {slot.block: slot for slot in current.plan.students[code].slots}
    ask = _resolve(plan, ask)
    _check_known(ask, week, current)
    _check_allowed(student, by, ask, current)

    conference = start_conference(plan, by)
    problem = _with_kept_wishes(current.problem, code, plan, ask)
    engine_request = _engine_request(code, ask, week)
    required = {item.activity for item in problem.student_by_id[code].must_do}
    dropped = ask.activity or week[ask.block].activity
    if ask.kind == RequestKind.DROP and dropped in required:
        answer = _must_do_refusal(current, ask, week, problem)
    else:
        try:
            answer = replan.answer_request(
                problem,
                current.plan,
                engine_request,
                time_limit_s=thinking_time(started),
            )
        except replan.RequestError as error:
            raise ConferenceError(str(error)) from error

    changed_others = sorted(
        {change.student for change in answer.changes if change.student != code}
    )
    names = {s.code: s for s in (*built.to_plan.values(), *built.kept.values())}
    summary = describe_ask(ask, week, built.blocks, built.activities)
    details = {
        "block": ask.block,
        "other_block": ask.other_block,
        "activity": ask.activity,
        "variant": ask.variant,
        "note": ask.note,
        "idea": "student" if _idea_of_student(student, by, ask) else "staff",
        "alternative_of": ask.alternative_of,
        "summary": summary,
        "rule": answer.rule,
        "alternatives": [
            {
                "kind": alternative.kind,
                "block": alternative.block,
                "activity": alternative.activity,
                "variant": alternative.variant,
                "message": alternative.message,
            }
            for alternative in answer.alternatives
        ],
        "changed": sorted(
            {change.block for change in answer.changes if change.student == code}
        ),
        "others": [
            {
                "student": names[other].pk,
                "blocks": sorted(
                    {c.block for c in answer.changes if c.student == other}
                ),
                "why": list(
                    dict.fromkeys(c.why for c in answer.changes if c.student == other)
                ),
            }
            for other in changed_others
        ],
        "seconds": round(answer.seconds, 3),
    }

    with transaction.atomic():
        rows = {
            row.pk: row
            for row in Plan.objects.select_for_update().filter(
                pk__in=[current.plans[c].pk for c in [code, *changed_others]]
            )
        }
        own = rows[plan.pk]
        if answer.applied:
            if seen_version is not None and own.version != seen_version:
                raise _stale(own, seen=seen_version)
            if own.version != current.plans[code].version:
                raise _stale(own, seen=current.plans[code].version)
            for other in changed_others:
                row = rows[current.plans[other].pk]
                if row.version != current.plans[other].version:
                    raise _stale(row, names[other])
        request = Request.objects.create(
            conference=conference,
            made_by=by if by.is_authenticated else None,
            kind=ask.kind,
            details=details,
            outcome=_outcome(answer),
            answer=answer.message[:1000],
        )
        if answer.applied:
            note = summary + (f" — {ask.note}" if ask.note else "")
            version = record_plan_version(
                own,
                answer.plan.students[code],
                built,
                by if by.is_authenticated else None,
                _source(student, by, ask),
                note,
            )
            request.resulting_version = version
            request.save(update_fields=["resulting_version"])
            for other in changed_others:
                whys = "; ".join(details_why(details, names[other].pk))
                record_plan_version(
                    rows[current.plans[other].pk],
                    answer.plan.students[other],
                    built,
                    by if by.is_authenticated else None,
                    ChangeSource.PLANNER,
                    _("Changed so that a classmate's request fits: %(why)s")
                    % {"why": _anonymous(whys, code)},
                )
            # A changed plan needs both signatures again; a week the student
            # changes after handing it in is theirs again until handed back.
            reset: dict[str, None] = {
                "coach_signed_at": None,
                "student_signed_at": None,
            }
            if by.is_authenticated and by.pk == student.user_id:
                reset["handed_in_at"] = None
            Conference.objects.filter(pk=conference.pk).update(**reset)
        _audit(
            AuditAction.REQUEST,
            own,
            by,
            conference,
            {
                "request": request.pk,
                "kind": ask.kind,
                "outcome": request.outcome,
                "rule": answer.rule or "",
                "blocks": [block for block in (ask.block, ask.other_block) if block],
                "others": len(changed_others),
            },
        )
    logger.info(
        "Request %s on plan %s (%s): %s, rule %s, %s other plans changed, %.2f s",
        request.pk,
        plan.pk,
        ask.kind,
        request.outcome,
        answer.rule or "-",
        len(changed_others),
        answer.seconds,
    )
    return request


def _outcome(answer: replan.RequestAnswer) -> str:
    if answer.applied:
        return RequestOutcome.APPLIED
    if answer.rule == replan.OUT_OF_TIME:
        return RequestOutcome.UNANSWERED
    return RequestOutcome.REFUSED


def thinking_time(started: float) -> float:
    """Return how long the planner may think about a request begun at `started`.

    What is left of the request's second after reading the class, less the
    reserve for what follows the thinking; never less than `MIN_THINKING_S`.
    """
    left = ANSWER_TARGET_S - ANSWER_RESERVE_S - (time.monotonic() - started)
    return max(MIN_THINKING_S, left)


def details_why(details: Mapping[str, object], student_id: int) -> list[str]:
    """Return why another student's slots changed, from a request's details."""
    for other in details.get("others", []) or []:  # type: ignore[attr-defined]
        if other.get("student") == student_id:
            return list(other.get("why", []))
    return []


def _anonymous(text: str, code: str) -> str:
    # Another family may read this note: it says a classmate, not who.
    return with_student_names(text, {code: _("a classmate")})


def _idea_of_student(student: Student, by: User, ask: Ask) -> bool:
    return bool(by.is_authenticated and by.pk == student.user_id) or (
        ask.idea_of_student
    )


def _source(student: Student, by: User, ask: Ask) -> str:
    if _idea_of_student(student, by, ask):
        return ChangeSource.REQUEST
    if get_role(by) == Role.TEACHER:
        return ChangeSource.TEACHER
    return ChangeSource.COACH


def _resolve(plan: Plan, ask: Ask) -> Ask:
    """Turn "apply alternative N of request R" into the request it stands for."""
    if ask.alternative_of is None:
        return ask
    earlier = Request.objects.filter(
        pk=ask.alternative_of, conference__plan=plan, outcome=RequestOutcome.REFUSED
    ).first()
    alternatives = list(earlier.details.get("alternatives", [])) if earlier else []
    if ask.alternative is None or not 0 <= ask.alternative < len(alternatives):
        raise ConferenceError(_("That choice is no longer on offer. Ask again."))
    chosen = alternatives[ask.alternative]
    return Ask(
        kind=RequestKind.VARIANT if chosen["kind"] == "variant" else RequestKind.LOCK,
        block=chosen["block"],
        activity=chosen["activity"],
        variant=chosen["variant"],
        note=ask.note,
        idea_of_student=ask.idea_of_student,
        alternative_of=ask.alternative_of,
        alternative=ask.alternative,
    )


def _check_known(ask: Ask, week: Mapping[str, EngineSlot], current: ClassPlan) -> None:
    problem = current.problem
    if ask.kind not in RequestKind.values:
        raise ConferenceError(_("That is not something one can ask for."))
    if ask.block not in week:
        raise ConferenceError(_("That block is not in this week."))
    if ask.kind in (RequestKind.SWAP, RequestKind.MOVE):
        if not ask.other_block or ask.other_block not in week:
            raise ConferenceError(_("Choose the other block first."))
        if ask.other_block == ask.block:
            raise ConferenceError(_("Choose another block than this one."))
    if ask.activity is not None and ask.activity not in problem.activity_by_id:
        raise ConferenceError(_("That activity is not on offer this week."))
    if ask.kind == RequestKind.VARIANT and ask.activity not in (
        None,
        week[ask.block].activity,
    ):
        raise ConferenceError(_("That block has another activity now. Ask again."))
    if ask.variant:
        activity = problem.activity_by_id[ask.activity or week[ask.block].activity]
        if activity.variant(ask.variant) is None:
            raise ConferenceError(_("That activity has no such variant."))


def _check_allowed(student: Student, by: User, ask: Ask, current: ClassPlan) -> None:
    """Enforce who may ask for what.

    A coach, teacher or leader may ask for anything, also in a week the
    student has handed in. A student asks for themselves only, within their
    autonomy level: 1 choose (a variant, keep a block, one of the options
    the planner offers for a block, an alternative the planner offered);
    2 arrange (also swap or move within a day, and any activity that fits a
    block); 3 draft: the student builds the week, so also swaps and moves
    across days and takes out (a must-do is never taken out: the answer
    offers its variants). Their board lists what the week must hold (the
    requirements checklist of `coplanner.planning.checklist`), and
    `record_hand_in` hands the week to the coach once every item is met; a
    change the student makes afterwards takes the week back until they hand
    it in again. The week never starts blank, since every block holds one
    activity (rule ``one_per_block``): the student drafts by changing the
    planner's draft, any block to any activity that fits.
    """
    role = get_role(by)
    if role in STAFF_ROLES:
        return
    if role != Role.STUDENT or by.pk != student.user_id:
        raise NotAllowed(_("Only the student and their coach can change this plan."))
    level = student.autonomy
    week = {s.block: s for s in current.plan.students[student.code].slots}
    if ask.alternative_of is not None or ask.kind == RequestKind.VARIANT:
        return
    if ask.kind == RequestKind.LOCK:
        if ask.activity in (None, week[ask.block].activity):
            return
        if level >= 2:
            return
        offered = {
            option.code for option in block_options(current, student.code, ask.block)
        }
        if ask.activity in offered:
            return
        raise NotAllowed(
            _("Choose one of the activities offered for this block, or ask your coach.")
        )
    if ask.kind in (RequestKind.SWAP, RequestKind.MOVE):
        if level >= 3:
            return
        if level == 2:
            days = current.problem.block_by_id
            if days[ask.block].day == days[ask.other_block or ""].day:
                return
            raise NotAllowed(
                _(
                    "You can change the order within a day. Ask your coach to move it to another day."
                )
            )
        raise NotAllowed(
            _(
                "Swapping blocks is for your coach to do with you. You can choose how to do an activity, or pick one of the offered activities."
            )
        )
    if ask.kind == RequestKind.DROP and level >= 3:
        return
    raise NotAllowed(_("Taking an activity out is for your coach to decide with you."))


def _engine_request(
    code: str, ask: Ask, week: Mapping[str, EngineSlot]
) -> replan.Request:
    if ask.kind == RequestKind.SWAP:
        return replan.SwapRequest(code, ask.block, ask.other_block or "")
    if ask.kind == RequestKind.MOVE:
        return replan.MoveRequest(code, ask.block, ask.other_block or "")
    if ask.kind == RequestKind.DROP:
        return replan.DropRequest(
            code, ask.activity or week[ask.block].activity, ask.block
        )
    if ask.kind == RequestKind.VARIANT:
        return replan.VariantRequest(code, ask.block, ask.variant or None)
    activity = ask.activity or week[ask.block].activity
    variant = ask.variant
    if ask.activity is None and variant is None:
        variant = week[ask.block].variant  # "keep this" keeps it as it is done
    return replan.LockRequest(code, ask.block, activity, variant)


def _touched(kind: str, details: Mapping[str, object]) -> set[str]:
    blocks = {details.get("block"), details.get("other_block")}
    return {str(block) for block in blocks if block}


def _with_kept_wishes(problem: Problem, code: str, plan: Plan, ask: Ask) -> Problem:
    """Add to the student the "keep this" and "take out" of earlier requests.

    Other changes need no record: answering a request keeps every other slot
    of the student's week that it can. A later request on a block replaces
    what an earlier one asked of it, so the person can change their mind.
    """
    locks: dict[str, Lock] = {}
    avoids: dict[tuple[str, str], Avoid] = {}
    applied = list(
        Request.objects.filter(
            conference__plan=plan, outcome=RequestOutcome.APPLIED
        ).order_by("created_at", "pk")
    )
    kept_slots = _slots_kept(applied)
    for earlier in applied:
        details = earlier.details or {}
        for block in _touched(earlier.kind, details):
            locks.pop(block, None)
            avoids = {key: a for key, a in avoids.items() if key[1] != block}
        block = str(details.get("block") or "")
        if earlier.kind == RequestKind.LOCK and details.get("activity"):
            locks[block] = Lock(
                block, str(details["activity"]), details.get("variant") or None
            )
        elif earlier.kind == RequestKind.LOCK:
            # "Keep this" without naming the activity: the one in the block
            # when it was asked, which the resulting version holds.
            kept = kept_slots.get((earlier.resulting_version_id, block))
            if kept is not None:
                locks[block] = Lock(block, *kept)
        elif earlier.kind == RequestKind.DROP and details.get("activity"):
            activity = str(details["activity"])
            avoids[(activity, block)] = Avoid(activity, block)
    now = {ask.block, ask.other_block or ""}
    student = problem.student_by_id[code]
    student = replace(
        student,
        locks=(
            *student.locks,
            *(lock for block, lock in locks.items() if block not in now),
        ),
        avoid=(
            *student.avoid,
            *(avoid for key, avoid in avoids.items() if key[1] not in now),
        ),
    )
    return replace(
        problem,
        students=tuple(student if s.id == code else s for s in problem.students),
    )


def _slots_kept(
    requests: list[Request],
) -> dict[tuple[int, str], tuple[str, str | None]]:
    """Read, in one query, what each "keep this" request's version holds.

    Keyed by version and block; the value is the activity and variant.
    """
    wanted = {
        (request.resulting_version_id, str((request.details or {}).get("block") or ""))
        for request in requests
        if request.kind == RequestKind.LOCK
        and not (request.details or {}).get("activity")
        and request.resulting_version_id is not None
    }
    if not wanted:
        return {}
    rows = (
        Slot.objects.filter(
            version_id__in={version for version, _ in wanted},
            block__code__in={block for _, block in wanted},
        )
        .values_list("version_id", "block__code", "activity__code", "variant__code")
        .order_by()
    )
    return {
        (version, block): (activity, variant)
        for version, block, activity, variant in rows
        if (version, block) in wanted
    }


def _must_do_refusal(
    current: ClassPlan, ask: Ask, week: Mapping[str, EngineSlot], problem: Problem
) -> replan.RequestAnswer:
    """Refuse to take out a must-do, offering its variants instead."""
    activity = problem.activity_by_id[ask.activity or week[ask.block].activity]
    return replan.RequestAnswer(
        applied=False,
        message=_(
            "Not possible: %(name)s is a must-do, so it stays in the week. "
            "You can choose how to do it instead."
        )
        % {"name": activity.name},
        problem=problem,
        plan=current.plan,
        rule="must_do",
        alternatives=tuple(
            replan.Alternative(
                "variant",
                ask.block,
                activity.id,
                variant.id,
                _("Keep %(name)s, done as: %(label)s")
                % {"name": activity.name, "label": variant.label},
            )
            for variant in activity.variants
            if variant.id != week[ask.block].variant
        ),
    )


def describe_ask(
    ask: Ask,
    week: Mapping[str, EngineSlot],
    blocks: Mapping[str, Block],
    activities: Mapping[str, Activity],
) -> str:
    """Say in words what a request asks for, for the record and the history."""
    here = blocks[ask.block]
    name = activities[week[ask.block].activity].name
    if ask.kind == RequestKind.SWAP:
        there = blocks[ask.other_block or ""]
        return _("Swap %(a)s (%(when_a)s) with %(b)s (%(when_b)s)") % {
            "a": name,
            "when_a": when(here),
            "b": activities[week[there.code].activity].name,
            "when_b": when(there),
        }
    if ask.kind == RequestKind.MOVE:
        return _("Move %(name)s from %(from)s to %(to)s") % {
            "name": name,
            "from": when(here),
            "to": when(blocks[ask.other_block or ""]),
        }
    if ask.kind == RequestKind.DROP:
        return _("Take out %(name)s on %(when)s") % {
            "name": activities[ask.activity].name if ask.activity else name,
            "when": when(here),
        }
    if ask.kind == RequestKind.VARIANT:
        activity = activities[week[ask.block].activity]
        labels = {variant.code: variant.label for variant in activity.variants.all()}
        return _("Do %(name)s on %(when)s as: %(how)s") % {
            "name": name,
            "when": when(here),
            "how": labels.get(ask.variant or "", _("as it is")),
        }
    if ask.activity and ask.activity != week[ask.block].activity:
        return _("%(new)s instead of %(old)s on %(when)s") % {
            "new": activities[ask.activity].name,
            "old": name,
            "when": when(here),
        }
    return _("Keep %(name)s on %(when)s") % {"name": name, "when": when(here)}


# Options for a block ---------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """An activity the student could take in a block with nothing else changed."""

    code: str
    name: str
    colour: str


def block_options(
    current: ClassPlan, code: str, block: str, limit: int = OPTIONS_OFFERED
) -> list[Option]:
    """Return the best activities the student could switch to in one block.

    An option keeps every hard rule with only this slot changed: the
    student's own rules are checked by `check_plan` on the student alone,
    seats and adults in the block against the classmates' newest weeks as
    saved. The best for the student's plan score come first. `current`
    needs to hold only the student (see `build_class_problem`'s ``alone``).
    """
    problem = current.problem
    weeks = current.plan.assignment()
    if code not in weeks or block not in weeks[code]:
        return []
    student = problem.student_by_id[code]
    if any(lock.block == block for lock in student.locks):
        return []
    solo = replace(problem, students=(student,))
    taken = classmates_in_block(current.plans[code], block)
    slots = {slot.block: slot for slot in current.plan.students[code].slots}

    def broken(week: Mapping[str, str]) -> set[str]:
        plan = EnginePlan(
            status="feasible",
            objective=None,
            bound=None,
            seconds=0.0,
            students={
                code: StudentPlan(
                    slots=tuple(
                        EngineSlot(
                            b,
                            a,
                            slots[b].variant if slots[b].activity == a else None,
                        )
                        for b, a in week.items()
                    )
                )
            },
        )
        report = check_plan(solo, plan)
        return {violation.rule for violation in report.violations}

    here = problem.block_by_id[block]
    baseline = broken(weeks[code])
    scored: list[tuple[float, str]] = []
    for activity in problem.activities:
        if activity.id == weeks[code][block] or not activity_fits(here, activity):
            continue
        if not seat_and_adult_free(problem, block, activity.id, taken):
            continue
        week = {**weeks[code], block: activity.id}
        if not broken(week) <= baseline:
            continue
        plan = EnginePlan("feasible", None, None, 0.0, {code: _bare(week)})
        score = check_plan(solo, plan).scores[code]
        scored.append((-score.weighted(problem.weights), activity.id))
    scored.sort()
    rows = Activity.objects.filter(
        school__students__code=code, code__in=[a for _, a in scored[:limit]]
    ).distinct()
    by_code = {row.code: row for row in rows}
    return [
        Option(a, by_code[a].name, by_code[a].colour)
        for _, a in scored[:limit]
        if a in by_code
    ]


def classmates_in_block(plan: Plan, block: str) -> list[str]:
    """Return the activity codes the classmates' newest weeks hold in a block.

    One code per classmate with a plan that week, in one query.
    """
    classroom = Student.objects.filter(pk=plan.student_id).values("classroom_id")
    return list(
        Slot.objects.filter(
            version__plan__student__classroom_id=Subquery(classroom),
            version__plan__week_start=plan.week_start,
            version__number=F("version__plan__version"),
            block__code=block,
        )
        .exclude(version__plan=plan)
        .values_list("activity__code", flat=True)
        .order_by()
    )


def _bare(week: Mapping[str, str]) -> StudentPlan:
    return StudentPlan(slots=tuple(EngineSlot(b, a) for b, a in week.items()))


# Handing in ----------------------------------------------------------------


def record_hand_in(
    student: Student,
    week_start: datetime.date,
    by: User,
    seen_version: int | None,
) -> Conference:
    """Record that a student who drafts their week handed it to the coach.

    Only the student, at autonomy level 3, hands in their own week, only as
    they saw it, and only when it holds every item of its requirements
    checklist; otherwise `ConferenceError` says what is still missing.
    Handing in a week already handed in changes nothing. The coach then
    reviews it, may change anything, and signs.
    """
    role = get_role(by)
    if role in STAFF_ROLES:
        raise NotAllowed(
            _(
                "Only %(name)s can hand in this week. You can review it and sign as the coach."
            )
            % {"name": student.first_name}
        )
    if role != Role.STUDENT or by.pk != student.user_id:
        raise NotAllowed(_("Only the student can hand in their week."))
    if student.autonomy < 3:
        raise NotAllowed(
            _(
                "You make your week together with your coach, so there is nothing to hand in. Tap “I agree” when you agree."
            )
        )
    plan = _plan_of(student, week_start)
    _check_fresh(plan, seen_version)
    if plan.status == PlanStatus.AGREED:
        raise ConferenceError(_("This plan is already agreed."))
    checklist = get_checklist(student, week_start)
    if checklist is None:
        raise ConferenceError(
            _("Your week misses some blocks. Ask your coach to draft it again.")
        )
    if not checklist.complete:
        raise ConferenceError(
            _("Your week is not ready to hand in yet. %(missing)s")
            % {"missing": checklist.missing_words()}
        )
    conference = start_conference(plan, by)

    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        # The checklist was read from this version: hand in only that one.
        if locked.version != plan.version:
            raise _stale(locked)
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        if conference.handed_in_at is None:
            conference.handed_in_at = timezone.now()
            conference.save(update_fields=["handed_in_at"])
            _audit(AuditAction.PLAN_HANDED_IN, locked, by, conference)
    logger.info(
        "Plan %s handed in by the student in conference %s", plan.pk, conference.pk
    )
    return conference


# Signing -------------------------------------------------------------------


def record_signature(
    student: Student,
    week_start: datetime.date,
    signer: str,
    by: User,
    seen_version: int | None,
) -> Conference:
    """Sign the plan as the coach (``signer="coach"``) or the student.

    Only the plan as the person saw it can be signed. When both have signed,
    the plan is agreed and the conference ends. A coach, teacher or leader
    signs as the coach, and may record the student's "I agree" on a shared
    screen; a student signs only their own plan, as the student.
    """
    role = get_role(by)
    if signer not in ("coach", "student"):
        raise ConferenceError(_("Sign as the coach or as the student."))
    if role == Role.STUDENT:
        if signer != "student" or by.pk != student.user_id:
            raise NotAllowed(_("Only your coach can sign as the coach."))
    elif role not in STAFF_ROLES:
        raise NotAllowed(_("Only the student and their coach can sign this plan."))
    plan = _plan_of(student, week_start)
    _check_fresh(plan, seen_version)
    if plan.status == PlanStatus.AGREED:
        raise ConferenceError(_("This plan is already agreed."))
    conference = start_conference(plan, by)

    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        _check_fresh(locked, seen_version)
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        now = timezone.now()
        if signer == "coach":
            conference.coach_signed_at = now
            if conference.coach_id is None:
                conference.coach = Staff.objects.filter(user_id=by.pk).first()
        else:
            conference.student_signed_at = now
        if conference.coach_signed_at and conference.student_signed_at:
            conference.ended_at = now
            locked.status = PlanStatus.AGREED
            locked.save(update_fields=["status", "updated_at"])
        conference.save()
        _audit(
            AuditAction.PLAN_SIGNED,
            locked,
            by,
            conference,
            {"signer": signer, "agreed": bool(conference.ended_at)},
        )
    logger.info(
        "Plan %s signed by the %s in conference %s%s",
        plan.pk,
        signer,
        conference.pk,
        ": agreed" if conference.ended_at else "",
    )
    return conference


# Reads for the board ---------------------------------------------------------


@dataclass
class Card:
    """One block of the board: the slot, and what the board marks on it."""

    block: Block
    slot: Slot | None
    changed: bool = False
    must_do: bool = False
    kept: bool = False
    selected: bool = False


@dataclass
class BoardDay:
    label: str
    date: datetime.date
    cards: list[Card]


@dataclass
class Gauge:
    """One plan score part on a scale a person can read."""

    part: str
    label: str
    hint: str
    value: float
    low: float
    high: float

    @property
    def shown(self) -> str:
        return f"{self.value:.0f}"


@dataclass
class Answer:
    """The planner's answer to one request, ready to show."""

    request: Request
    applied: bool
    message: str
    rule_words: str
    others: list[tuple[str, list[str]]]
    alternatives: list[tuple[int, str]]
    # The board's form fields that ask the same again, for a request the
    # planner ran out of time for; empty otherwise.
    again: dict[str, str] = field(default_factory=dict)


@dataclass
class Panel:
    """What can be asked for the tapped card, at the asker's level."""

    card: Card
    variants: list[tuple[str, str]]
    options: list[Option]
    activities: list[tuple[str, str]]
    swap_targets: list[tuple[str, str]]
    may_drop: bool
    may_arrange: bool


@dataclass
class RecordLine:
    request: Request
    who: str
    summary: str
    answer: str
    idea_of_student: bool


@dataclass
class Board:
    """Everything the conference board shows.

    `own_board` says the person looking is the student. `checklist` is the
    requirements checklist of a student who drafts their week (level 3).
    """

    student: Student
    week_start: datetime.date
    plan: Plan | None
    version: PlanVersion | None
    conference: Conference | None
    days: list[BoardDay]
    gauges: list[Gauge]
    staff_view: bool
    level: int
    own_board: bool = False
    panel: Panel | None = None
    answer: Answer | None = None
    record: list[RecordLine] = field(default_factory=list)
    checklist: Checklist | None = None

    @property
    def ideas(self) -> list[RecordLine]:
        """The student's applied requests: "your ideas in this plan"."""
        return [
            line
            for line in self.record
            if line.idea_of_student and line.request.outcome == RequestOutcome.APPLIED
        ]

    @property
    def agreed(self) -> bool:
        return self.plan is not None and self.plan.status == PlanStatus.AGREED

    @property
    def coach_signed(self) -> bool:
        return bool(self.conference and self.conference.coach_signed_at)

    @property
    def student_signed(self) -> bool:
        return bool(self.conference and self.conference.student_signed_at)

    @property
    def handed_in(self) -> bool:
        """Say whether the student handed in this week and it is not agreed yet."""
        return bool(
            self.conference and self.conference.handed_in_at and not self.agreed
        )

    @property
    def may_hand_in(self) -> bool:
        """Say whether the board offers the student "Hand my week to my coach"."""
        return (
            self.own_board
            and self.level >= 3
            and self.checklist is not None
            and not self.agreed
        )

    @property
    def changes_since_hand_in(self) -> list[RecordLine]:
        """The changes others made to the week after the student handed it in."""
        if not self.handed_in or self.conference is None:
            return []
        since = self.conference.handed_in_at
        assert since is not None
        return [
            line
            for line in self.record
            if line.request.outcome == RequestOutcome.APPLIED
            and line.request.created_at >= since
            and line.request.made_by_id != self.student.user_id
        ]


def get_board(
    student: Student,
    week_start: datetime.date,
    viewer: User,
    *,
    block: str | None = None,
    answer_id: int | None = None,
) -> Board:
    """Read the board of a student's week: cards, gauges, panel, answer, record.

    The board of a student at autonomy level 3 also holds the requirements
    checklist of the week as it stands, read again on every call.
    """
    grid = get_week_grid(student, week_start)
    plan, version = grid.plan, grid.version
    staff_view = is_staff(viewer)
    conference = (
        plan.conferences.order_by("-started_at", "-pk").first() if plan else None
    )
    answer = _answer(plan, answer_id, student) if plan and answer_id else None
    changed = (
        set(answer.request.details.get("changed", []))
        if answer and answer.applied
        else set()
    )
    must = must_do_activity_ids(student)
    kept = _kept_blocks(plan) if plan else set()

    days = [
        BoardDay(
            label=day.label,
            date=day.date,
            cards=[
                Card(
                    block=cell_block,
                    slot=slot,
                    changed=cell_block.code in changed,
                    must_do=bool(slot and slot.activity_id in must),
                    kept=cell_block.code in kept,
                    selected=cell_block.code == block,
                )
                for cell_block, slot in day.cells
            ],
        )
        for day in grid.days
    ]
    board = Board(
        student=student,
        week_start=week_start,
        plan=plan,
        version=version,
        conference=conference,
        days=days,
        gauges=_gauges(version, grid.days),
        staff_view=staff_view,
        level=student.autonomy,
        own_board=bool(viewer.is_authenticated and viewer.pk == student.user_id),
        answer=answer,
        record=_record(plan, student) if plan else [],
    )
    selected = next(
        (card for day in days for card in day.cards if card.selected and card.slot),
        None,
    )
    wants_checklist = version is not None and student.autonomy >= 3
    wants_options = version is not None and selected is not None and not selected.kept
    built, current = (
        _class_plan(student, week_start)
        if wants_checklist or wants_options
        else (None, None)
    )
    if wants_checklist and built is not None and current is not None:
        board.checklist = checklist_for(built, current, student.code)
    if selected is not None and version is not None:
        board.panel = _panel(board, selected, current)
    return board


def _class_plan(
    student: Student, week_start: datetime.date
) -> tuple[ClassProblem, ClassPlan] | tuple[None, None]:
    """Read the student's own problem and plan, for options and checklist.

    Only the student is in them: a card tap costs one student's rows, not a
    class's. The seats the classmates hold are read by `block_options`.
    """
    if student.classroom is None:
        return None, None
    try:
        built = build_class_problem(student.classroom, week_start, alone=student)
    except ValueError:  # the class has no week template
        return None, None
    return built, build_class_plan(built, week_start)


def _kept_blocks(plan: Plan) -> set[str]:
    kept: set[str] = set()
    for earlier in Request.objects.filter(
        conference__plan=plan, outcome=RequestOutcome.APPLIED
    ).order_by("created_at", "pk"):
        details = earlier.details or {}
        kept -= _touched(earlier.kind, details)
        if earlier.kind == RequestKind.LOCK:
            kept.add(str(details.get("block")))
    return kept


def _gauges(version: PlanVersion | None, days: Iterable[object]) -> list[Gauge]:
    if version is None:
        return []
    cells = [cell for day in days for cell in day.cells]  # type: ignore[attr-defined]
    minutes = sum(block.minutes for block, _slot in cells)
    pairs = sum(
        max(0, len(day.cells) - 1)  # type: ignore[attr-defined]
        for day in days
    )
    return [
        Gauge(
            "rigor",
            _("Rigor"),
            _("New learning the week holds"),
            version.rigor,
            0.0,
            float(max(minutes, 1)),
        ),
        Gauge(
            "voice",
            _("Voice"),
            _("How much the week has of what you like"),
            version.voice,
            -float(len(cells)),
            2.0 * max(len(cells), 1),
        ),
        Gauge(
            "confidence",
            _("Confidence"),
            _("Hard blocks followed by ones you are good at"),
            version.confidence,
            -float(max(pairs, 1)),
            float(max(pairs, 1)),
        ),
    ]


def _answer(plan: Plan, answer_id: int, student: Student) -> Answer | None:
    request = Request.objects.filter(pk=answer_id, conference__plan=plan).first()
    if request is None:
        return None
    details = request.details or {}
    classmates = {
        s.pk: s
        for s in Student.objects.filter(
            pk__in=[o.get("student") for o in details.get("others", [])]
        )
    }
    names = {student.code: student.first_name} | {
        s.code: s.first_name for s in classmates.values()
    }
    others = [
        (
            classmates[o["student"]].first_name,
            [with_student_names(why, names) for why in o.get("why", [])],
        )
        for o in details.get("others", [])
        if o.get("student") in classmates
    ]
    rule = details.get("rule")
    return Answer(
        request=request,
        applied=request.outcome == RequestOutcome.APPLIED,
        message=with_student_names(request.answer, names),
        rule_words=_(RULE_WORDS[rule]) if rule in RULE_WORDS else "",
        others=others,
        alternatives=[
            (index, alternative.get("message", ""))
            for index, alternative in enumerate(details.get("alternatives", []))
        ],
        again=(
            _ask_again(request.kind, details)
            if request.outcome == RequestOutcome.UNANSWERED
            else {}
        ),
    )


def _ask_again(kind: str, details: Mapping[str, object]) -> dict[str, str]:
    """Return the board's form fields that make the recorded request again."""
    other = str(details.get("other_block") or "")
    fields = {"block": str(details.get("block") or "")}
    if kind == RequestKind.SWAP:
        fields |= {"choice": "swap", "other_block": other}
    elif kind == RequestKind.MOVE:
        fields |= {"choice": "move", "to_block": other}
    elif kind == RequestKind.LOCK:
        fields["choice"] = f"lock:{details.get('activity') or ''}"
    elif kind == RequestKind.VARIANT:
        fields["choice"] = f"variant:{details.get('variant') or ''}"
    else:
        fields["choice"] = kind
    if details.get("note"):
        fields["note"] = str(details["note"])
    if details.get("idea") == "student":
        fields["idea"] = "student"
    return fields


def _record(plan: Plan, student: Student) -> list[RecordLine]:
    requests = (
        Request.objects.filter(conference__plan=plan)
        .select_related("made_by")
        .order_by("created_at", "pk")
    )
    names = {student.code: student.first_name}
    return [
        RecordLine(
            request=request,
            who=(
                student.first_name
                if request.made_by_id is not None
                and request.made_by_id == student.user_id
                else person_name(request.made_by)
            ),
            summary=str((request.details or {}).get("summary", request.kind)),
            answer=with_student_names(request.answer, names),
            idea_of_student=(request.details or {}).get("idea") == "student",
        )
        for request in requests
    ]


def _panel(board: Board, card: Card, current: ClassPlan | None) -> Panel:
    student = board.student
    assert card.slot is not None and board.version is not None
    activity = card.slot.activity
    staff = board.staff_view
    level = board.level
    variants = [(v.code, v.label) for v in activity.variants.all()]
    options: list[Option] = []
    activities: list[tuple[str, str]] = []
    if current is not None and not card.kept:
        options = block_options(current, student.code, card.block.code)
        if staff or level >= 2:
            here = current.problem.block_by_id.get(card.block.code)
            activities = [
                (a.id, a.name)
                for a in current.problem.activities
                if here is not None and a.id != activity.code and activity_fits(here, a)
            ]
    same_day_only = not staff and level == 2
    swap_targets = [
        (other.block.code, f"{when(other.block)} · {other.slot.activity.name}")
        for day in board.days
        for other in day.cards
        if other.slot is not None
        and other.block.code != card.block.code
        and (not same_day_only or other.block.day == card.block.day)
    ]
    return Panel(
        card=card,
        variants=variants,
        options=options,
        activities=activities,
        swap_targets=swap_targets,
        may_drop=(staff or level >= 3) and not card.must_do,
        may_arrange=staff or level >= 2,
    )


# Reads for the history page ------------------------------------------------


@dataclass
class DiffRow:
    block: Block
    before: str
    after: str


def get_versions(plan: Plan) -> list[PlanVersion]:
    """Return every version of a plan, newest first, with who made it."""
    return list(plan.versions.select_related("created_by").order_by("-number"))


def get_version_diff(first: PlanVersion, second: PlanVersion) -> list[DiffRow]:
    """Compare two versions slot by slot: each block whose slot differs."""

    def slots(version: PlanVersion) -> dict[int, Slot]:
        return {
            slot.block_id: slot
            for slot in version.slots.select_related("block", "activity", "variant")
        }

    def shown(slot: Slot | None) -> str:
        if slot is None:
            return "—"
        if slot.variant is not None:
            return f"{slot.activity.name} ({slot.variant.label})"
        return slot.activity.name

    before, after = slots(first), slots(second)
    blocks = {slot.block_id: slot.block for slot in (*before.values(), *after.values())}
    rows = []
    for block_id in sorted(blocks, key=lambda b: (blocks[b].day, blocks[b].start)):
        old, new = before.get(block_id), after.get(block_id)
        if shown(old) != shown(new):
            rows.append(DiffRow(blocks[block_id], shown(old), shown(new)))
    return rows


# Reads for a conflict ---------------------------------------------------------


@dataclass
class ConflictView:
    """Two versions of a plan side by side after a change was refused as stale.

    ``seen`` is the version the person was looking at when they asked,
    ``now`` the one saved meanwhile by ``who``; ``diff`` holds every block
    that differs between them, and ``asked`` says what the person asked for,
    which was not saved.
    """

    seen: PlanVersion
    now: PlanVersion
    who: str
    diff: list[DiffRow]
    asked: str = ""


def get_conflict(
    student: Student, week_start: datetime.date, seen: int, ask: Ask | None = None
) -> ConflictView | None:
    """Read the version a person saw and the one saved since, for the board."""
    plan = Plan.objects.filter(student=student, week_start=week_start).first()
    if plan is None:
        return None
    versions = {
        version.number: version
        for version in plan.versions.select_related("created_by").filter(
            number__in=[seen, plan.version]
        )
    }
    if seen not in versions or plan.version not in versions or seen == plan.version:
        return None
    now = versions[plan.version]
    return ConflictView(
        seen=versions[seen],
        now=now,
        who=person_name(now.created_by),
        diff=get_version_diff(versions[seen], now),
        asked=_asked_words(student, ask) if ask else "",
    )


def _asked_words(student: Student, ask: Ask) -> str:
    """Say what a refused stale request asked for, from its kind and blocks."""
    blocks = {
        block.code: block
        for block in Block.objects.filter(
            template_id=student.classroom.week_template_id
            if student.classroom
            else None,
            code__in=[ask.block, ask.other_block or ""],
        )
    }
    if ask.kind not in RequestKind.values or ask.block not in blocks:
        return ""
    words = f"{RequestKind(ask.kind).label}: {when(blocks[ask.block])}"
    if ask.other_block in blocks:
        words += f" ↔ {when(blocks[ask.other_block])}"
    return words
