"""The private calendar link: a random token, revocable, rebuilt per request."""

import datetime

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse

from coplanner.handouts.models import CalendarFeed
from coplanner.planning.models import Plan
from coplanner.planning.queries import get_week_start
from tests.cast import PASSWORD
from tests.handouts.helpers import make_plan

pytestmark = pytest.mark.django_db


def make_link(client, student, username="lopez"):
    assert client.login(username=username, password=PASSWORD)
    url = reverse("handouts:calendar_links", args=[student.pk])
    response = client.post(url, {"action": "create"}, follow=True)
    assert response.status_code == 200
    client.logout()
    return CalendarFeed.objects.filter(student=student).latest("created_at")


def read_events(client, feed):
    response = client.get(reverse("handouts:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar, {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_feed_holds_the_same_events_as_the_plan(client, cast):
    version = make_plan(cast.ana)
    feed = make_link(client, cast.ana)
    # A random token of 32 bytes or more, not anything derived from the student.
    assert len(feed.token) >= 40 and feed.token != str(cast.ana.pk)

    calendar, events = read_events(client, feed)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [settings.TIME_ZONE]
    slots = list(version.slots.select_related("block", "activity", "variant"))
    assert len(events) == len(slots) == 15
    for slot in slots:
        event = events[f"plan-{version.plan_id}-block-{slot.block_id}@coplanner"]
        day = version.plan.week_start + datetime.timedelta(days=slot.block.day)
        start = event.decoded("DTSTART")
        assert start.date() == day and start.time() == slot.block.start
        assert event["DTSTART"].params["TZID"] == settings.TIME_ZONE
        assert event.decoded("DTEND") - start == datetime.timedelta(minutes=40)
        assert str(event["LOCATION"]) == slot.activity.name
        assert str(event["DESCRIPTION"]) == slot.reasons[0]
        expected = slot.activity.name
        if slot.variant:
            expected += f" ({slot.variant.label})"
        assert str(event["SUMMARY"]) == expected
        assert "DTSTAMP" in event


def test_feed_follows_a_new_version_with_the_same_uids(client, cast):
    make_plan(cast.ana)
    feed = make_link(client, cast.ana)
    _calendar, before = read_events(client, feed)

    make_plan(cast.ana, math="puzzles")
    _calendar, after = read_events(client, feed)
    assert set(after) == set(before)
    math = [e for e in after.values() if e.decoded("DTSTART").hour == 9]
    assert {str(e["SUMMARY"]) for e in math} == {"Number puzzles"}
    assert all(int(e["SEQUENCE"]) == 2 for e in after.values())


def test_a_revoked_link_is_not_found(client, cast):
    make_plan(cast.ana)
    feed = make_link(client, cast.ana, username="rivera")
    assert client.login(username="rivera", password=PASSWORD)
    url = reverse("handouts:calendar_links", args=[cast.ana.pk])
    client.post(url, {"action": "revoke", "feed": feed.pk})
    client.logout()

    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert client.get(reverse("handouts:feed", args=[feed.token])).status_code == 404
    assert client.get(reverse("handouts:feed", args=["not-a-token"])).status_code == 404


def test_links_are_managed_only_by_staff_and_the_childs_family(client, cast):
    assert client.login(username="lopez", password=PASSWORD)
    own = client.get(reverse("handouts:calendar_links", args=[cast.ana.pk]))
    assert own.status_code == 200
    other = reverse("handouts:calendar_links", args=[cast.ben.pk])
    assert client.post(other, {"action": "create"}).status_code == 404
    client.logout()

    assert client.login(username="ana", password=PASSWORD)
    url = reverse("handouts:calendar_links", args=[cast.ana.pk])
    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_feed_reaches_later_weeks(client, cast):
    make_plan(cast.ana)
    make_plan(cast.ana, week_start=get_week_start() + datetime.timedelta(days=7))
    feed = make_link(client, cast.ana)
    _calendar, events = read_events(client, feed)
    assert len(events) == 30
    assert Plan.objects.filter(student=cast.ana).count() == 2
