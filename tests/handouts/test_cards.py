"""The schedule card: one page per student, readable without reading."""

import pytest
from django.urls import reverse

from tests.cast import PASSWORD
from tests.handouts.helpers import add_voice, make_plan, pdf_pages_ink, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(cast):
    for student in (cast.ana, cast.ben, cast.carla):
        make_plan(student)
    add_voice(cast.ana, "Count to 20 by myself", idea="Read with a buddy")
    return cast


def test_class_cards_have_a_page_per_student_with_names_goal_and_ideas(
    client, planned, tmp_path
):
    assert client.login(username="rivera", password=PASSWORD)
    response = client.get(reverse("handouts:class_cards", args=[planned.room1.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"

    inks = pdf_pages_ink(response.content, tmp_path)
    assert len(inks) == 2 and all(ink > 20 for ink in inks)
    text = pdf_text(response.content, tmp_path)
    assert "Ana López" in text and "Ben Adeyemi" in text
    assert "Carla" not in text
    assert "Count to 20 by myself" in text
    assert "My ideas in this plan: Read with a buddy" in text
    assert "Counting bears" in text and "With a buddy" in text
    assert "09:00" in text and "Monday" in text


def test_one_card_prints_a_name_beyond_latin_1(client, planned, tmp_path):
    assert client.login(username="chen", password=PASSWORD)
    response = client.get(reverse("handouts:student_card", args=[planned.carla.pk]))
    text = pdf_text(response.content, tmp_path)
    assert "Carla Nguyễn" in text
    # No goal and no request: neither line is printed.
    assert "My goal" not in text and "My ideas" not in text
    assert len(pdf_pages_ink(response.content, tmp_path)) == 1


def test_a_family_gets_the_card_in_their_language(client, planned, tmp_path):
    assert client.login(username="lopez", password=PASSWORD)
    response = client.get(reverse("handouts:student_card", args=[planned.ana.pk]))
    text = pdf_text(response.content, tmp_path)
    assert "Mi meta:" in text and "lunes" in text and "Semana del" in text
    assert "Mis ideas en este plan:" in text


def test_a_family_cannot_print_another_child(client, planned):
    assert client.login(username="lopez", password=PASSWORD)
    url = reverse("handouts:student_card", args=[planned.ben.pk])
    assert client.get(url).status_code == 404
    url = reverse("handouts:class_cards", args=[planned.room1.pk])
    assert client.get(url).status_code == 404


def test_a_student_without_a_plan_still_gets_a_page(client, cast, tmp_path):
    assert client.login(username="rivera", password=PASSWORD)
    response = client.get(reverse("handouts:student_card", args=[cast.ben.pk]))
    assert "No plan yet." in pdf_text(response.content, tmp_path)
