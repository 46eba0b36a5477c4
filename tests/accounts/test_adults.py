"""Adults' sign-in: Argon2, lockout after wrong passwords, the leader's resets."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse

from coplanner.accounts.models import AccountState
from coplanner.settings import base
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **extra
    )


class TestHashing:
    def test_the_base_settings_hash_new_passwords_with_argon2(self):
        assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
        with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
            assert make_password("maple-leaf-42").startswith("argon2$argon2id$")

    def test_sessions_last_a_school_day_for_adults(self):
        assert base.SESSION_COOKIE_AGE == 8 * 60 * 60


class TestLockout:
    def test_five_wrong_passwords_pause_the_login_with_what_to_do(self, client, cast):
        for _try in range(base.AXES_FAILURE_LIMIT - 1):
            response = sign_in(client, "rivera", "wrong-password")
            assert response.status_code == 200
        response = sign_in(client, "rivera", "wrong-password")
        assert response.status_code == 429
        html = response.content.decode()
        assert "Wait 15 minutes" in html
        assert "ask your school leader" in html
        # Even the right password is refused while the pause lasts.
        assert sign_in(client, "rivera").status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_lockout_is_by_username_and_address(self, client, cast):
        for _try in range(base.AXES_FAILURE_LIMIT):
            sign_in(client, "rivera", "wrong-password")
        # Another person on the same network still logs in.
        assert sign_in(client, "chen").status_code == 302
        client.logout()
        # Rivera from another address is not locked out.
        response = sign_in(client, "rivera", REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 302

    def test_existing_test_logins_still_work_with_axes(self, client, cast):
        assert client.login(username="rivera", password=PASSWORD)
        client.logout()
        assert not client.login(username="rivera", password="wrong")


class TestLeaderResets:
    def test_the_leader_lists_the_schools_adults_only(self, client, cast):
        outsider = User.objects.create_user("stranger", password=PASSWORD)
        client.login(username="hill", password=PASSWORD)
        html = client.get(reverse("accounts:people")).content.decode()
        for name in ("Lucía Rivera", "Emeka Okafor", "Wei Chen", "María López"):
            assert name in html
        assert "stranger" not in html
        assert ">ana<" not in html  # students are their teachers' business
        url = reverse("accounts:person_password", args=[outsider.pk])
        assert client.post(url).status_code == 404
        student = reverse("accounts:person_password", args=[cast.ana.user_id])
        assert client.post(student).status_code == 404

    @pytest.mark.parametrize("username", ["rivera", "okafor", "lopez", "ana"])
    def test_nobody_but_the_leader_reaches_the_people_page(
        self, client, cast, username
    ):
        client.login(username=username, password=PASSWORD)
        assert client.get(reverse("accounts:people")).status_code == 404
        url = reverse("accounts:person_password", args=[cast.chen.user_id])
        assert client.post(url).status_code == 404

    def test_a_temporary_password_must_be_replaced_at_the_next_login(
        self, client, cast
    ):
        client.login(username="hill", password=PASSWORD)
        url = reverse("accounts:person_password", args=[cast.rivera.user_id])
        ask = client.get(url).content.decode()
        assert "stops working at once" in ask
        assert sign_in(client, "rivera").status_code == 302  # asking changes nothing
        client.logout()
        client.login(username="hill", password=PASSWORD)
        response = client.post(url)
        html = response.content.decode()
        temporary = html.split('class="temporary-password">')[1].split("<")[0]
        assert len(temporary) == 14
        assert AccountState.objects.get(
            user_id=cast.rivera.user_id
        ).must_change_password
        client.logout()

        # The old password no longer works; the temporary one does, once.
        assert sign_in(client, "rivera").status_code == 200
        assert sign_in(client, "rivera", temporary).status_code == 302
        page = client.get(reverse("classroom_list"))
        assert page["Location"] == reverse("accounts:password_change")
        response = client.post(
            reverse("accounts:password_change"),
            {"new_password1": "a-new-maple-tree", "new_password2": "a-new-maple-tree"},
        )
        assert response.status_code == 302
        assert client.get(reverse("classroom_list")).status_code == 200
        assert not AccountState.objects.get(
            user_id=cast.rivera.user_id
        ).must_change_password
        client.logout()
        assert sign_in(client, "rivera", "a-new-maple-tree").status_code == 302

    def test_the_leader_lifts_a_lockout(self, client, cast):
        for _try in range(base.AXES_FAILURE_LIMIT):
            sign_in(client, "chen", "wrong-password")
        assert sign_in(client, "chen").status_code == 429
        client.login(username="hill", password=PASSWORD)
        page = client.get(reverse("accounts:people")).content.decode()
        assert "Locked out" in page
        client.post(reverse("accounts:person_unlock", args=[cast.chen.user_id]))
        client.logout()
        assert sign_in(client, "chen").status_code == 302


class TestStudentSessions:
    def test_a_student_password_session_is_shorter_than_an_adults(self, client, cast):
        from coplanner.accounts.sessions import STUDENT_SESSION_SECONDS

        sign_in(client, "ana")
        assert client.session.get_expiry_age() == STUDENT_SESSION_SECONDS
        client.logout()
        sign_in(client, "rivera")
        assert client.session.get_expiry_age() == base.SESSION_COOKIE_AGE
