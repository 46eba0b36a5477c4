"""A school's backup restores every row as it was, keys and all.

The same tests run on SQLite and, through ``scripts/with-postgres``, on
PostgreSQL.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from coplanner.audit.models import AuditEntry
from coplanner.planning.models import PlanVersion, Slot
from coplanner.privacy.backup import BackupError, read_backup, restore_backup
from coplanner.privacy.erase import erase_school
from coplanner.privacy.rows import data_models
from coplanner.roster.models import School, Student
from tests.cast import PASSWORD
from tests.privacy.helpers import assert_same_rows, dump_database, live_a_week

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def lived(cast):
    live_a_week(cast)
    return cast


def last_audit_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


class TestRoundTrip:
    def test_a_school_erased_and_restored_has_every_row_back(self, lived, tmp_path):
        cast = lived
        before = dump_database()
        mark = last_audit_pk()
        path = tmp_path / "maple.json.gz"
        call_command("backup", "--school", "maple", "-o", str(path))

        erase_school(cast.school)
        assert not School.objects.exists()
        assert not Student.objects.exists() and not PlanVersion.objects.exists()
        assert not User.objects.filter(username__in=["ana", "rivera", "lopez"]).exists()
        assert AuditEntry.objects.filter(school_id=cast.school.pk).exists()  # kept

        call_command("restore", str(path))
        assert_same_rows(before, dump_database(skip_audit_after=mark))
        # The accounts work again with the very same password hashes.
        assert User.objects.get(username="ana").check_password(PASSWORD)
        assert AuditEntry.objects.filter(action="privacy.school_restored").count() == 1

    def test_a_backup_restores_into_an_empty_database(self, lived, tmp_path):
        before = dump_database()
        mark = last_audit_pk()
        path = tmp_path / "maple.json"
        call_command("backup", "--school", "maple", "-o", str(path))
        data = read_backup(path)
        for model in reversed(data_models()):
            model._base_manager.all().delete()
        assert not Slot.objects.exists() and not User.objects.exists()

        restore_backup(data)
        assert_same_rows(before, dump_database(skip_audit_after=mark))
        # New rows after a restore get new keys, not the restored ones.
        student = Student.objects.create(
            school=School.objects.get(),
            code="dan",
            first_name="Dan",
            last_name="Ito",
            grade=0,
        )
        assert student.pk > max(
            Student.objects.exclude(pk=student.pk).values_list("pk", flat=True)
        )

    def test_the_backup_holds_password_hashes_and_every_kind_of_row(
        self, lived, tmp_path
    ):
        path = tmp_path / "maple.json"
        call_command("backup", "--school", "maple", "-o", str(path))
        data = json.loads(path.read_text())
        tables = {table["model"]: table for table in data["tables"]}
        for name in [
            "roster.student",
            "roster.guardian_children",
            "roster.classroom_teachers",
            "auth.user_groups",
            "planning.slot",
            "planning.request",
            "mastery.evidence",
            "mastery.masteryestimate",
            "mastery.bandoverride",
            "voice.preference",
            "voice.reflectionrating",
            "handouts.calendarfeed",
            "audit.auditentry",
        ]:
            assert tables.get(name, {}).get("rows"), (
                f"{name} is missing from the backup"
            )
        users = tables["auth.user"]
        password = users["columns"].index("password")
        assert all(row[password].startswith("md5$") for row in users["rows"])


class TestOtherSchools:
    def test_another_schools_rows_stay_out_of_the_backup(self, lived, tmp_path):
        other = School.objects.create(name="Oak Primary", slug="oak")
        zoe = Student.objects.create(
            school=other, code="zoe", first_name="Zoe", last_name="Okoro", grade=1
        )
        lived.lopez.children.add(zoe)  # a family with a child in each school
        path = tmp_path / "maple.json"
        call_command("backup", "--school", "maple", "-o", str(path))
        tables = {t["model"]: t for t in read_backup(path)["tables"]}
        assert [row[0] for row in tables["roster.school"]["rows"]] == [lived.school.pk]
        assert zoe.pk not in [row[0] for row in tables["roster.student"]["rows"]]
        links = tables["roster.guardian_children"]
        student = links["columns"].index("student_id")
        assert {row[student] for row in links["rows"]} == {lived.ana.pk}


class TestRefusals:
    def test_a_restore_over_the_living_school_changes_nothing(self, lived, tmp_path):
        path = tmp_path / "maple.json"
        call_command("backup", "--school", "maple", "-o", str(path))
        # Someone renames a student after the backup: the keys now hold other rows.
        Student.objects.filter(pk=lived.ben.pk).update(first_name="Benjamin")
        before = dump_database()
        with pytest.raises(CommandError, match="roster.student .*keys"):
            call_command("restore", str(path))
        assert dump_database() == before

    def test_a_file_that_is_not_a_backup_is_named(self, db, tmp_path):
        path = tmp_path / "notes.json"
        path.write_text('{"hello": 1}')
        with pytest.raises(BackupError, match="not a coplanner backup"):
            read_backup(path)
        path.write_text("not json at all")
        with pytest.raises(CommandError, match="not JSON"):
            call_command("restore", str(path))

    def test_an_unknown_school_is_named(self, cast, tmp_path):
        with pytest.raises(
            CommandError, match="No school is called 'elm'. Schools: maple"
        ):
            call_command("backup", "--school", "elm", "-o", str(tmp_path / "x.json"))
