"""A school leader imports the district's roster in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from coplanner.roster.models import Student
from tests.cast import PASSWORD
from tests.roster.bundles import cedar, make_bundle, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_uploads_the_roster_and_reads_the_report(
    page: Page, live_server, cast, tmp_path
):
    files = cedar()
    row(files, "orgs.csv", "s1")["name"] = "Maple Elementary"
    row(files, "users.csv", "a1")["username"] = "hill"
    good = tmp_path / "oneroster.zip"
    good.write_bytes(make_bundle(files))
    row(files, "users.csv", "st2")["grades"] = "Year 1"
    bad = tmp_path / "oneroster-bad.zip"
    bad.write_bytes(make_bundle(files))

    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("hill")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Import roster").click()
    expect(page.get_by_role("heading", name="Import the roster")).to_be_visible()

    page.get_by_label("OneRoster zip").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    expect(page.get_by_role("cell", name="Year 1", exact=True)).to_be_visible()
    assert not Student.objects.filter(source_id__gt="").exists()

    page.get_by_label("OneRoster zip").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    students = page.get_by_role("row", name="Students")
    expect(students.get_by_role("cell").first).to_have_text("4")
    assert Student.objects.filter(source_id="st1", school=cast.school).exists()
