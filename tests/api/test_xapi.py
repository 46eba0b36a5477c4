"""xAPI statements as evidence: the reader, the endpoint and the command's file path."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coplanner.curriculum.models import Skill
from coplanner.mastery.models import Evidence
from coplanner.mastery.xapi import (
    ANSWERED,
    COMPLETED,
    SCORED,
    SKILL_EXTENSION,
    record_xapi_statements,
)
from tests.api.helpers import ApiClient, make_token

pytestmark = pytest.mark.django_db

SKILL = "math.k.count20"


def statement(**changes):
    """Return a good statement: Ana answered a counting question right."""
    made = {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://math.example", "name": "ana"},
        },
        "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": "https://math.example/items/count-7",
            "definition": {"extensions": {SKILL_EXTENSION: SKILL}},
        },
        "result": {"success": True},
        "timestamp": "2024-09-03T10:15:00.250Z",
    }
    made.update(changes)
    return made


@pytest.fixture
def skill(cast):
    return Skill.objects.get(code=SKILL)


class TestReader:
    def test_answered_becomes_an_item_response(self, cast, skill):
        result = record_xapi_statements(cast.school, [statement()], "Math app")
        assert result.ok and result.new == 1
        evidence = Evidence.objects.get()
        assert evidence.student == cast.ana
        assert evidence.skill == skill
        assert (evidence.kind, evidence.correct) == ("response", True)
        assert evidence.item == "https://math.example/items/count-7"
        assert evidence.observed_at.isoformat() == "2024-09-03T10:15:00.250000+00:00"

    def test_scores_scaled_or_raw_with_max_and_min(self, cast, skill):
        statements = [
            statement(verb={"id": SCORED}, result={"score": {"scaled": 0.8}}),
            statement(
                verb={"id": COMPLETED},
                result={"score": {"raw": 7, "min": 2, "max": 12}, "success": True},
                timestamp="2024-09-04T10:00:00Z",
            ),
        ]
        assert record_xapi_statements(cast.school, statements).new == 2
        assert sorted(Evidence.objects.values_list("score", flat=True)) == [0.5, 0.8]
        assert set(Evidence.objects.values_list("source", flat=True)) == {"xAPI"}

    def test_actor_by_mbox_and_skill_by_activity_id(self, cast, skill):
        cast.ben.user.email = "Ben@Maple.example"
        cast.ben.user.save()
        skill.source_id = "https://math.example/items/count-7"
        skill.save()
        made = statement(
            actor={"mbox": "mailto:ben@maple.example"},
            object={"id": "https://math.example/items/count-7"},
        )
        result = record_xapi_statements(cast.school, [made])
        assert result.ok, result.problems
        assert Evidence.objects.get().student == cast.ben

    def test_the_same_statements_twice_change_nothing(self, cast, skill):
        statements = [statement(), statement(timestamp="2024-09-05T09:00:00Z")]
        assert record_xapi_statements(cast.school, statements).new == 2
        again = record_xapi_statements(cast.school, statements)
        assert (again.new, again.held) == (0, 2)
        assert Evidence.objects.count() == 2

    def test_hostile_statements_are_each_reported_and_nothing_written(
        self, cast, skill
    ):
        statements = [
            statement(),
            statement(actor=None),
            statement(actor={"account": {"name": "nobody"}}),
            statement(verb={"id": "http://adlnet.gov/expapi/verbs/launched"}),
            statement(verb={"id": SCORED}, result={"score": {"scaled": 1.5}}),
            statement(verb={"id": SCORED}, result={"score": {"raw": 11, "max": 10}}),
            statement(result={"success": "yes"}),
            statement(object={"id": "https://elsewhere.example/unknown"}),
            statement(timestamp="2999-01-01T00:00:00Z"),
            "not a statement",
            statement(result={}),
        ]
        result = record_xapi_statements(cast.school, statements)
        assert not result.ok
        found = {(problem.index, problem.field) for problem in result.problems}
        assert found == {
            (1, "actor"),
            (2, "actor.account.name"),
            (3, "verb.id"),
            (4, "result.score.scaled"),
            (5, "result.score.raw"),
            (6, "result.success"),
            (7, "object.id"),
            (8, "timestamp"),
            (9, "statement"),
            (10, "result.success"),
        }
        by_index = {problem.index: problem for problem in result.problems}
        assert by_index[2].value == "nobody"
        assert "No student in this school" in by_index[2].why
        assert by_index[4].value == "1.5"
        assert "between 0 and 1" in by_index[4].why
        assert "Only answered, completed and scored" in by_index[3].why
        assert "in the future" in by_index[8].why
        assert not Evidence.objects.exists()

    def test_an_unknown_skill_code_in_the_extension(self, cast, skill):
        made = statement()
        made["object"]["definition"]["extensions"][SKILL_EXTENSION] = "no.such"
        result = record_xapi_statements(cast.school, [made])
        assert [problem.why[:22] for problem in result.problems] == [
            "No skill has this code"
        ]


class TestEndpoint:
    def test_one_statement_or_a_list(self, cast, skill):
        api = ApiClient(make_token(cast.school, "Math app"))
        one = api.post("/xapi/statements", statement())
        assert one.status_code == 200, one.content
        assert one.json()["source"] == "Math app"
        listed = api.post(
            "/xapi/statements",
            [statement(timestamp="2024-09-06T10:00:00Z"), statement()],
            query="source=Reading+app",
        )
        body = listed.json()
        assert (body["received"], body["new"], body["held"]) == (2, 2, 0)
        assert Evidence.objects.filter(source="Reading app").count() == 2

    def test_a_bad_statement_refuses_the_batch_with_a_report(self, cast, skill):
        api = ApiClient(make_token(cast.school))
        response = api.post(
            "/xapi/statements", [statement(), statement(verb={"id": "x"}), 7]
        )
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "invalid_evidence"
        assert [(error["index"], error["field"]) for error in body["errors"]] == [
            (1, "verb.id"),
            (2, "statement"),
        ]
        assert not Evidence.objects.exists()

    def test_an_empty_list_is_refused(self, cast):
        api = ApiClient(make_token(cast.school))
        response = api.post("/xapi/statements", [])
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_evidence"


class TestFile:
    def test_import_evidence_reads_a_json_file(self, cast, skill, tmp_path, capsys):
        path = tmp_path / "statements.json"
        path.write_text(json.dumps({"statements": [statement()], "more": ""}))
        call_command("import-evidence", str(path), "--source", "LRS")
        assert "1 new, 0 already held" in capsys.readouterr().out
        assert Evidence.objects.get().source == "LRS"
        call_command("import-evidence", str(path), "--source", "LRS")
        assert "0 new, 1 already held" in capsys.readouterr().out

    def test_a_bad_file_reports_every_statement_and_writes_nothing(
        self, cast, skill, tmp_path, capsys
    ):
        path = tmp_path / "statements.json"
        path.write_text(json.dumps([statement(), statement(actor={})]))
        with pytest.raises(CommandError, match="1 of 2 statements is bad"):
            call_command("import-evidence", str(path), "--source", "LRS")
        assert "Statement 2, actor" in capsys.readouterr().err
        assert not Evidence.objects.exists()

    def test_a_file_that_is_not_json(self, cast, tmp_path):
        path = tmp_path / "statements.json"
        path.write_text("{not json")
        with pytest.raises(CommandError, match="The file is not JSON"):
            call_command("import-evidence", str(path), "--source", "LRS")


def test_a_request_over_the_statement_limit_is_refused_whole(cast):
    from coplanner.mastery.xapi import MAX_STATEMENTS

    api = ApiClient(make_token(cast.school))
    response = api.post("/xapi/statements", [{}] * (MAX_STATEMENTS + 1))
    assert response.status_code == 422
    assert f"send at most {MAX_STATEMENTS}" in response.json()["detail"]
