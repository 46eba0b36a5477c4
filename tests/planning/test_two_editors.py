"""Two people change the same plan at once: the second gets a clear conflict.

Ms Rivera and Mr Okafor both open Ana's board on version 1. Ms Rivera's
change is saved as version 2; Mr Okafor's, made on version 1, is refused
with both versions shown and nothing overwritten.
"""

import pytest
from django.test import Client
from django.urls import reverse

from coplanner.audit.models import AuditEntry
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.models import Plan, Request
from coplanner.planning.queries import get_week_start
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(username):
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def week_of(plan):
    version = plan.versions.get(number=plan.version)
    return {
        slot.block.code: (slot.activity.code, slot.variant_id)
        for slot in version.slots.select_related("block", "activity")
    }


@pytest.fixture
def two_editors(cast):
    result = propose_class_drafts(cast.room1, get_week_start(), None, time_limit_s=3)
    assert result.has_plans
    rivera, okafor = signed_in("rivera"), signed_in("okafor")
    board = reverse("conference:board", args=[cast.ana.pk])
    for client in (rivera, okafor):
        page = client.get(board).content.decode()
        assert 'data-version="1"' in page  # both look at version 1
    return cast, rivera, okafor


def ask(client, student, live, **data):
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"} if live else {}
    return client.post(reverse("conference:ask", args=[student.pk]), data, **headers)


@pytest.mark.parametrize("live", [True, False], ids=["board script", "plain form"])
def test_the_second_editor_sees_both_versions_and_nothing_is_overwritten(
    two_editors, live
):
    cast, rivera, okafor = two_editors
    first = ask(rivera, cast.ana, live, block="d0-2", choice="variant:buddy", version=1)
    assert first.status_code in (200, 302)
    plan = Plan.objects.get(student=cast.ana)
    saved = week_of(plan)
    assert plan.version == 2

    second = ask(
        okafor,
        cast.ana,
        live,
        block="d0-1",
        other_block="d0-3",
        choice="swap",
        version=1,
    )
    if live:
        assert second.status_code == 409
        page = second.content.decode()
        assert (
            "Your change, not saved: Swap two blocks: Monday at 09:00 ↔ Monday at 11:00."
            in page
        )
    else:
        assert second.status_code == 302 and "since=1" in second["Location"]
        page = okafor.get(second["Location"]).content.decode()
    assert "Lucía Rivera changed this plan meanwhile" in page
    assert "Nothing was overwritten" in page
    assert "You saw version 1; version 2 is saved now" in page
    assert "Saved by Lucía Rivera" in page
    # The one block that differs, as each version has it.
    assert "<td>Reading nook</td><td>Reading nook (With a buddy)</td>" in page
    assert "?a=1&amp;b=2" in page
    assert 'data-version="2"' in page  # the board now shows the saved plan

    plan.refresh_from_db()
    assert plan.version == 2 and week_of(plan) == saved
    assert Request.objects.count() == 1
    assert AuditEntry.objects.filter(action="plan.version", to_version=2).count() == 1

    # Asking again on the version now saved works.
    again = ask(
        okafor,
        cast.ana,
        live,
        block="d0-1",
        other_block="d0-3",
        choice="swap",
        version=2,
    )
    assert again.status_code in (200, 302)
    plan.refresh_from_db()
    assert plan.version == 3
