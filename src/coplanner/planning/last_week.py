"""Last week, as the next conference opens with it.

How each activity of last week went (the faces of the student's reflection),
and each applied request of last week that was the student's idea, asked
about again: "Last week you asked to … — how did it go?", with the face the
student gave that activity. Read only; nothing here writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from coplanner.curriculum.models import Activity
from coplanner.planning.models import (
    Plan,
    PlanVersion,
    Request,
    RequestKind,
    RequestOutcome,
    Slot,
)
from coplanner.planning.queries import when
from coplanner.roster.models import Student
from coplanner.voice.models import GoalProgress, Rating
from coplanner.voice.queries import get_reflection, get_week_activities


@dataclass(frozen=True)
class ActivityFace:
    """One activity of last week and the face the student gave it, if any."""

    activity_id: int
    name: str
    icon: str
    colour: str
    rating: int | None

    @property
    def label(self) -> str:
        return str(Rating(self.rating).label) if self.rating is not None else ""


@dataclass(frozen=True)
class AskedAgain:
    """One of last week's applied requests that was the student's idea."""

    request_id: int
    question: str
    faces: tuple[ActivityFace, ...]


@dataclass(frozen=True)
class LastWeek:
    """What the board shows of the week before the one being planned."""

    week_start: datetime.date
    had_plan: bool
    reflection_id: int | None
    goal_progress: str
    note: str
    activities: tuple[ActivityFace, ...]
    asked: tuple[AskedAgain, ...]

    @property
    def reflected(self) -> bool:
        return self.reflection_id is not None

    @property
    def is_empty(self) -> bool:
        """Say whether there is nothing to show: no plan and no reflection."""
        return not self.had_plan and not self.reflected

    @property
    def goal_label(self) -> str:
        if not self.goal_progress:
            return ""
        return str(GoalProgress(self.goal_progress).label)


def _face(activity: Activity, faces: Mapping[int, int]) -> ActivityFace:
    return ActivityFace(
        activity_id=activity.pk,
        name=activity.name,
        icon=activity.icon,
        colour=activity.colour,
        rating=faces.get(activity.pk),
    )


def _slots_of(versions: Iterable[PlanVersion]) -> dict[int, dict[str, Slot]]:
    """Return the slots of some versions by version id, then block code."""
    slots: dict[int, dict[str, Slot]] = {}
    for slot in Slot.objects.filter(version__in=list(versions)).select_related(
        "block", "activity", "variant"
    ):
        slots.setdefault(slot.version_id, {})[slot.block.code] = slot
    return slots


def _question(
    request: Request,
    before: Mapping[str, Slot],
    after: Mapping[str, Slot],
) -> tuple[str, list[Activity]] | None:
    """Ask about one request again, naming the activities it was about.

    ``before`` and ``after`` are the student's slots in the versions just
    before and just after the request. None when they no longer hold the
    blocks the request named.
    """
    details = request.details or {}
    block = str(details.get("block") or "")
    other = str(details.get("other_block") or "")
    if request.kind == RequestKind.SWAP and block in before and other in before:
        first, second = before[block].activity, before[other].activity
        text = _("Last week you asked to swap %(a)s and %(b)s — how did it go?") % {
            "a": first.name,
            "b": second.name,
        }
        return text, [first, second]
    if request.kind == RequestKind.MOVE and block in before and other in after:
        moved = before[block].activity
        text = _("Last week you asked to move %(name)s to %(when)s — how did it go?")
        return text % {"name": moved.name, "when": when(after[other].block)}, [moved]
    if request.kind == RequestKind.DROP and block in before:
        dropped = before[block].activity
        text = _("Last week you asked to take out %(name)s — how did it go?")
        return text % {"name": dropped.name}, [dropped]
    if request.kind == RequestKind.VARIANT and block in after:
        slot = after[block]
        if slot.variant is None:
            text = _("Last week you asked to do %(name)s as it is — how did it go?")
            return text % {"name": slot.activity.name}, [slot.activity]
        text = _(
            "Last week you asked to do %(name)s like this: %(how)s — how did it go?"
        )
        return (
            text % {"name": slot.activity.name, "how": slot.variant.label},
            [slot.activity],
        )
    if request.kind == RequestKind.LOCK and block in after:
        chosen = after[block].activity
        earlier = before[block].activity if block in before else chosen
        if earlier.pk != chosen.pk:
            text = _(
                "Last week you asked for %(new)s instead of %(old)s — how did it go?"
            )
            return text % {"new": chosen.name, "old": earlier.name}, [chosen]
        text = _("Last week you asked to keep %(name)s — how did it go?")
        return text % {"name": chosen.name}, [chosen]
    return None


def _asked_again(plan: Plan, faces: Mapping[int, int]) -> tuple[AskedAgain, ...]:
    requests = [
        request
        for request in Request.objects.filter(
            conference__plan=plan, outcome=RequestOutcome.APPLIED
        )
        .select_related("resulting_version")
        .order_by("created_at", "pk")
        if (request.details or {}).get("idea") == "student"
    ]
    if not requests:
        return ()
    numbers = {
        number
        for request in requests
        if request.resulting_version is not None
        for number in (
            request.resulting_version.number - 1,
            request.resulting_version.number,
        )
    }
    versions = {
        version.number: version
        for version in PlanVersion.objects.filter(plan=plan, number__in=numbers)
    }
    slots = _slots_of(versions.values())

    def slots_at(number: int) -> dict[str, Slot]:
        version = versions.get(number)
        return slots.get(version.pk, {}) if version else {}

    asked: list[AskedAgain] = []
    seen: set[str] = set()
    for request in requests:
        result = request.resulting_version
        worded = (
            _question(request, slots_at(result.number - 1), slots_at(result.number))
            if result is not None
            else None
        )
        if worded is None:
            summary = str((request.details or {}).get("summary") or "")
            if not summary:
                continue
            worded = (
                _("Last week you asked: %(summary)s — how did it go?")
                % {"summary": summary},
                [],
            )
        question, activities = worded
        if question in seen:
            continue
        seen.add(question)
        asked.append(
            AskedAgain(
                request_id=request.pk,
                question=question,
                faces=tuple(_face(activity, faces) for activity in activities),
            )
        )
    return tuple(asked)


def get_last_week(student: Student, week_start: datetime.date) -> LastWeek:
    """Read the week before ``week_start`` for the board of ``week_start``.

    The activities are those of last week's plan (its newest version) in the
    order of the week, then any other activity the reflection gave a face.
    """
    last = week_start - datetime.timedelta(days=7)
    plan = Plan.objects.filter(student=student, week_start=last).first()
    reflection = get_reflection(student, last)
    faces = (
        {row.activity_id: row.rating for row in reflection.ratings.all()}
        if reflection
        else {}
    )

    planned = get_week_activities(student, last) if plan else []
    shown = {activity.pk for activity in planned}
    others = Activity.objects.filter(
        pk__in=[pk for pk in faces if pk not in shown]
    ).order_by("name")
    return LastWeek(
        week_start=last,
        had_plan=bool(planned),
        reflection_id=reflection.pk if reflection else None,
        goal_progress=reflection.goal_progress if reflection else "",
        note=reflection.note if reflection else "",
        activities=tuple(_face(a, faces) for a in [*planned, *others]),
        asked=_asked_again(plan, faces) if plan else (),
    )
