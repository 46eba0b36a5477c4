"""Printable QR badges: one card per student, a signed login link, revocable."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from coplanner.accounts.badges import build_qr_widget
from coplanner.accounts.models import StudentLogin
from coplanner.accounts.picture_login import build_badge_token
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def badges_pdf(client, cast, tmp_path) -> Path:
    client.login(username="rivera", password=PASSWORD)
    response = client.post(reverse("accounts:class_badges", args=[cast.room1.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    client.logout()
    path = tmp_path / "badges.pdf"
    path.write_bytes(response.content)
    return path


def badge_url(student) -> str:
    login = StudentLogin.objects.get(student=student)
    return reverse("accounts:badge_login", args=[build_badge_token(login)])


def test_the_pdf_has_one_card_per_student_with_their_first_name(badges_pdf):
    text = subprocess.run(
        ["pdftotext", "-layout", str(badges_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert text.count("Scan me to log in") == 2
    assert "Ana" in text and "Ben" in text
    assert "Carla" not in text
    assert "López" not in text
    assert "Room 1 · printed" in text


def test_the_pdf_renders_to_a_page_image(badges_pdf, tmp_path):
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(badges_pdf), str(tmp_path / "page")],
        check=True,
    )
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_each_qr_code_holds_its_students_working_login_url(client, cast, monkeypatch):
    # No QR decoder is installed here, so record what each drawn QR widget
    # encodes (the widget still draws), then follow those URLs.
    from coplanner.accounts import badges

    encoded: list[str] = []
    real = badges.build_qr_widget

    def recording(url: str):
        widget = real(url)
        encoded.append(widget.value)
        return widget

    monkeypatch.setattr(badges, "build_qr_widget", recording)
    client.login(username="rivera", password=PASSWORD)
    client.post(reverse("accounts:class_badges", args=[cast.room1.pk]))
    client.logout()
    assert encoded == [
        "http://testserver" + badge_url(cast.ana),
        "http://testserver" + badge_url(cast.ben),
    ]
    response = client.post(encoded[1].removeprefix("http://testserver"))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.ben.user_id)


def test_the_qr_widget_carries_the_url_unchanged():
    url = "https://school.example/badge/12.3:abc/"
    assert build_qr_widget(url).value == url


def test_scanning_a_badge_signs_the_student_in_after_one_tap(client, cast, badges_pdf):
    url = badge_url(cast.ana)
    page = client.get(url)
    assert page.status_code == 200
    assert "Are you Ana?" in page.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post(url)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.ana.user_id)
    assert client.session.get_expire_at_browser_close()


def test_printing_again_makes_the_old_badges_stop_working(client, cast, badges_pdf):
    old = badge_url(cast.ana)
    client.login(username="chen", password=PASSWORD)  # not Room 1's teacher
    assert (
        client.post(reverse("accounts:class_badges", args=[cast.room1.pk])).status_code
        == 404
    )
    assert client.get(old).status_code == 200  # nothing was reprinted
    client.login(username="okafor", password=PASSWORD)
    client.post(reverse("accounts:class_badges", args=[cast.room1.pk]))
    client.logout()
    response = client.get(old)
    assert response.status_code == 404
    assert "Ask your teacher" in response.content.decode()
    assert client.post(old).status_code == 404
    assert client.get(badge_url(cast.ana)).status_code == 200


def test_a_forged_badge_is_refused_and_counted(client, cast, badges_pdf):
    token = build_badge_token(StudentLogin.objects.get(student=cast.ana))
    student_part, signature = token.split(":")
    forged = f"{cast.ben.pk}.1:{signature}"
    assert client.get(reverse("accounts:badge_login", args=[forged])).status_code == 404
    from coplanner.accounts.models import LoginAttempt

    assert LoginAttempt.objects.filter(kind="badge", succeeded=False).count() == 1


def test_too_many_bad_badges_make_the_device_rest(client, cast, badges_pdf):
    from coplanner.accounts.picture_login import DEVICE_FAILURE_LIMIT

    client.cookies["coplanner_device"] = "tablet-1"
    for index in range(DEVICE_FAILURE_LIMIT):
        client.get(reverse("accounts:badge_login", args=[f"bad{index}"]))
    response = client.get(badge_url(cast.ana))
    assert response.status_code == 429
