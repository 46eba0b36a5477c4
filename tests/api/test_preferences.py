"""A student's preferences through the API: written as new versions, history kept."""

import pytest

from coplanner.curriculum.models import Activity
from coplanner.roster.models import School
from coplanner.voice.models import Preference
from tests.api.helpers import ApiClient, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(cast):
    return ApiClient(make_token(cast.school))


@pytest.fixture
def nook(cast):
    return Activity.objects.get(code="nook")


def test_a_new_rating_supersedes_the_old_one_and_keeps_it(cast, api, nook):
    path = f"/students/{cast.ana.pk}/preferences"
    first = api.post(path, {"activity_id": nook.pk, "rating": 2, "reason": "fun"})
    assert first.status_code == 200, first.content
    assert first.json()["changed"] is True
    second = api.post(
        path, {"activity_id": nook.pk, "rating": -1, "reason": "noisy"}
    ).json()
    assert (second["rating"], second["reason"]) == (-1, "noisy")

    history = Preference.objects.filter(student=cast.ana, activity=nook)
    assert history.count() == 2
    assert history.get(superseded_at__isnull=False).rating == 2
    current = api.get(path).json()
    assert current["count"] == 1
    assert current["items"][0]["rating"] == -1


def test_the_same_answer_again_changes_nothing(cast, api, nook):
    path = f"/students/{cast.ana.pk}/preferences"
    answer = {"activity_id": nook.pk, "rating": 1, "reason_text": "cosy"}
    api.post(path, answer)
    again = api.post(path, answer).json()
    assert again["changed"] is False
    assert Preference.objects.count() == 1


def test_a_rating_out_of_range_is_refused(cast, api, nook):
    response = api.post(
        f"/students/{cast.ana.pk}/preferences", {"activity_id": nook.pk, "rating": 3}
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["value"]) == ("rating", 3)
    assert not Preference.objects.exists()


def test_another_schools_activity_or_student_is_404(cast, api, nook):
    other = School.objects.create(name="Oak Middle", slug="oak")
    theirs = Activity.objects.create(
        school=other, code="chess", name="Chess", subject=cast.math, modality="other"
    )
    mine = f"/students/{cast.ana.pk}/preferences"
    assert api.post(mine, {"activity_id": theirs.pk, "rating": 1}).status_code == 404
    outsider = ApiClient(make_token(other))
    response = outsider.post(mine, {"activity_id": nook.pk, "rating": 1})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Preference.objects.exists()


def test_an_activity_of_another_classroom_is_404(cast, api, nook):
    nook.classroom = cast.room2
    nook.save()
    response = api.post(
        f"/students/{cast.ana.pk}/preferences", {"activity_id": nook.pk, "rating": 1}
    )
    assert response.status_code == 404
