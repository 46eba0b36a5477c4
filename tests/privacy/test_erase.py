"""A leader exports one student's data, or erases it for good."""

import io
import json
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from coplanner.audit.models import AuditEntry
from coplanner.roster.models import Guardian, Student
from coplanner.voice.actions import record_goal
from tests.cast import PASSWORD
from tests.privacy.helpers import live_a_week

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def lived(cast):
    live_a_week(cast)
    return cast


def log_in(client, username):
    assert client.login(username=username, password=PASSWORD)


def rows_holding(student_id: int, user_id: int, words: list[str]) -> list[str]:
    """Scan every table for the student's keys and words; return what is found.

    Keys are looked for in every column pointing to a student or a user;
    words (whole words, any case) in every text and JSON column. The audit
    log is checked on its own: it keeps ids by design.
    """
    found = []
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.I)
    for model in apps.get_models(include_auto_created=True):
        if model is AuditEntry:
            continue
        for column in model._meta.concrete_fields:
            name = f"{model._meta.label_lower}.{column.attname}"
            if isinstance(column, models.ForeignKey):
                target = column.related_model
                key = {Student: student_id, User: user_id}.get(target)
                if (
                    key is not None
                    and model._base_manager.filter(**{column.attname: key}).exists()
                ):
                    found.append(f"{name} = {key}")
            elif isinstance(
                column, models.CharField | models.TextField | models.JSONField
            ):
                for value in model._base_manager.values_list(column.attname, flat=True):
                    text = (
                        json.dumps(value, ensure_ascii=False)
                        if not isinstance(value, str)
                        else value
                    )
                    if text and pattern.search(text):
                        found.append(f"{name}: {text[:80]}")
        if model is Student and model._base_manager.filter(pk=student_id).exists():
            found.append(f"roster.student row {student_id}")
        if model is User and model._base_manager.filter(pk=user_id).exists():
            found.append(f"auth.user row {user_id}")
    return found


class TestErase:
    def test_after_erasing_no_table_holds_the_student(self, lived, client):
        cast = lived
        ana = cast.ana
        words = ["Ana", "Ana López", "whales", "Count to a hundred", "When it is quiet"]
        assert rows_holding(ana.pk, ana.user_id, words)  # the scan finds her before

        log_in(client, "hill")
        response = client.post(
            reverse("privacy:erase", args=[ana.pk]), {"confirm_name": " ana lópez "}
        )
        assert response.status_code == 302

        assert rows_holding(ana.pk, ana.user_id, words) == []
        assert not Guardian.objects.get(pk=cast.lopez.pk).children.exists()
        # Classmates and the family keep what is theirs.
        assert Student.objects.filter(pk=cast.ben.pk).exists()
        assert User.objects.filter(username="lopez").exists()
        # The audit log keeps every entry about her, with ids only, marked erased.
        entries = AuditEntry.objects.filter(student_id=ana.pk)
        assert entries.count() >= 5 and not entries.filter(erased=False).exists()
        assert entries.filter(action="privacy.student_erased").exists()
        text = json.dumps(
            list(entries.values_list("changes", flat=True)), ensure_ascii=False
        )
        assert "Ana" not in text and "whales" not in text

    def test_a_wrong_name_erases_nothing(self, lived, client):
        log_in(client, "hill")
        response = client.post(
            reverse("privacy:erase", args=[lived.ana.pk]),
            {"confirm_name": "Ben Adeyemi"},
            follow=True,
        )
        assert "does not match, so nothing was erased" in response.content.decode()
        assert Student.objects.filter(pk=lived.ana.pk).exists()
        assert not AuditEntry.objects.filter(action="privacy.student_erased").exists()

    def test_the_page_says_what_goes_and_is_for_the_leader_only(self, lived, client):
        url = reverse("privacy:student", args=[lived.ana.pk])
        for username in ["rivera", "okafor", "ana", "lopez"]:
            log_in(client, username)
            assert client.get(url).status_code == 404
            assert (
                client.post(
                    reverse("privacy:erase", args=[lived.ana.pk]),
                    {"confirm_name": "Ana López"},
                ).status_code
                == 404
            )
            client.logout()
        log_in(client, "hill")
        page = client.get(url).content.decode()
        assert "This cannot be undone" in page
        assert "full name: Ana López" in page
        assert "Preferences" in page or "preferences" in page
        assert Student.objects.filter(pk=lived.ana.pk).exists()

    def test_the_command_erases_with_yes(self, lived, capsys):
        ben = lived.ben
        call_command("erase-student", str(ben.pk), "--yes")
        assert "Erased student" in capsys.readouterr().out
        assert rows_holding(ben.pk, ben.user_id, ["Ben", "Adeyemi"]) == []


class TestExport:
    def test_the_export_holds_everything_and_is_spreadsheet_safe(self, lived, client):
        cast = lived
        record_goal(cast.ana, '=HYPERLINK("http://x","win")', None)
        log_in(client, "hill")
        response = client.post(reverse("privacy:export", args=[cast.ana.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert "Ana" not in response["Content-Disposition"]
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        data = json.loads(archive.read("student.json"))
        held = {table["model"]: table["rows"] for table in data["held"]}
        assert held["roster.student"][0]["first_name"] == "Ana"
        assert {row["reason_text"] for row in held["voice.preference"]} >= {
            "I read about whales"
        }
        assert (
            held["planning.slot"]
            and held["mastery.evidence"]
            and held["voice.reflection"]
        )
        assert held["roster.guardian_children"]
        assert "password" not in json.dumps(data)
        assert data["audit"]
        goals = archive.read("voice.goal.csv").decode("utf-8-sig")
        assert "'=HYPERLINK" in goals and "\n=HYPERLINK" not in goals
        assert "audit.csv" in archive.namelist()
        assert AuditEntry.objects.filter(
            action="privacy.student_exported",
            student_id=cast.ana.pk,
            user_id=cast.hill.user_id,
        ).exists()

    def test_the_command_writes_the_zip(self, lived, tmp_path):
        path = tmp_path / "ana.zip"
        call_command("export-student", str(lived.ana.pk), "-o", str(path))
        names = zipfile.ZipFile(path).namelist()
        assert "student.json" in names and "voice.preference.csv" in names
