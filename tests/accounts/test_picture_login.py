"""The class picture login: tiles, picture passwords, locks and unlocks."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from coplanner.accounts.models import LoginAttempt, StudentLogin
from coplanner.accounts.picture_login import (
    DEVICE_FAILURE_LIMIT,
    STUDENT_FAILURE_LIMIT,
    ensure_student_logins,
    get_class_login,
    record_picture_password,
)
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

ANA_PICTURES = ["sun", "tree", "boat"]
WRONG = ["moon", "moon", "moon"]


@pytest.fixture
def room1(cast):
    """Give Ana and Ben pictures and return Room 1's picture-login link token."""
    logins = ensure_student_logins(cast.room1)
    record_picture_password(logins[cast.ana.pk], ANA_PICTURES)
    record_picture_password(logins[cast.ben.pk], ["apple", "star", "heart"])
    return get_class_login(cast.room1).token


def tap(client, token, student, pictures, so_far=()):
    """Post the pictures one tap at a time, as the page without JavaScript does."""
    url = reverse("accounts:picture_password", args=[token, student.pk])
    tapped: list[str] = list(so_far)
    response = None
    for picture in pictures:
        response = client.post(url, {"so_far": " ".join(tapped), "picture": picture})
        tapped.append(picture)
    return response


class TestTiles:
    def test_the_class_page_shows_every_student_as_a_tile(self, client, cast, room1):
        response = client.get(reverse("accounts:picture_login", args=[room1]))
        assert response.status_code == 200
        html = response.content.decode()
        ana = reverse("accounts:picture_password", args=[room1, cast.ana.pk])
        assert f'href="{ana}"' in html
        assert "Ben" in html
        assert "Carla" not in html  # Room 2
        assert "López" not in html  # first names only on a shared screen

    def test_each_tile_has_its_own_avatar_and_a_read_aloud_label(
        self, client, cast, room1
    ):
        logins = StudentLogin.objects.filter(student__classroom=cast.room1)
        assert len({(login.animal, login.colour) for login in logins}) == 2
        html = client.get(reverse("accounts:picture_login", args=[room1])).content
        ana = StudentLogin.objects.get(student=cast.ana)
        words = f"Ana, the {ana.colour} {ana.animal}"
        assert f'data-say="{words}"'.encode() in html

    def test_a_wrong_class_link_is_not_found(self, client, cast, room1):
        assert client.get("/picture/not-the-token/").status_code == 404
        url = reverse("accounts:picture_password", args=["nope", cast.ana.pk])
        assert client.get(url).status_code == 404

    def test_a_student_of_another_class_is_not_found(self, client, cast, room1):
        url = reverse("accounts:picture_password", args=[room1, cast.carla.pk])
        assert client.get(url).status_code == 404

    def test_a_renewed_link_makes_the_old_one_not_found(self, client, cast, room1):
        client.login(username="rivera", password=PASSWORD)
        response = client.post(
            reverse("accounts:class_renew_link", args=[cast.room1.pk])
        )
        assert response.status_code == 302
        client.logout()
        assert client.get(f"/picture/{room1}/").status_code == 404
        new = get_class_login(cast.room1).token
        assert new != room1
        assert client.get(f"/picture/{new}/").status_code == 200

    def test_a_student_without_pictures_is_asked_to_see_the_teacher(
        self, client, cast, room1
    ):
        StudentLogin.objects.filter(student=cast.ben).update(picture_password="")
        html = client.get(f"/picture/{room1}/").content.decode()
        assert (
            reverse("accounts:picture_password", args=[room1, cast.ben.pk]) not in html
        )
        assert "Ask your teacher" in html


class TestPicturePassword:
    def test_the_right_pictures_sign_the_student_in_to_their_own_week(
        self, client, cast, room1
    ):
        response = tap(client, room1, cast.ana, ANA_PICTURES)
        assert response.status_code == 302
        week = client.get(response["Location"], follow=True)
        assert week.redirect_chain[-1][0] == reverse("student_week", args=[cast.ana.pk])
        assert client.session["_auth_user_id"] == str(cast.ana.user_id)

    def test_the_session_ends_with_the_browser(self, client, cast, room1):
        tap(client, room1, cast.ana, ANA_PICTURES)
        assert client.session.get_expire_at_browser_close()
        assert client.cookies["sessionid"]["max-age"] == ""

    def test_pictures_are_stored_only_as_a_hash(self, cast, room1):
        login = StudentLogin.objects.get(student=cast.ana)
        assert "sun" not in login.picture_password
        assert identify_hasher(login.picture_password)

    def test_wrong_pictures_are_refused_and_say_try_again(self, client, cast, room1):
        response = tap(client, room1, cast.ana, WRONG)
        assert response.status_code == 200
        assert "Try again" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert StudentLogin.objects.get(student=cast.ana).failed_attempts == 1

    def test_the_right_pictures_in_another_order_are_wrong(self, client, cast, room1):
        response = tap(client, room1, cast.ana, list(reversed(ANA_PICTURES)))
        assert "Try again" in response.content.decode()

    def test_the_first_taps_are_only_remembered(self, client, cast, room1):
        response = tap(client, room1, cast.ana, ANA_PICTURES[:2])
        html = response.content.decode()
        assert 'name="so_far" value="sun tree"' in html
        assert html.count('class="dot filled"') == 2
        assert not LoginAttempt.objects.exists()

    def test_another_student_cannot_use_anas_pictures(self, client, cast, room1):
        response = tap(client, room1, cast.ben, ANA_PICTURES)
        assert "Try again" in response.content.decode()

    def test_a_student_signing_in_signs_the_teacher_out(self, client, cast, room1):
        client.login(username="rivera", password=PASSWORD)
        notice = client.get(f"/picture/{room1}/").content.decode()
        assert "When a student logs in here" in notice
        tap(client, room1, cast.ana, ANA_PICTURES)
        assert client.session["_auth_user_id"] == str(cast.ana.user_id)


class TestLocks:
    def test_the_tile_locks_after_too_many_wrong_tries(self, client, cast, room1):
        for _try in range(STUDENT_FAILURE_LIMIT):
            response = tap(client, room1, cast.ana, WRONG)
        assert response.status_code == 403
        assert "Ask your teacher" in response.content.decode()
        # Even the right pictures do not open a locked tile.
        response = tap(client, room1, cast.ana, ANA_PICTURES)
        assert response.status_code == 403
        assert "_auth_user_id" not in client.session
        tiles = client.get(f"/picture/{room1}/").content.decode()
        assert (
            reverse("accounts:picture_password", args=[room1, cast.ana.pk]) not in tiles
        )
        assert "🔒" in tiles

    def test_the_lock_runs_out_by_itself(self, client, cast, room1):
        for _try in range(STUDENT_FAILURE_LIMIT):
            tap(client, room1, cast.ana, WRONG)
        StudentLogin.objects.filter(student=cast.ana).update(
            locked_until=timezone.now() - timedelta(seconds=1)
        )
        response = tap(client, room1, cast.ana, ANA_PICTURES)
        assert response.status_code == 302

    def test_the_teacher_unlocks_a_tile(self, client, cast, room1):
        for _try in range(STUDENT_FAILURE_LIMIT):
            tap(client, room1, cast.ana, WRONG)
        client.login(username="rivera", password=PASSWORD)
        page = client.get(reverse("accounts:class_pictures", args=[cast.room1.pk]))
        assert "Locked until" in page.content.decode()
        client.post(
            reverse("accounts:student_unlock", args=[cast.room1.pk, cast.ana.pk])
        )
        client.logout()
        response = tap(client, room1, cast.ana, ANA_PICTURES)
        assert response.status_code == 302

    def test_a_device_that_fails_too_often_must_rest(self, client, cast, room1):
        client.get(f"/picture/{room1}/")  # the device gets its cookie here
        assert client.cookies["coplanner_device"].value
        # Spread over both students so no single tile locks first.
        for index in range(DEVICE_FAILURE_LIMIT):
            student = cast.ana if index % 2 else cast.ben
            StudentLogin.objects.filter(student=student).update(failed_attempts=0)
            tap(client, room1, student, WRONG)
        response = client.get(f"/picture/{room1}/")
        assert response.status_code == 429
        assert "Ask your teacher" in response.content.decode()
        # The teacher's "unlock every tile" lets the tablet try again.
        client.login(username="rivera", password=PASSWORD)
        client.post(reverse("accounts:class_unlock", args=[cast.room1.pk]))
        client.logout()
        assert client.get(f"/picture/{room1}/").status_code == 200

    def test_failures_are_counted_by_network_address_too(self, cast, room1):
        login = StudentLogin.objects.get(student=cast.ana)
        assert LoginAttempt.objects.count() == 0
        from coplanner.accounts.picture_login import Device, try_picture_password

        try_picture_password(login, WRONG, Device("10.0.0.7", ""))
        attempt = LoginAttempt.objects.get()
        assert attempt.ip_address == "10.0.0.7"
        assert not attempt.succeeded


class TestTeacherPages:
    def test_the_class_page_links_to_the_picture_login_for_its_teacher(
        self, client, cast
    ):
        client.login(username="rivera", password=PASSWORD)
        page = client.get(reverse("classroom_detail", args=[cast.room1.pk]))
        assert (
            reverse("accounts:class_pictures", args=[cast.room1.pk])
            in page.content.decode()
        )
        pictures = client.get(reverse("accounts:class_pictures", args=[cast.room1.pk]))
        token = get_class_login(cast.room1).token
        assert f"/picture/{token}/" in pictures.content.decode()

    @pytest.mark.parametrize("username", ["chen", "ana", "lopez"])
    def test_nobody_else_reaches_the_class_pictures(self, client, cast, username):
        client.login(username=username, password=PASSWORD)
        for name, args in [
            ("accounts:class_pictures", [cast.room1.pk]),
            ("accounts:student_pictures", [cast.room1.pk, cast.ana.pk]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404
        response = client.post(reverse("accounts:class_badges", args=[cast.room1.pk]))
        assert response.status_code == 404

    def test_the_leader_and_the_coach_reach_them(self, client, cast):
        for username in ("hill", "okafor"):
            client.login(username=username, password=PASSWORD)
            url = reverse("accounts:class_pictures", args=[cast.room1.pk])
            assert client.get(url).status_code == 200

    def test_the_teacher_sets_pictures_and_sees_them_once_to_print(self, client, cast):
        client.login(username="rivera", password=PASSWORD)
        url = reverse("accounts:student_pictures", args=[cast.room1.pk, cast.ana.pk])
        response = client.post(
            url, {"picture1": "house", "picture2": "flower", "picture3": "moon"}
        )
        html = response.content.decode()
        assert "print them now" in html
        assert re.search(r"house.*flower.*moon", html, re.S)
        client.logout()
        token = get_class_login(cast.room1).token
        assert (
            tap(client, token, cast.ana, ["house", "flower", "moon"]).status_code == 302
        )

    def test_a_picture_that_is_not_offered_is_refused(self, client, cast, room1):
        client.login(username="rivera", password=PASSWORD)
        url = reverse("accounts:student_pictures", args=[cast.room1.pk, cast.ana.pk])
        before = StudentLogin.objects.get(student=cast.ana).picture_password
        response = client.post(
            url, {"picture1": "house", "picture2": "dragon", "picture3": "moon"}
        )
        assert response.status_code == 400
        assert "“dragon” is not one" in response.content.decode()
        assert StudentLogin.objects.get(student=cast.ana).picture_password == before

    def test_every_student_gets_new_pictures_at_once(self, client, cast):
        client.login(username="rivera", password=PASSWORD)
        response = client.post(
            reverse("accounts:class_new_pictures", args=[cast.room1.pk])
        )
        html = response.content.decode()
        assert html.count('class="password-card"') == 2
        assert all(
            login.has_picture_password
            for login in StudentLogin.objects.filter(student__classroom=cast.room1)
        )


class TestSignOut:
    def test_signing_out_on_the_tablet_leads_back_to_the_tiles(
        self, client, cast, room1
    ):
        tap(client, room1, cast.ana, ANA_PICTURES)
        week = client.get(reverse("student_week", args=[cast.ana.pk]))
        assert f'name="next" value="/picture/{room1}/"' in week.content.decode()
        response = client.post(reverse("logout"), {"next": f"/picture/{room1}/"})
        assert response["Location"] == f"/picture/{room1}/"

    def test_an_idle_tablet_session_ends(self, client, cast, room1):
        tap(client, room1, cast.ana, ANA_PICTURES)
        session = client.session
        session["coplanner_last_seen"] = 0
        session.save()
        response = client.get(reverse("student_week", args=[cast.ana.pk]))
        assert response["Location"] == f"/picture/{room1}/"
        assert "_auth_user_id" not in client.session
