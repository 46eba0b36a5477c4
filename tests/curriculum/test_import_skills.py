"""Skills import: CASE packages and CSV files, hierarchy, prerequisites, cycles."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from coplanner.curriculum.importing import (
    find_cycle,
    record_skill_import,
    shorten_statement,
)
from coplanner.curriculum.models import Prerequisite, Skill, Subject
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).with_name("early_numeracy.case.json")


def package() -> dict:
    return json.loads(FIXTURE.read_text())


def case_bytes(data: dict) -> bytes:
    return json.dumps(data).encode()


def skill(code: str) -> Skill:
    return Skill.objects.select_related("parent", "subject").get(code=code)


def requires(code: str) -> set[str]:
    return {
        each.requires.code
        for each in Prerequisite.objects.filter(skill__code=code).select_related(
            "requires"
        )
    }


def snapshot() -> list:
    return [
        list(Skill.objects.order_by("pk").values()),
        sorted(Prerequisite.objects.values_list("skill_id", "requires_id")),
        list(Subject.objects.order_by("pk").values()),
    ]


def associate(data: dict, origin: str, kind: str, destination: str) -> None:
    ids = {item["humanCodingScheme"]: item["identifier"] for item in data["CFItems"]}
    data["CFAssociations"].append(
        {
            "identifier": f"{origin}-{kind}-{destination}",
            "associationType": kind,
            "originNodeURI": {"identifier": ids[origin]},
            "destinationNodeURI": {"identifier": ids[destination]},
        }
    )


class TestCasePackage:
    def test_items_become_skills_with_codes_grades_and_subject(self):
        result = record_skill_import("numeracy.json", FIXTURE.read_bytes())

        assert result.ok, result.problems
        assert (result.format, result.created, result.updated) == ("CASE", 11, 0)
        assert result.subjects_created == ("Mathematics",)
        count = skill("K.CC.A.1")
        assert (count.name, count.grade, count.subject.name) == (
            "Count to 100 by ones and by tens.",
            0,
            "Mathematics",
        )
        assert count.source_id == package()["CFItems"][2]["identifier"]
        assert skill("1.OA.C.6").grade == 1

    def test_is_child_of_builds_the_hierarchy(self):
        record_skill_import("numeracy.json", FIXTURE.read_bytes())

        assert skill("K.CC.A.1").parent.code == "K.CC.A"
        assert skill("K.CC.A").parent.code == "K.CC"
        # A child of the document itself is at the top.
        assert skill("K.CC").parent is None
        assert skill("1.OA.C.6").parent is None

    def test_precedes_makes_prerequisites(self):
        result = record_skill_import("numeracy.json", FIXTURE.read_bytes())

        assert result.prerequisites_added == 5
        assert requires("K.CC.A.2") == {"K.CC.A.1"}
        assert requires("1.OA.C.6") == {"K.OA.A.5"}
        assert requires("K.CC.A.1") == set()

    def test_peers_and_other_associations_are_left_out_and_counted(self):
        result = record_skill_import("numeracy.json", FIXTURE.read_bytes())
        assert result.left_out == {"isPeerOf": 1, "isRelatedTo": 1}

    def test_a_long_statement_is_shortened_to_its_first_sentence(self):
        record_skill_import("numeracy.json", FIXTURE.read_bytes())
        assert skill("K.CC.B.4").name == (
            "Understand the relationship between numbers and quantities; connect "
            "counting to cardinality."
        )

    def test_the_same_package_twice_changes_nothing(self):
        record_skill_import("numeracy.json", FIXTURE.read_bytes())
        before = snapshot()

        again = record_skill_import("numeracy.json", FIXTURE.read_bytes())

        assert again.ok and not again.changed
        assert again.unchanged == 11
        assert snapshot() == before

    def test_a_changed_package_updates_and_replaces_prerequisites(self):
        record_skill_import("numeracy.json", FIXTURE.read_bytes())
        data = package()
        data["CFItems"][2]["fullStatement"] = "Count to 100 by ones, and by tens."
        data["CFAssociations"] = [
            each
            for each in data["CFAssociations"]
            if not (
                each["associationType"] == "precedes"
                and each["destinationNodeURI"]["title"] == "K.CC.A.2"
            )
        ]

        result = record_skill_import("numeracy.json", case_bytes(data))

        assert (result.updated, result.prerequisites_removed) == (1, 1)
        assert requires("K.CC.A.2") == set()

    def test_the_subject_can_be_given_for_the_import(self, cast):
        result = record_skill_import(
            "numeracy.json", FIXTURE.read_bytes(), subject="math"
        )
        assert result.subjects_created == ()
        assert skill("K.CC.A.1").subject == cast.math

    def test_a_cycle_is_refused_naming_it(self):
        data = package()
        associate(data, "1.OA.C.6", "precedes", "K.CC.A.2")

        result = record_skill_import("numeracy.json", case_bytes(data))

        assert not result.ok
        message = result.problems[0].message
        assert "go round in a circle" in message
        assert "K.CC.A.2 → K.CC.A.1" not in message  # K.CC.A.1 is not on the cycle
        for code in ("K.CC.A.2", "K.CC.B.4", "K.OA.A.1", "K.OA.A.5", "1.OA.C.6"):
            assert code in message
        assert not Skill.objects.exists()

    def test_bad_items_are_each_reported_and_nothing_written(self):
        data = package()
        data["CFItems"][3]["identifier"] = data["CFItems"][2]["identifier"]
        data["CFItems"][4]["educationLevel"] = ["HS"]
        data["CFItems"][5]["fullStatement"] = ""

        result = record_skill_import("numeracy.json", case_bytes(data))

        where = [(p.file, p.line, p.column) for p in result.problems]
        assert ("CFItems", 4, "identifier") in where
        assert ("CFItems", 5, "educationLevel") in where
        assert ("CFItems", 6, "fullStatement") in where
        assert not Skill.objects.exists() and not Subject.objects.exists()

    def test_a_skill_that_precedes_itself_is_refused(self):
        data = package()
        associate(data, "K.CC.A.1", "precedes", "K.CC.A.1")
        result = record_skill_import("numeracy.json", case_bytes(data))
        problem = result.problems[0]
        assert (problem.file, problem.line) == ("CFAssociations", 19)
        assert "cannot require itself" in problem.message

    def test_broken_json_says_where(self):
        result = record_skill_import("numeracy.json", b'{"CFItems": [\n  {"a": }]}')
        assert result.problems[0].line == 2
        assert "not valid JSON" in result.problems[0].message


SKILLS_CSV = (
    "code,name,subject,grade,parent,prerequisites\n"
    "math.k.count,Counting,Math,KG,,\n"
    "math.k.count10,Counting to 10,Math,KG,math.k.count,\n"
    "math.k.add5,Adding within 5,Math,K,math.k.count,math.k.count10\n"
    "math.1.add20,Adding within 20,Math,1,,math.k.add5;math.k.count10\n"
)


class TestSkillsCsv:
    def test_rows_become_skills_with_parents_and_prerequisites(self):
        result = record_skill_import("skills.csv", SKILLS_CSV.encode())

        assert result.ok, result.problems
        assert (result.format, result.created, result.prerequisites_added) == (
            "CSV",
            4,
            3,
        )
        assert skill("math.k.add5").parent.code == "math.k.count"
        assert requires("math.1.add20") == {"math.k.add5", "math.k.count10"}
        assert skill("math.1.add20").grade == 1

    def test_the_same_file_twice_changes_nothing(self):
        record_skill_import("skills.csv", SKILLS_CSV.encode())
        before = snapshot()
        again = record_skill_import("skills.csv", SKILLS_CSV.encode())
        assert not again.changed and snapshot() == before

    def test_a_prerequisite_may_be_a_skill_coplanner_holds(self, cast):
        text = "code,name,subject,prerequisites\nmath.k.add10,Adding to 10,math,math.k.count20\n"
        result = record_skill_import("skills.csv", text.encode())
        assert result.ok
        assert requires("math.k.add10") == {"math.k.count20"}
        assert skill("math.k.add10").subject == cast.math

    def test_a_cycle_through_a_held_skill_is_refused(self):
        record_skill_import("skills.csv", SKILLS_CSV.encode())
        text = "code,name,subject,prerequisites\nmath.k.count10,Counting to 10,Math,math.1.add20\n"

        result = record_skill_import("skills.csv", text.encode())

        assert not result.ok
        assert (
            "math.k.count10 → math.1.add20 → math.k.count10"
            in result.problems[0].message
            or "math.1.add20 → math.k.count10 → math.1.add20"
            in result.problems[0].message
        )
        assert requires("math.k.count10") == set()

    def test_bad_rows_are_each_reported(self):
        text = (
            "code,name,subject,grade,parent,prerequisites\n"
            "a,Alpha,Math,Year 2,,\n"
            "a,Alpha again,Math,,,\n"
            "b,,Math,,,\n"
            "c,Gamma,Math,,nowhere,\n"
            "d,Delta,Math,,,missing\n"
        )
        result = record_skill_import("skills.csv", text.encode())
        found = [(p.line, p.column, p.value) for p in result.problems]
        assert found == [
            (2, "grade", "Year 2"),
            (3, "code", "a"),
            (4, "name", ""),
        ]
        assert not Skill.objects.exists()

    def test_unknown_parents_and_prerequisites_are_reported(self):
        text = (
            "code,name,subject,parent,prerequisites\n"
            "c,Gamma,Math,nowhere,\n"
            "d,Delta,Math,,missing\n"
        )
        result = record_skill_import("skills.csv", text.encode())
        found = [(p.line, p.column, p.value) for p in result.problems]
        assert found == [(2, "parent", "nowhere"), (3, "prerequisites", "missing")]

    def test_a_missing_column(self):
        result = record_skill_import("skills.csv", b"code,name\na,Alpha\n")
        assert result.problems[0].column == "subject"


class TestCommandAndPage:
    def test_the_command_imports_and_then_changes_nothing(self, tmp_path, capsys):
        path = tmp_path / "numeracy.json"
        path.write_bytes(FIXTURE.read_bytes())
        call_command("import-skills", str(path))
        call_command("import-skills", str(path))
        out = capsys.readouterr().out
        assert "Imported CASE skills: 11 created" in out
        assert "New subject: Mathematics." in out
        assert "Nothing changed" in out
        assert "1 “isPeerOf” associations left out" in out

    def test_the_command_fails_on_a_bad_file(self, tmp_path, capsys):
        path = tmp_path / "skills.csv"
        path.write_text("code,name,subject\n,Alpha,Math\n")
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command("import-skills", str(path))
        assert "skills.csv, line 2, column “code”" in capsys.readouterr().err

    @pytest.mark.parametrize("username", ["rivera", "ana", "lopez"])
    def test_only_a_leader_finds_the_page(self, client, cast, username):
        assert client.login(username=username, password=PASSWORD)
        assert client.get("/skills/import/").status_code == 404

    def test_a_leader_imports_a_case_package(self, client, cast):
        assert client.login(username="hill", password=PASSWORD)
        upload = SimpleUploadedFile("numeracy.json", FIXTURE.read_bytes())
        text = client.post("/skills/import/", {"file": upload}).content.decode()
        assert "11 new skills" in text
        assert "Prerequisites: 5 added, 0 removed." in text
        assert "“isPeerOf” associations left out" in text
        assert Skill.objects.filter(code="K.CC.A.1").exists()


def test_shorten_statement_keeps_whole_words():
    text = "word " * 60
    short = shorten_statement(text, 50)
    assert len(short) <= 50 and short.endswith("word…")


def test_find_cycle_returns_a_closed_path():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
