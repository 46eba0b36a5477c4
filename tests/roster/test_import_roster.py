"""OneRoster import: people and classes in, every bad row reported, all or nothing."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from coplanner.roster.importing import record_roster_import
from coplanner.roster.models import (
    Classroom,
    District,
    Guardian,
    School,
    Staff,
    StaffRole,
    Student,
)
from tests.roster.bundles import cedar, make_bundle, row

pytestmark = pytest.mark.django_db


def counts(result) -> dict[str, tuple[int, int, int]]:
    return {
        kind: (count.created, count.updated, count.removed)
        for kind, count in result.count_rows()
    }


def problems(result) -> list[tuple[str, int, str, str]]:
    return [(p.file, p.line, p.column, p.value) for p in result.problems]


def snapshot() -> dict[str, list]:
    """Return everything an import writes, to compare before and after."""
    return {
        "districts": list(District.objects.values_list("name", "slug", "source_id")),
        "schools": list(School.objects.values_list("name", "district_id", "source_id")),
        "classrooms": list(
            Classroom.objects.values_list(
                "code", "name", "grade", "school_id", "primary_teacher_id"
            ).order_by("pk")
        ),
        "teachers": sorted(
            Classroom.teachers.through.objects.values_list("classroom_id", "staff_id")
        ),
        "staff": list(Staff.objects.values_list("user_id", "role", "school_id")),
        "students": list(
            Student.objects.values_list("code", "grade", "classroom_id").order_by("pk")
        ),
        "links": sorted(
            Guardian.children.through.objects.values_list("guardian_id", "student_id")
        ),
        "users": list(
            User.objects.values_list(
                "username", "first_name", "is_active", "password"
            ).order_by("pk")
        ),
    }


def nothing_written() -> bool:
    return not (
        District.objects.exists()
        or School.objects.exists()
        or Classroom.objects.exists()
        or User.objects.exists()
    )


def student(username: str) -> Student:
    return Student.objects.select_related("classroom", "user").get(
        user__username=username
    )


class TestFirstImport:
    def test_every_kind_is_created_and_counted(self):
        result = record_roster_import(make_bundle())

        assert result.ok, result.problems
        assert counts(result) == {
            "districts": (1, 0, 0),
            "schools": (2, 0, 0),
            "classrooms": (4, 0, 0),
            "staff": (4, 0, 0),
            "students": (4, 0, 0),
            "guardians": (2, 0, 0),
            # four students and four teacher places
            "class places": (8, 0, 0),
        }
        cedar_school = School.objects.get(source_id="s1")
        assert cedar_school.name == "Cedar Elementary"
        assert cedar_school.district.name == "Cedar District"
        assert cedar_school.slug == "cedar-elementary"

    def test_classes_get_their_code_grade_school_and_teachers(self):
        record_roster_import(make_bundle())

        k1 = Classroom.objects.get(source_id="k1")
        assert (k1.code, k1.name, k1.grade, k1.school.source_id) == (
            "K1",
            "Room K1",
            0,
            "s1",
        )
        assert {t.display_name for t in k1.teachers.all()} == {
            "Nora Bell",
            "Omar Haddad",
        }
        assert k1.primary_teacher.display_name == "Nora Bell"
        assert Classroom.objects.get(source_id="1a").primary_teacher.display_name == (
            "Omar Haddad"
        )
        # Art has no grades of its own: its course's lowest grade is taken.
        assert Classroom.objects.get(source_id="art1").grade == 0

    def test_students_are_in_their_homeroom_with_their_code_and_grade(self):
        result = record_roster_import(make_bundle())

        ava, leo, mia = student("ava.lopez"), student("leo.lopez"), student("mia.chen")
        assert (ava.code, ava.grade, ava.classroom.code) == ("S001", 0, "K1")
        assert (leo.code, leo.grade, leo.classroom.code) == ("S002", 1, "1A")
        # Mia takes Art too; she is kept in her homeroom.
        assert mia.classroom.code == "K1"
        assert any("more than one class" in note for note in result.notes)

    def test_everyone_gets_a_user_in_their_role_group_without_a_password(self):
        record_roster_import(make_bundle())

        roles = {
            user.username: {group.name for group in user.groups.all()}
            for user in User.objects.prefetch_related("groups")
        }
        assert roles == {
            "nora.bell": {"teacher"},
            "omar.haddad": {"teacher"},
            "ivy.stone": {"teacher"},
            "dana.cole": {"leader"},
            "ava.lopez": {"student"},
            "leo.lopez": {"student"},
            "mia.chen": {"student"},
            "zoe.park": {"student"},
            "maria.lopez": {"guardian"},
            "wei.chen": {"guardian"},
        }
        assert not any(user.has_usable_password() for user in User.objects.all())
        assert Staff.objects.get(user__username="dana.cole").role == StaffRole.LEADER
        assert User.objects.get(username="nora.bell").email == "nb@cedar.org"

    def test_guardians_are_linked_from_either_side(self):
        record_roster_import(make_bundle())

        maria = Guardian.objects.get(user__username="maria.lopez")
        wei = Guardian.objects.get(user__username="wei.chen")
        assert {c.code for c in maria.children.all()} == {"S001", "S002"}
        # Wei lists no one; Mia lists him as her agent.
        assert {c.code for c in wei.children.all()} == {"S003"}

    def test_aides_and_district_administrators_are_left_out_and_said(self):
        result = record_roster_import(make_bundle())

        assert not User.objects.filter(username__in=["sam.aide", "district.admin"])
        assert "Left out 1 users: administrators of a district alone." in result.notes
        assert any("aides" in note for note in result.notes)


class TestReimport:
    def test_the_same_bundle_twice_changes_nothing_and_says_so(self):
        data = make_bundle()
        record_roster_import(data)
        before = snapshot()

        again = record_roster_import(data)

        assert again.ok and not again.changed
        assert all(count == (0, 0, 0) for count in counts(again).values())
        assert again.counts["students"].unchanged == 4
        assert snapshot() == before

    def test_the_command_says_nothing_changed(self, tmp_path, capsys):
        path = tmp_path / "roster.zip"
        path.write_bytes(make_bundle())
        call_command("import-roster", str(path))
        call_command("import-roster", str(path))
        assert "Nothing changed" in capsys.readouterr().out

    def test_a_changed_bundle_reports_what_it_created_updated_and_moved(self):
        record_roster_import(make_bundle())
        files = cedar()
        row(files, "users.csv", "st2")["givenName"] = "Leon"
        row(files, "enrollments.csv", "e5")["classSourcedId"] = "k1"
        files["users.csv"].append(
            {
                "sourcedId": "st5",
                "enabledUser": "true",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "kai.ito",
                "givenName": "Kai",
                "familyName": "Ito",
                "identifier": "S005",
                "grades": "01",
            }
        )
        files["enrollments.csv"].append(
            {
                "sourcedId": "e10",
                "classSourcedId": "1a",
                "schoolSourcedId": "s1",
                "userSourcedId": "st5",
                "role": "student",
            }
        )
        row(files, "classes.csv", "1a")["title"] = "Room 1A (Mr Haddad)"

        result = record_roster_import(make_bundle(files))

        assert result.ok, result.problems
        assert counts(result)["students"] == (1, 1, 0)
        assert counts(result)["classrooms"] == (0, 1, 0)
        # Kai placed in 1A; Leo moved from 1A to K1.
        assert counts(result)["class places"] == (1, 1, 0)
        leo = student("leo.lopez")
        assert (leo.first_name, leo.classroom.code) == ("Leon", "K1")
        assert student("kai.ito").classroom.code == "1A"

    def test_a_dry_run_counts_and_writes_nothing(self, tmp_path, capsys):
        path = tmp_path / "roster.zip"
        path.write_bytes(make_bundle())
        call_command("import-roster", str(path), "--dry-run")
        out = capsys.readouterr().out
        assert "Dry run, nothing was written" in out
        assert "students: 4 created" in out
        assert nothing_written()


class TestToBeDeleted:
    def test_a_student_leaves_the_class_and_loses_login_but_stays(self):
        record_roster_import(make_bundle())
        files = cedar()
        row(files, "users.csv", "st1")["status"] = "tobedeleted"

        result = record_roster_import(make_bundle(files))

        ava = student("ava.lopez")
        assert ava.classroom is None and not ava.user.is_active
        assert counts(result)["students"] == (0, 0, 1)
        assert counts(result)["class places"] == (0, 0, 1)
        assert record_roster_import(make_bundle(files)).changed is False

    def test_people_a_bulk_bundle_leaves_out_are_kept_and_counted(self):
        record_roster_import(make_bundle())
        files = cedar()
        files["users.csv"] = [u for u in files["users.csv"] if u["sourcedId"] != "st2"]
        files["enrollments.csv"] = [
            e for e in files["enrollments.csv"] if e["userSourcedId"] != "st2"
        ]

        result = record_roster_import(make_bundle(files))

        assert student("leo.lopez").classroom.code == "1A"
        assert any(
            note.startswith("1 students and 0 staff of these schools")
            for note in result.notes
        )

    def test_an_ended_enrollment_takes_the_student_out_of_that_class(self):
        record_roster_import(make_bundle())
        files = cedar()
        row(files, "enrollments.csv", "e5")["status"] = "tobedeleted"

        record_roster_import(make_bundle(files))

        leo = student("leo.lopez")
        assert leo.classroom is None and leo.user.is_active

    def test_staff_lose_their_classes_and_their_login(self):
        record_roster_import(make_bundle())
        files = cedar()
        row(files, "users.csv", "t2")["status"] = "tobedeleted"

        result = record_roster_import(make_bundle(files))

        haddad = Staff.objects.select_related("user").get(source_id="t2")
        assert not haddad.user.is_active
        assert not haddad.classrooms_taught.exists()
        assert Classroom.objects.get(source_id="1a").primary_teacher is None
        assert Classroom.objects.get(source_id="k1").primary_teacher.source_id == "t1"
        assert counts(result)["staff"] == (0, 0, 1)
        assert counts(result)["class places"] == (0, 0, 2)

    def test_a_family_loses_its_links_and_login(self):
        record_roster_import(make_bundle())
        files = cedar()
        row(files, "users.csv", "p1")["status"] = "tobedeleted"

        record_roster_import(make_bundle(files))

        maria = Guardian.objects.select_related("user").get(source_id="p1")
        assert not maria.children.exists() and not maria.user.is_active

    def test_a_disabled_user_cannot_log_in(self):
        record_roster_import(make_bundle())
        files = cedar()
        row(files, "users.csv", "st2")["enabledUser"] = "false"

        result = record_roster_import(make_bundle(files))

        assert not student("leo.lopez").user.is_active
        assert counts(result)["students"] == (0, 1, 0)

    def test_an_emptied_class_is_deleted(self):
        record_roster_import(make_bundle())
        files = cedar()
        row(files, "classes.csv", "art1")["status"] = "tobedeleted"
        row(files, "enrollments.csv", "e6")["status"] = "tobedeleted"

        result = record_roster_import(make_bundle(files))

        assert not Classroom.objects.filter(source_id="art1").exists()
        assert counts(result)["classrooms"] == (0, 0, 1)

    def test_a_class_with_students_is_kept_and_named(self):
        record_roster_import(make_bundle())
        files = cedar()
        row(files, "classes.csv", "1a")["status"] = "tobedeleted"

        result = record_roster_import(make_bundle(files))

        assert result.ok
        assert Classroom.objects.filter(source_id="1a").exists()
        assert any(
            "Kept class 1A" in note and "1 students are still in it" in note
            for note in result.notes
        )


class TestBadRows:
    """Each kind of bad row is reported where it is, and nothing is written."""

    def refused(self, data: bytes):
        result = record_roster_import(data)
        assert not result.ok
        assert nothing_written()
        return result

    def test_a_missing_sourced_id(self):
        files = cedar()
        row(files, "users.csv", "t1")["sourcedId"] = ""
        result = self.refused(make_bundle(files))
        assert ("users.csv", 2, "sourcedId", "") in problems(result)
        assert "missing" in result.problems[0].message

    def test_a_duplicate_sourced_id_names_the_first_line(self):
        files = cedar()
        row(files, "classes.csv", "1a")["sourcedId"] = "k1"
        result = self.refused(make_bundle(files))
        problem = result.problems[0]
        assert (problem.file, problem.line, problem.column, problem.value) == (
            "classes.csv",
            3,
            "sourcedId",
            "k1",
        )
        assert "Line 2 has the same sourcedId" in problem.message

    def test_an_unknown_reference(self):
        files = cedar()
        row(files, "enrollments.csv", "e4")["classSourcedId"] = "k9"
        result = self.refused(make_bundle(files))
        assert problems(result) == [("enrollments.csv", 5, "classSourcedId", "k9")]
        assert "No class has the sourcedId “k9”" in result.problems[0].message

    def test_a_bad_date(self):
        files = cedar()
        files["academicSessions.csv"][0]["startDate"] = "20/08/2025"
        result = self.refused(make_bundle(files))
        assert problems(result) == [
            ("academicSessions.csv", 2, "startDate", "20/08/2025")
        ]
        assert "Write it as 2024-09-03" in result.problems[0].message

    def test_a_bad_role(self):
        files = cedar()
        row(files, "users.csv", "a1")["role"] = "principal"
        result = self.refused(make_bundle(files))
        assert problems(result) == [("users.csv", 5, "role", "principal")]
        assert "administrator" in result.problems[0].message

    def test_a_file_the_manifest_promises_but_the_zip_lacks(self):
        result = self.refused(make_bundle(leave_out=("enrollments.csv",)))
        problem = result.problems[0]
        assert (problem.file, problem.column, problem.value) == (
            "manifest.csv",
            "value",
            "bulk",
        )
        assert "enrollments.csv" in problem.message

    def test_a_file_in_the_zip_the_manifest_calls_absent(self):
        data = make_bundle(
            manifest={"file.demographics": "absent"},
            raw={"demographics.csv": b"sourcedId,birthDate\r\nst1,2020-01-01\r\n"},
        )
        result = self.refused(data)
        assert "manifest says it is absent" in result.problems[0].message

    def test_a_missing_column(self):
        raw = b"sourcedId,enabledUser,orgSourcedIds,role,givenName,familyName\r\n"
        result = self.refused(make_bundle(raw={"users.csv": raw}))
        assert ("users.csv", 1, "username", "") in problems(result)

    def test_a_grade_outside_the_standard(self):
        files = cedar()
        row(files, "users.csv", "st1")["grades"] = "Grade 1"
        result = self.refused(make_bundle(files))
        assert problems(result) == [("users.csv", 8, "grades", "Grade 1")]

    def test_a_status_and_a_flag_outside_the_standard(self):
        files = cedar()
        row(files, "users.csv", "st1")["status"] = "gone"
        row(files, "users.csv", "st2")["enabledUser"] = "yes"
        result = self.refused(make_bundle(files))
        assert problems(result) == [
            ("users.csv", 8, "status", "gone"),
            ("users.csv", 9, "enabledUser", "yes"),
        ]

    def test_a_repeated_username(self):
        files = cedar()
        row(files, "users.csv", "st2")["username"] = "ava.lopez"
        result = self.refused(make_bundle(files))
        assert problems(result) == [("users.csv", 9, "username", "ava.lopez")]

    def test_a_teacher_enrolled_as_a_student(self):
        files = cedar()
        row(files, "enrollments.csv", "e1")["role"] = "student"
        result = self.refused(make_bundle(files))
        assert problems(result) == [("enrollments.csv", 2, "role", "student")]

    def test_demographics_are_checked_but_never_kept(self):
        files = cedar()
        files["demographics.csv"] = [
            {"sourcedId": "st1", "birthDate": "2020-02-30"},
            {"sourcedId": "st9", "birthDate": "2019-05-01"},
        ]
        result = self.refused(make_bundle(files))
        assert problems(result) == [
            ("demographics.csv", 2, "birthDate", "2020-02-30"),
            ("demographics.csv", 3, "sourcedId", "st9"),
        ]

        files["demographics.csv"] = [{"sourcedId": "st1", "birthDate": "2020-02-28"}]
        assert record_roster_import(make_bundle(files)).ok

    def test_another_version_of_oneroster(self):
        result = self.refused(make_bundle(manifest={"oneroster.version": "1.2"}))
        assert "coplanner reads OneRoster 1.1" in result.problems[0].message

    def test_not_a_zip(self):
        result = self.refused(b"sourcedId,name\r\n1,x\r\n")
        assert "not a zip file" in result.problems[0].message

    def test_every_bad_row_is_reported_at_once(self):
        files = cedar()
        row(files, "users.csv", "t1")["role"] = "coach"
        row(files, "users.csv", "st4")["orgSourcedIds"] = "s9"
        files["academicSessions.csv"][0]["endDate"] = "2025-13-01"
        result = self.refused(make_bundle(files))
        assert problems(result) == [
            ("academicSessions.csv", 2, "endDate", "2025-13-01"),
            ("users.csv", 2, "role", "coach"),
            ("users.csv", 11, "orgSourcedIds", "s9"),
        ]

    def test_a_username_someone_else_holds(self, cast):
        files = cedar()
        row(files, "users.csv", "st1")["username"] = "rivera"
        before = User.objects.count()
        result = record_roster_import(make_bundle(files))
        assert problems(result) == [("users.csv", 8, "username", "rivera")]
        assert User.objects.count() == before
        assert not School.objects.filter(source_id="s1").exists()

    def test_the_command_lists_every_problem_and_fails(self, tmp_path, capsys):
        files = cedar()
        row(files, "users.csv", "a1")["role"] = "principal"
        path = tmp_path / "roster.zip"
        path.write_bytes(make_bundle(files))
        with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
            call_command("import-roster", str(path))
        assert "users.csv, line 5, column “role”, value “principal”" in (
            capsys.readouterr().err
        )


class TestLeaderScope:
    """A leader imports their own school and new schools of their district."""

    def test_the_leaders_school_is_adopted_and_a_new_school_created(self, cast):
        files = cedar()
        row(files, "orgs.csv", "s1")["name"] = "Maple Elementary"
        row(files, "users.csv", "a1")["username"] = "hill"

        result = record_roster_import(make_bundle(files), leader=cast.hill)

        assert result.ok, result.problems
        cast.school.refresh_from_db()
        assert cast.school.source_id == "s1"
        assert cast.school.district.source_id == "d1"
        assert School.objects.filter(source_id="s2", name="Birch Elementary").exists()
        # Dr Hill is the bundle's administrator: adopted, not a second account.
        cast.hill.refresh_from_db()
        assert cast.hill.source_id == "a1"
        assert Classroom.objects.get(source_id="k1").school == cast.school

    def test_a_school_the_leader_does_not_lead_is_left_out(self, cast):
        record_roster_import(make_bundle())  # Cedar and Birch, by the district
        files = cedar()
        row(files, "orgs.csv", "s2")["name"] = "Birch Academy"
        row(files, "users.csv", "st4")["givenName"] = "Zoey"
        cedar_leader = Staff.objects.get(source_id="a1")

        result = record_roster_import(make_bundle(files), leader=cedar_leader)

        assert result.ok, result.problems
        assert School.objects.get(source_id="s2").name == "Birch Elementary"
        assert student("zoe.park").first_name == "Zoe"
        assert any("schools you do not lead" in note for note in result.notes)
        assert not result.changed
