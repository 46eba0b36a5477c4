"""A kindergartner signs in on the class tablet by tapping, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from coplanner.accounts.picture_login import (
    ensure_student_logins,
    get_class_login,
    record_picture_password,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tablet_url(live_server, cast) -> str:
    logins = ensure_student_logins(cast.room1)
    record_picture_password(logins[cast.ana.pk], ["sun", "tree", "boat"])
    record_picture_password(logins[cast.ben.pk], ["apple", "star", "heart"])
    return f"{live_server.url}/picture/{get_class_login(cast.room1).token}/"


def test_ana_taps_her_tile_and_pictures_and_sees_her_week(page: Page, tablet_url, cast):
    page.goto(tablet_url)
    expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Ana, the ")).click()

    expect(
        page.get_by_role("heading", name=re.compile("Tap your 3 pictures"))
    ).to_be_visible()
    dots = page.locator(".dots .dot.filled")
    page.get_by_role("button", name="sun", exact=True).click()
    expect(dots).to_have_count(1)
    page.get_by_role("button", name="tree", exact=True).click()
    expect(dots).to_have_count(2)
    page.get_by_role("button", name="boat", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/students/{cast.ana.pk}/week/"))
    expect(page.get_by_text("Ana López").first).to_be_visible()

    # Signing out leads back to the tiles for the next child.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Who are you?")).to_be_visible()


def test_wrong_pictures_are_refused_with_words_a_child_understands(
    page: Page, tablet_url, cast
):
    page.goto(tablet_url)
    page.get_by_role("link", name=re.compile(r"^Ben, the ")).click()
    for picture in ("sun", "moon", "house"):
        page.get_by_role("button", name=picture, exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Try again")
    expect(page.locator(".dots .dot.filled")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/picture/.+/{cast.ben.pk}/$"))
