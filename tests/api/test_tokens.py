"""Integration tokens: stored hashed, shown once, revocable, scoped to one school."""

import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from coplanner.api.models import IntegrationToken
from coplanner.api.tokens import hash_secret, record_token
from coplanner.roster.models import School
from tests.api.helpers import ApiClient, make_token
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def _logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


class TestStorage:
    def test_only_a_hash_of_the_secret_is_stored(self, cast):
        created = record_token(cast.school, "  Math   app ", None)
        token = IntegrationToken.objects.get()
        assert token.name == "Math app"
        assert token.secret_hash == hash_secret(created.secret)
        assert created.secret not in {token.secret_hash, token.prefix, token.name}
        assert created.secret.startswith(token.prefix)
        assert len(created.secret) > 40

    def test_two_tokens_never_share_a_secret(self, cast):
        assert make_token(cast.school) != make_token(cast.school)


class TestAuthentication:
    def test_missing_header_is_a_401_problem(self, cast):
        response = Client().get("/api/v1/students")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "not_authenticated"
        assert body["status"] == 401
        assert body["type"] == "urn:coplanner:problem:not_authenticated"
        assert "Authorization: Bearer" in body["detail"]
        assert response["WWW-Authenticate"] == 'Bearer realm="coplanner"'

    def test_unknown_token_is_refused(self, cast):
        response = ApiClient("cpl_not-a-real-token").get("/students")
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"

    def test_revoked_token_is_refused_with_its_own_code(self, cast):
        created = record_token(cast.school, "Math app", None)
        api = ApiClient(created.secret)
        assert api.get("/students").status_code == 200
        created.token.revoked_at = created.token.created_at
        created.token.save()
        response = api.get("/students")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "token_revoked"

    def test_use_is_recorded(self, cast):
        created = record_token(cast.school, "Math app", None)
        assert created.token.last_used_at is None
        ApiClient(created.secret).get("/school")
        created.token.refresh_from_db()
        assert created.token.last_used_at is not None

    def test_the_token_and_names_never_reach_the_log(self, cast, caplog):
        caplog.set_level(logging.DEBUG)
        created = record_token(cast.school, "Secret Sauce App", None)
        api = ApiClient(created.secret)
        api.get("/students")
        api.get("/students/999999")
        ApiClient(created.secret + "x").get("/students")
        api.post(
            "/evidence",
            {
                "rows": [
                    {
                        "student": "ana",
                        "skill": "math.k.count20",
                        "correct": True,
                        "observed_at": "2024-09-03T10:00:00Z",
                    }
                ]
            },
        )
        logged = caplog.text
        assert created.secret not in logged
        assert created.secret[len(created.token.prefix) :] not in logged
        for name in ("Secret Sauce App", "Ana", "López", "Maple Elementary"):
            assert name not in logged

    def test_a_token_sees_only_its_own_school(self, cast):
        other = School.objects.create(name="Oak Middle", slug="oak")
        api = ApiClient(make_token(other))
        assert api.get("/students").json()["count"] == 0
        response = api.get(f"/students/{cast.ana.pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert api.get(f"/classrooms/{cast.room1.pk}").status_code == 404
        assert api.get("/mastery", student=cast.ana.pk).status_code == 404
        assert api.get(f"/students/{cast.ana.pk}/plan").status_code == 404


class TestLeaderPage:
    def test_leader_creates_a_token_and_sees_the_secret_once(self, cast):
        client = _logged_in("hill")
        response = client.post("/integrations/tokens/", {"name": "Math app"})
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        token = IntegrationToken.objects.get()
        secret = response.context["created"].secret
        assert hash_secret(secret) == token.secret_hash
        assert secret in response.content.decode()
        assert token.created_by == cast.hill.user

        listing = client.get("/integrations/tokens/").content.decode()
        assert "Math app" in listing
        assert token.prefix in listing
        assert secret not in listing

    def test_leader_revokes_a_token_and_it_stops_working(self, cast):
        created = record_token(cast.school, "Math app", None)
        client = _logged_in("hill")
        response = client.post(
            f"/integrations/tokens/{created.token.pk}/revoke/", follow=True
        )
        assert "is revoked" in response.content.decode()
        created.token.refresh_from_db()
        assert created.token.revoked_at is not None
        assert ApiClient(created.secret).get("/school").json()["code"] == (
            "token_revoked"
        )

    def test_an_empty_name_is_refused_and_nothing_created(self, cast):
        response = _logged_in("hill").post("/integrations/tokens/", {"name": "  "})
        assert response.status_code == 422
        assert "Give the token a name" in response.content.decode()
        assert not IntegrationToken.objects.exists()

    @pytest.mark.parametrize("username", ["rivera", "okafor", "ana", "lopez"])
    def test_only_the_leader_finds_the_page(self, cast, username):
        client = _logged_in(username)
        assert client.get("/integrations/tokens/").status_code == 404
        created = record_token(cast.school, "Math app", None)
        revoke = client.post(f"/integrations/tokens/{created.token.pk}/revoke/")
        assert revoke.status_code == 404
        created.token.refresh_from_db()
        assert created.token.revoked_at is None

    def test_another_schools_token_cannot_be_revoked(self, cast):
        other = School.objects.create(name="Oak Middle", slug="oak")
        created = record_token(other, "Math app", None)
        response = _logged_in("hill").post(
            f"/integrations/tokens/{created.token.pk}/revoke/"
        )
        assert response.status_code == 404


class TestCommand:
    def test_create_token_prints_a_working_secret(self, cast, capsys):
        call_command("create-token", "--school", "maple", "--name", "SIS sync")
        out, err = capsys.readouterr()
        secret = out.strip()
        assert "shown only this once" in err
        assert secret not in err
        token = IntegrationToken.objects.get()
        assert token.name == "SIS sync"
        assert ApiClient(secret).get("/school").json()["slug"] == "maple"

    def test_unknown_school_names_the_known_ones(self, cast):
        with pytest.raises(CommandError, match="Known schools: maple"):
            call_command("create-token", "--school", "nope", "--name", "SIS")
        assert not IntegrationToken.objects.exists()


class TestCsrf:
    def test_api_writes_need_no_csrf_token_but_the_leader_page_does(self, cast):
        client = Client(enforce_csrf_checks=True)
        created = record_token(cast.school, "Math app", None)
        response = client.post(
            "/api/v1/evidence",
            {
                "rows": [
                    {
                        "student": "ana",
                        "skill": "math.k.count20",
                        "correct": True,
                        "observed_at": "2024-09-03T10:00:00Z",
                    }
                ]
            },
            content_type="application/json",
            headers={"Authorization": f"Bearer {created.secret}"},
        )
        assert response.status_code == 200
        client.login(username="hill", password=PASSWORD)
        assert client.post("/integrations/tokens/", {"name": "x"}).status_code == 403
        assert IntegrationToken.objects.count() == 1
