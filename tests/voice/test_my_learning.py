"""My learning: mastery in the student's words, and their own view beside it."""

import pytest
from django.urls import reverse

from coplanner.curriculum.models import Prerequisite, Skill
from coplanner.mastery.models import MasteryEstimate
from coplanner.voice.models import SelfAssessment, SelfView
from coplanner.voice.queries import get_my_learning
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

TALK = "Let's talk about this in your conference"


def log_in(client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


def learning_url(student) -> str:
    return reverse("voice:my_learning", args=[student.pk])


@pytest.fixture
def skills(cast):
    """Ana (kindergarten) has mastered counting to 20, is adding, is not yet on
    shapes, is ready for counting to 100, and not for taking away."""

    def skill(code, name, grade, subject=cast.math, requires=()):
        made = Skill.objects.create(code=code, subject=subject, grade=grade, name=name)
        for other in requires:
            Prerequisite.objects.create(skill=made, requires=other)
        return made

    count20 = Skill.objects.get(code="math.k.count20")
    add5 = skill("math.k.add5", "Adding within 5", 0, requires=[count20])
    shapes = skill("math.k.shapes", "Naming shapes", 0)
    count100 = skill("math.1.count100", "Counting to 100", 1, requires=[count20])
    take5 = skill("math.k.take5", "Taking away within 5", 0, requires=[add5])
    far = skill("math.3.times", "Times tables", 3)
    for made, probability, observations in [
        (count20, 0.95, 12),
        (add5, 0.7, 6),
        (shapes, 0.3, 4),
    ]:
        MasteryEstimate.objects.create(
            student=cast.ana,
            skill=made,
            probability=probability,
            band="mastered"
            if probability >= 0.85
            else "developing"
            if probability >= 0.6
            else "not_yet",
            observations=observations,
        )
    return {
        "count20": count20,
        "add5": add5,
        "shapes": shapes,
        "count100": count100,
        "take5": take5,
        "far": far,
    }


class TestGroups:
    def test_strong_working_on_and_ready_for_next(self, cast, skills):
        learning = get_my_learning(cast.ana)
        assert [line.name for line in learning.strong] == ["Counting to 20"]
        assert [line.name for line in learning.working_on] == [
            "Adding within 5",
            "Naming shapes",
        ]
        assert [line.band for line in learning.working_on] == ["developing", "not yet"]
        # Ready to learn: every prerequisite mastered and no evidence yet;
        # taking away waits for adding, times tables are grades ahead.
        assert [line.name for line in learning.ready] == ["Counting to 100"]

    def test_page_uses_the_student_words(self, client, cast, skills):
        log_in(client, "ana")
        text = client.get(learning_url(cast.ana)).content.decode()
        assert "My learning" in text
        for words in ["I am strong in", "I am working on", "I am ready for next"]:
            assert words in text
        assert "Counting to 100" in text
        assert "Taking away within 5" not in text
        assert "Times tables" not in text

    def test_young_students_get_the_big_icons(self, client, cast, skills):
        log_in(client, "ana")
        assert "voice-young" in client.get(learning_url(cast.ana)).content.decode()
        log_in(client, "carla")
        assert (
            "voice-young" not in client.get(learning_url(cast.carla)).content.decode()
        )

    def test_no_data_yet_says_so(self, client, cast):
        log_in(client, "carla")
        text = client.get(learning_url(cast.carla)).content.decode()
        assert "Your teacher has not added anything here yet." in text


class TestSelfAssessment:
    def test_only_skills_being_worked_on_are_asked(self, client, cast, skills):
        log_in(client, "ana")
        text = client.get(learning_url(cast.ana)).content.decode()
        assert f'name="self_{skills["add5"].pk}"' in text
        assert f'name="self_{skills["shapes"].pk}"' in text
        assert f'name="self_{skills["count20"].pk}"' not in text
        client.post(learning_url(cast.ana), {f"self_{skills['count20'].pk}": "can_do"})
        assert not SelfAssessment.objects.exists()

    def test_a_new_view_keeps_the_earlier_one(self, client, cast, skills):
        add5 = skills["add5"]
        log_in(client, "ana")
        client.post(learning_url(cast.ana), {f"self_{add5.pk}": "not_yet"})
        client.post(learning_url(cast.ana), {f"self_{add5.pk}": "not_yet"})
        assert SelfAssessment.objects.count() == 1
        client.post(learning_url(cast.ana), {f"self_{add5.pk}": "getting_there"})
        rows = list(SelfAssessment.objects.order_by("created_at"))
        assert [row.value for row in rows] == ["not_yet", "getting_there"]
        assert rows[0].superseded_at is not None
        assert rows[1].superseded_at is None
        assert rows[1].answered_by == cast.ana.user

    def test_views_that_match_the_data_are_not_marked(self, client, cast, skills):
        log_in(client, "ana")
        client.post(
            learning_url(cast.ana),
            {
                f"self_{skills['add5'].pk}": "getting_there",
                f"self_{skills['shapes'].pk}": "not_yet",
            },
        )
        assert TALK not in client.get(learning_url(cast.ana)).content.decode()

    def test_a_difference_is_marked_for_student_and_coach(self, client, cast, skills):
        log_in(client, "ana")
        client.post(learning_url(cast.ana), {f"self_{skills['add5'].pk}": "can_do"})
        text = client.get(learning_url(cast.ana)).content.decode()
        assert text.count(TALK) == 1
        assert 'value="can_do" checked' in text

        log_in(client, "okafor")
        text = client.get(learning_url(cast.ana)).content.decode()
        assert text.count(TALK) == 1
        assert "differs from the data on 1 skill" in text
        assert "Developing" in text  # the coach sees the data's band

    def test_coach_answers_with_the_student(self, client, cast, skills):
        log_in(client, "okafor")
        client.post(learning_url(cast.ana), {f"self_{skills['shapes'].pk}": "not_yet"})
        row = SelfAssessment.objects.get()
        assert (row.value, row.answered_by) == (SelfView.NOT_YET, cast.okafor.user)


class TestAccess:
    def test_out_of_scope_is_not_found(self, client, cast, skills):
        log_in(client, "ana")
        assert client.get(learning_url(cast.ben)).status_code == 404
        log_in(client, "chen")
        assert client.get(learning_url(cast.ana)).status_code == 404
        log_in(client, "lopez")
        assert client.get(learning_url(cast.ben)).status_code == 404

    def test_staff_of_the_school_see_it(self, client, cast, skills):
        for username in ["rivera", "okafor", "hill"]:
            log_in(client, username)
            assert client.get(learning_url(cast.ana)).status_code == 200

    def test_a_guardian_reads_but_does_not_answer(self, client, cast, skills):
        log_in(client, "lopez")
        text = client.get(learning_url(cast.ana)).content.decode()
        assert "Adding within 5" in text
        assert "Save" not in text
        response = client.post(
            learning_url(cast.ana), {f"self_{skills['add5'].pk}": "can_do"}
        )
        assert response.status_code == 403
        assert not SelfAssessment.objects.exists()
