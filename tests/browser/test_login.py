"""A teacher logs in through a real browser and sees the class list."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_logs_in_and_sees_the_class(page: Page, live_server, cast):
    page.goto(live_server.url)
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("Username").fill("rivera")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Room 1")).to_be_visible()
    students = page.get_by_role("table").get_by_role("row")
    expect(students).to_have_count(3)  # the header and two students
    expect(page.get_by_role("link", name="Ana López")).to_be_visible()
    expect(page.get_by_text("Carla")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_wrong_password_says_what_to_do(page: Page, live_server, cast):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("rivera")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("try again")
