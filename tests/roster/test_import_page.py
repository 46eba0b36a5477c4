"""The roster import page: a school leader uploads the zip and reads the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplanner.roster.models import School, Student
from tests.cast import PASSWORD
from tests.roster.bundles import cedar, make_bundle, row

pytestmark = pytest.mark.django_db

URL = "/roster/import/"


def maple_bundle(changes: dict | None = None) -> bytes:
    """Return the Cedar bundle with its first school named as the cast's school."""
    files = cedar()
    row(files, "orgs.csv", "s1")["name"] = "Maple Elementary"
    row(files, "users.csv", "a1")["username"] = "hill"
    for (name, sourced_id, column), value in (changes or {}).items():
        row(files, name, sourced_id)[column] = value
    return make_bundle(files)


def upload(client, data: bytes, dry_run: bool = False):
    file = SimpleUploadedFile("oneroster.zip", data, "application/zip")
    fields = {"file": file}
    if dry_run:
        fields["dry_run"] = "on"
    return client.post(URL, fields)


def test_the_page_is_at_roster_import():
    assert reverse("roster:import_roster") == URL


@pytest.mark.parametrize("username", ["rivera", "okafor", "ana", "lopez"])
def test_only_a_school_leader_finds_the_page(client, cast, username):
    assert client.login(username=username, password=PASSWORD)
    assert client.get(URL).status_code == 404
    assert upload(client, maple_bundle()).status_code == 404
    assert not School.objects.exclude(pk=cast.school.pk).exists()


def test_a_leader_imports_and_reads_what_changed(client, cast):
    assert client.login(username="hill", password=PASSWORD)
    assert "Import the roster" in client.get(URL).content.decode()

    page = upload(client, maple_bundle())

    text = page.content.decode()
    assert page.status_code == 200
    assert '<h2 id="report-title">Imported</h2>' in text
    assert '<th scope="row">Students</th>\n            <td>4</td>' in text
    assert Student.objects.filter(source_id="st1", school=cast.school).exists()

    again = upload(client, maple_bundle()).content.decode()
    assert "Nothing changed" in again
    assert "coplanner already holds everything in this bundle." in again


def test_a_dry_run_shows_the_counts_and_writes_nothing(client, cast):
    assert client.login(username="hill", password=PASSWORD)
    text = upload(client, maple_bundle(), dry_run=True).content.decode()
    assert "Checked: nothing was written" in text
    assert not Student.objects.filter(source_id="st1").exists()


def test_bad_rows_are_listed_with_file_line_column_value_and_reason(client, cast):
    assert client.login(username="hill", password=PASSWORD)
    data = maple_bundle(
        {("users.csv", "st1", "grades"): "Year 1", ("users.csv", "t1", "role"): "boss"}
    )

    text = upload(client, data).content.decode()

    assert "Nothing was imported" in text
    assert "2 problems need fixing." in text
    assert "<td>users.csv</td><td>2</td><td>role</td><td>boss</td>" in text
    assert "<td>users.csv</td><td>8</td><td>grades</td><td>Year 1</td>" in text
    assert not Student.objects.filter(source_id__gt="").exists()
