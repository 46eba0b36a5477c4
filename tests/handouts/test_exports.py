"""CSV exports: scoped by access.py, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from coplanner.handouts.exports import neutralise
from tests.cast import PASSWORD
from tests.handouts.helpers import add_small_group, make_plan

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ana", "Ana"),
        (-0.5, -0.5),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_plans_export_neutralises_formulas_and_keeps_to_the_class(client, cast):
    cast.ben.first_name = "=cmd"
    cast.ben.save()
    for student in (cast.ana, cast.ben, cast.carla):
        make_plan(student)
    assert client.login(username="rivera", password=PASSWORD)
    url = reverse("handouts:class_export", args=[cast.room1.pk, "plans"])
    plans = rows(client.get(url))
    assert len(plans) == 30
    names = {row["student_name"] for row in plans}
    assert names == {"Ana López", "'=cmd Adeyemi"}
    assert {row["variant"] for row in plans} == {"", "With a buddy"}

    other = reverse("handouts:class_export", args=[cast.room2.pk, "plans"])
    assert client.get(other).status_code == 404


def test_school_export_gives_each_person_their_own_students(client, cast):
    add_small_group(cast)
    assert client.login(username="rivera", password=PASSWORD)
    url = reverse("handouts:school_export", args=[cast.school.pk, "mastery"])
    mastery = rows(client.get(url))
    assert {row["student_code"] for row in mastery} == {"ana", "ben"}
    assert {row["probability"] for row in mastery} == {"0.3", "0.9"}
    client.logout()

    make_plan(cast.carla)
    assert client.login(username="hill", password=PASSWORD)
    url = reverse("handouts:school_export", args=[cast.school.pk, "plans"])
    assert {row["student_code"] for row in rows(client.get(url))} == {"carla"}


def test_families_and_students_get_no_export(client, cast):
    for username in ("lopez", "ana"):
        assert client.login(username=username, password=PASSWORD)
        for url in (
            reverse("handouts:class_export", args=[cast.room1.pk, "plans"]),
            reverse("handouts:school_export", args=[cast.school.pk, "mastery"]),
        ):
            assert client.get(url).status_code == 404
        client.logout()
