"""A teacher opens the class heat map in a real browser and follows a cell."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coplanner.curriculum.models import Skill
from coplanner.mastery.models import Band, Evidence, EvidenceKind, MasteryEstimate
from tests.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_opens_a_cell_and_sees_its_evidence(page: Page, live_server, cast):
    count20 = Skill.objects.get(code="math.k.count20")
    observed = timezone.now()
    MasteryEstimate.objects.create(
        student=cast.ana,
        skill=count20,
        probability=0.91,
        band=Band.MASTERED,
        observations=1,
        last_observed_at=observed,
    )
    Evidence.objects.create(
        student=cast.ana,
        skill=count20,
        kind=EvidenceKind.RESPONSE,
        correct=True,
        observed_at=observed,
        source="mathland",
        item="count-to-twenty-7",
    )

    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("rivera")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Mastery heat map").click()

    expect(page.get_by_role("heading", name="Mastery heat map")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Counting to 20")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Ben Adeyemi")).to_be_visible()
    cell = page.get_by_role("link", name="Mastered, 91%")
    expect(cell).to_be_visible()
    cell.click()

    expect(page.get_by_role("heading", name="Counting to 20")).to_be_visible()
    expect(page.get_by_text("Ana López · Math")).to_be_visible()
    expect(page.get_by_role("cell", name="count-to-twenty-7")).to_be_visible()
    expect(page.get_by_role("cell", name="Correct", exact=True)).to_be_visible()
