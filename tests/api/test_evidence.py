"""Evidence in through the API: the CSV importer's checks, all or nothing."""

import pytest

from coplanner.curriculum.models import Skill
from coplanner.mastery.importing import record_evidence_import
from coplanner.mastery.models import Evidence, EvidenceSource
from coplanner.roster.models import School, Student
from tests.api.helpers import ApiClient, make_token

pytestmark = pytest.mark.django_db

SKILL = "math.k.count20"


@pytest.fixture
def api(cast):
    return ApiClient(make_token(cast.school, "Math app"))


def _row(**fields):
    row = {"student": "ana", "skill": SKILL, "observed_at": "2024-09-03T10:00:00Z"}
    row.update(fields)
    return row


class TestGoodBatch:
    def test_responses_and_scores_are_written_under_the_tokens_name(self, cast, api):
        response = api.post(
            "/evidence",
            {
                "rows": [
                    _row(correct=True, item="q1"),
                    _row(correct=False, item="q2"),
                    _row(student="ben", score=7, max=10),
                    _row(student="carla", score=0.25),
                ]
            },
        )
        assert response.status_code == 200, response.content
        assert response.json() == {
            "source": "Math app",
            "received": 4,
            "new": 4,
            "held": 0,
            "dry_run": False,
            "mastery_refitted": False,
        }
        scores = dict(
            Evidence.objects.filter(kind="score").values_list("student__code", "score")
        )
        assert scores == {"ben": 0.7, "carla": 0.25}
        assert set(Evidence.objects.values_list("source", flat=True)) == {"Math app"}
        assert EvidenceSource.objects.get().name == "Math app"

    def test_the_same_batch_twice_changes_nothing(self, cast, api):
        batch = {
            "source": "Quiz tool",
            "rows": [_row(correct=True), _row(score=0.5, item="t")],
        }
        assert api.post("/evidence", batch).json()["new"] == 2
        again = api.post("/evidence", batch).json()
        assert (again["new"], again["held"]) == (0, 2)
        assert Evidence.objects.count() == 2

    def test_a_row_a_csv_import_already_brought_is_held(self, cast, api):
        csv = b"student,skill,correct,date\nana,math.k.count20,1,2024-09-03 10:00\n"
        assert record_evidence_import(cast.school, "Math app", csv).new == 1
        body = api.post(
            "/evidence",
            {"rows": [_row(correct=True, observed_at="2024-09-03T10:00:00")]},
        ).json()
        assert (body["new"], body["held"]) == (0, 1)

    def test_dry_run_writes_nothing(self, cast, api):
        body = api.post("/evidence", {"rows": [_row(correct=True)], "dry_run": True})
        assert body.json()["new"] == 1
        assert not Evidence.objects.exists()
        assert not EvidenceSource.objects.exists()

    def test_refit_updates_the_estimates(self, cast, api):
        rows = [_row(correct=True, item=f"q{n}") for n in range(4)]
        body = api.post("/evidence", {"rows": rows, "refit": True}).json()
        assert body["mastery_refitted"] is True
        estimate = api.get("/mastery", student=cast.ana.pk).json()["items"][0]
        assert estimate["observations"] == 4


class TestBadBatch:
    def test_every_bad_row_is_reported_and_nothing_written(self, cast, api):
        response = api.post(
            "/evidence",
            {
                "rows": [
                    _row(correct=True),
                    _row(student="zed", correct=True),
                    _row(skill="math.unknown", score=3, max=2),
                    _row(score=0.5, observed_at="2099-01-01T00:00:00Z"),
                    _row(),
                    _row(correct=True, score=1),
                ]
            },
        )
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "invalid_evidence"
        assert body["detail"].startswith("Nothing was imported: 5 of 6 rows are bad.")
        found = {(error["index"], error["field"]): error for error in body["errors"]}
        assert set(found) == {
            (1, "student"),
            (2, "skill"),
            (2, "score"),
            (3, "observed_at"),
            (4, "correct"),
            (5, "correct"),
        }
        assert found[1, "student"]["value"] == "zed"
        assert "No student in this school has this code" in found[1, "student"]["why"]
        assert "more than the max" in found[2, "score"]["why"]
        assert "in the future" in found[3, "observed_at"]["why"]
        assert not Evidence.objects.exists()
        assert not EvidenceSource.objects.exists()

    def test_a_student_of_another_school_is_unknown(self, cast, api):
        other = School.objects.create(name="Oak Middle", slug="oak")
        Student.objects.create(
            school=other, code="zoe", first_name="Zoe", last_name="K", grade=6
        )
        body = api.post("/evidence", {"rows": [_row(student="zoe", correct=True)]})
        assert body.status_code == 422
        assert body.json()["errors"][0]["field"] == "student"
        assert not Evidence.objects.exists()

    def test_a_clash_with_held_evidence_is_refused(self, cast, api):
        api.post("/evidence", {"rows": [_row(correct=True)]})
        body = api.post("/evidence", {"rows": [_row(correct=False)]}).json()
        assert body["code"] == "invalid_evidence"
        assert "another result" in body["errors"][0]["why"]
        assert Evidence.objects.get().correct is True

    def test_a_row_repeated_in_the_batch_is_refused(self, cast, api):
        body = api.post("/evidence", {"rows": [_row(correct=True)] * 2}).json()
        assert body["errors"][0]["index"] == 1
        assert not Evidence.objects.exists()

    def test_a_malformed_row_is_a_schema_problem_with_its_index(self, cast, api):
        response = api.post(
            "/evidence",
            {"rows": [_row(correct=True), _row(correct=True, observed_at="soon")]},
        )
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "invalid_request"
        assert body["errors"][0]["index"] == 1
        assert body["errors"][0]["field"] == "observed_at"
        assert body["errors"][0]["value"] == "soon"
        assert not Evidence.objects.exists()

    def test_a_skill_is_never_created(self, cast, api):
        api.post("/evidence", {"rows": [_row(skill="new.skill", correct=True)]})
        assert not Skill.objects.filter(code="new.skill").exists()
