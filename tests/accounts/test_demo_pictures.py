"""The demo school's picture login: every student can try it at once."""

import io
import re

import pytest

from coplanner.accounts.models import StudentLogin
from coplanner.accounts.picture_login import DEMO_PICTURES
from coplanner.demo.management.commands.demo import Command

pytestmark = pytest.mark.django_db


def test_the_demo_prints_each_class_link_and_the_pictures(client, cast):
    out = io.StringIO()
    Command(stdout=out)._print_picture_logins(cast.school)
    text = out.getvalue()
    assert "sun, tree, boat" in text
    links = dict(re.findall(r"^  (Room \d)\s+(/picture/\S+/)$", text, re.M))
    assert set(links) == {"Room 1", "Room 2"}
    assert StudentLogin.objects.filter(picture_password="").count() == 0

    # A visitor follows the printed link and taps the printed pictures.
    assert client.get(links["Room 2"]).status_code == 200
    url = f"{links['Room 2']}{cast.carla.pk}/"
    tapped: list[str] = []
    for picture in DEMO_PICTURES:
        response = client.post(url, {"so_far": " ".join(tapped), "picture": picture})
        tapped.append(picture)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.carla.user_id)


def test_loading_the_demo_pictures_twice_changes_nothing_a_visitor_sees(cast):
    from coplanner.accounts.picture_login import record_demo_picture_logins

    first = record_demo_picture_logins([cast.room1])
    avatars = list(StudentLogin.objects.values_list("animal", "colour"))
    second = record_demo_picture_logins([cast.room1])
    assert first == second
    assert list(StudentLogin.objects.values_list("animal", "colour")) == avatars
