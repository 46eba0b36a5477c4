"""A student's plans as an iCalendar feed, built from the current versions.

The feed is rebuilt on every request, so a calendar app that refreshes it
sees every change to the plan. An event's UID names the plan and the block,
not the slot row, so that it stays the same when a new version replaces the
slot: calendar apps then update the event instead of adding a second one.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from coplanner.handouts.queries import get_latest_versions
from coplanner.planning.models import Plan
from coplanner.roster.models import Student

# How far back the feed reaches, in weeks; later plans are always included.
PAST_WEEKS = 4
UID_DOMAIN = "coplanner"


def build_calendar(student: Student, today: datetime.date | None = None) -> bytes:
    """Return the student's plans from a few weeks back onwards as iCalendar."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    today = today or timezone.localdate()
    since = today - datetime.timedelta(weeks=PAST_WEEKS)
    plans = Plan.objects.filter(student=student, week_start__gte=since)
    versions = get_latest_versions(plans)

    calendar = Calendar()
    calendar.add("prodid", "-//coplanner//handouts//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", student.first_name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for version in sorted(versions.values(), key=lambda v: v.plan.week_start):
        plan = version.plan
        for slot in version.slots.all():
            block = slot.block
            day = plan.week_start + datetime.timedelta(days=block.day)
            start = datetime.datetime.combine(day, block.start, tzinfo=tz)
            summary = slot.activity.name
            if slot.variant is not None:
                summary = f"{summary} ({slot.variant.label})"
            event = Event()
            event.add("uid", f"plan-{plan.pk}-block-{block.pk}@{UID_DOMAIN}")
            event.add("dtstamp", version.created_at)
            event.add("last-modified", version.created_at)
            event.add("sequence", version.number)
            event.add("dtstart", start)
            event.add("dtend", start + datetime.timedelta(minutes=block.minutes))
            event.add("summary", summary)
            event.add("location", slot.activity.name)
            if slot.reasons:
                event.add("description", "\n".join(str(r) for r in slot.reasons))
            event.add("status", "CONFIRMED" if plan.status == "agreed" else "TENTATIVE")
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()  # type: ignore[no-any-return]
