"""Reads of the API: rosters, skills, mastery and plans of the token's school."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coplanner.curriculum.models import Activity, Prerequisite, Skill
from coplanner.mastery.models import MasteryEstimate
from coplanner.roster.models import District, Student
from tests.api.helpers import ApiClient, make_plan, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast):
    return ApiClient(make_token(cast.school))


def _add_students(cast, count, start=0):
    """Add students to Room 1, each with an estimate and a plan."""
    skill = Skill.objects.get(code="math.k.count20")
    activities = list(Activity.objects.filter(school=cast.school))
    for number in range(start, start + count):
        student = Student.objects.create(
            school=cast.school,
            classroom=cast.room1,
            code=f"extra{number}",
            first_name="Extra",
            last_name=str(number),
            grade=0,
        )
        MasteryEstimate.objects.create(
            student=student, skill=skill, probability=0.5, band="developing"
        )
        make_plan(student, activities)


class TestRosters:
    def test_school_with_its_district(self, cast, api):
        district = District.objects.create(name="Lakes", slug="lakes", source_id="D-1")
        cast.school.district = district
        cast.school.source_id = "S-9"
        cast.school.save()
        body = api.get("/school").json()
        assert body["slug"] == "maple"
        assert body["source_id"] == "S-9"
        assert body["district"]["source_id"] == "D-1"

    def test_students_carry_what_an_integration_matches_on(self, cast, api):
        cast.ana.source_id = "SIS-0001"
        cast.ana.save()
        body = api.get("/students").json()
        assert body["count"] == 3
        ana = next(item for item in body["items"] if item["code"] == "ana")
        assert ana == {
            "id": cast.ana.pk,
            "code": "ana",
            "first_name": "Ana",
            "last_name": "López",
            "grade": 0,
            "classroom_id": cast.room1.pk,
            "autonomy": 1,
            "source_id": "SIS-0001",
        }

    def test_students_of_one_classroom(self, cast, api):
        body = api.get("/students", classroom=cast.room2.pk).json()
        assert [item["code"] for item in body["items"]] == ["carla"]

    def test_classrooms_name_their_teachers_and_coach(self, cast, api):
        room1 = api.get(f"/classrooms/{cast.room1.pk}").json()
        assert room1["teacher_ids"] == [cast.rivera.pk]
        assert room1["coach_id"] == cast.okafor.pk

    def test_staff_with_their_classrooms(self, cast, api):
        items = {
            item["display_name"]: item for item in api.get("/staff").json()["items"]
        }
        assert items["Lucía Rivera"]["classroom_ids"] == [cast.room1.pk]
        assert items["Emeka Okafor"]["coached_classroom_ids"] == [cast.room1.pk]
        assert items["Dana Hill"]["role"] == "leader"


class TestPaging:
    def test_limit_and_offset_page_through_with_the_whole_count(self, cast, api):
        first = api.get("/students", limit=2).json()
        second = api.get("/students", limit=2, offset=2).json()
        assert (first["count"], second["count"]) == (3, 3)
        assert len(first["items"]) == 2 and len(second["items"]) == 1
        codes = [item["code"] for item in first["items"] + second["items"]]
        assert sorted(codes) == ["ana", "ben", "carla"]

    def test_a_limit_over_the_maximum_is_a_validation_problem(self, cast, api):
        response = api.get("/students", limit=501)
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "invalid_request"
        assert body["errors"][0]["field"] == "limit"
        assert body["errors"][0]["value"] == "501"

    @pytest.mark.parametrize(
        "path", ["/students", "/mastery", "/plans", "/classrooms", "/staff"]
    )
    def test_lists_cost_the_same_queries_for_2_and_20_students(self, cast, path):
        api = ApiClient(make_token(cast.school))
        _add_students(cast, 2)
        api.get(path)  # the first request of a process imports and caches
        with CaptureQueriesContext(connection) as few:
            assert api.get(path).status_code == 200
        _add_students(cast, 18, start=2)
        with CaptureQueriesContext(connection) as many:
            response = api.get(path)
        assert response.status_code == 200
        if path in ("/students", "/mastery", "/plans"):
            assert response.json()["count"] >= 20
        assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


class TestSkills:
    def test_skills_with_parent_and_prerequisites(self, cast, api):
        count = Skill.objects.get(code="math.k.count20")
        add = Skill.objects.create(
            code="math.k.add10",
            subject=cast.math,
            grade=0,
            name="Adding within 10",
            parent=count,
            source_id="CASE-42",
        )
        Prerequisite.objects.create(skill=add, requires=count)
        body = api.get(f"/skills/{add.pk}").json()
        assert body["parent_id"] == count.pk
        assert body["prerequisite_ids"] == [count.pk]
        assert body["source_id"] == "CASE-42"
        assert body["subject"] == "math"
        assert api.get("/skills", subject="literacy").json()["count"] == 0

    def test_unknown_skill_is_404(self, cast, api):
        response = api.get("/skills/987654")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


class TestMastery:
    def test_estimates_filtered_by_student_skill_and_classroom(self, cast, api):
        skill = Skill.objects.get(code="math.k.count20")
        seen = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)
        MasteryEstimate.objects.create(
            student=cast.ana,
            skill=skill,
            probability=0.97,
            band="mastered",
            observations=12,
            last_observed_at=seen,
        )
        MasteryEstimate.objects.create(
            student=cast.carla, skill=skill, probability=0.2, band="not_yet"
        )
        ana = api.get("/mastery", student=cast.ana.pk).json()
        assert ana["count"] == 1
        item = ana["items"][0]
        assert item["band"] == "mastered"
        assert item["probability"] == 0.97
        assert item["observations"] == 12
        assert datetime.datetime.fromisoformat(item["last_evidence_at"]) == seen
        assert (
            api.get("/mastery", classroom=cast.room2.pk).json()["items"][0][
                "student_id"
            ]
            == cast.carla.pk
        )
        assert api.get("/mastery", skill=skill.pk).json()["count"] == 2


class TestPlans:
    def test_a_students_week_is_its_current_version(self, cast, api):
        activities = list(Activity.objects.filter(school=cast.school).order_by("pk"))
        plan = make_plan(cast.ana, activities, versions=2)
        body = api.get(f"/students/{cast.ana.pk}/plan").json()
        assert body["id"] == plan.pk
        assert body["version"] == 2
        assert body["status"] == "draft"
        assert len(body["slots"]) == 15
        first = body["slots"][0]
        assert first["block"]["code"] == "d0-1"
        assert first["block"]["start"] == "09:00"
        assert first["reasons"] == ["Reason of version 2"]
        assert first["activity_id"] == activities[2].pk

    def test_plans_of_a_classroom(self, cast, api):
        activities = list(Activity.objects.filter(school=cast.school))
        make_plan(cast.ana, activities)
        make_plan(cast.carla, activities)
        body = api.get("/plans", classroom=cast.room1.pk).json()
        assert [item["student_id"] for item in body["items"]] == [cast.ana.pk]

    def test_a_week_without_a_plan_is_404(self, cast, api):
        response = api.get(f"/students/{cast.ana.pk}/plan", week="2020-01-08")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


class TestErrors:
    def test_an_unknown_address_is_a_404_problem(self, cast, api):
        response = api.get("/nothing/here")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"

    def test_a_method_not_taken_is_a_405_problem(self, cast, api):
        response = api.client.delete("/api/v1/students", headers=api.headers)
        assert response.status_code == 405
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "method_not_allowed"
        assert response["Allow"] == "GET"

    def test_a_server_error_is_a_500_problem(self, cast, api, monkeypatch):
        from coplanner.api import reads

        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(reads, "_student", broken)
        response = api.get("/students")
        assert response.status_code == 500
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "server_error"


def test_a_misspelt_filter_is_refused_not_ignored(cast, api):
    response = api.get("/students", clasroom=cast.room2.pk)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["errors"] == [
        {
            "index": None,
            "field": "clasroom",
            "value": str(cast.room2.pk),
            "why": "This address takes no such parameter. Check its spelling.",
        }
    ]
    assert "It takes: classroom, limit, offset." in body["detail"]
