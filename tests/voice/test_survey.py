"""The voice survey: cards per activity, versioned answers, who may answer."""

import logging

import pytest
from django.urls import reverse

from coplanner.curriculum.models import Activity, Skill
from coplanner.voice.actions import Answer, record_preferences
from coplanner.voice.models import FocusHelp, Goal, Preference, Rating, Reason
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


def survey_url(student) -> str:
    return reverse("voice:survey", args=[student.pk])


def activity(cast, code: str) -> Activity:
    return Activity.objects.get(school=cast.school, code=code)


def current(student, code: str) -> Preference:
    return Preference.objects.get(
        student=student, activity__code=code, superseded_at__isnull=True
    )


class TestCards:
    def test_a_card_per_activity_with_its_icon_and_name(self, client, cast):
        log_in(client, "ana")
        text = client.get(survey_url(cast.ana)).content.decode()
        for name, glyph in [
            ("Reading nook", "📖"),
            ("Counting bears", "🔢"),
            ("Number puzzles", "🧩"),
        ]:
            assert name in text
            assert glyph in text
        assert text.count('<fieldset class="voice-card') == 3

    def test_four_faces_and_the_reasons_on_every_card(self, client, cast):
        log_in(client, "ana")
        text = client.get(survey_url(cast.ana)).content.decode()
        nook = activity(cast, "nook")
        for rating in (2, 1, 0, -1):
            assert f'name="rating_{nook.pk}" value="{rating}"' in text
        assert f'name="reason_{nook.pk}" value="too_hard"' in text
        assert "I like the people" in text
        assert f'name="reason_text_{nook.pk}"' in text

    def test_another_class_own_activity_is_not_shown(self, client, cast):
        Activity.objects.create(
            school=cast.school,
            code="chen-table",
            name="Table with Mr Chen",
            subject=cast.math,
            modality="small_group",
            classroom=cast.room2,
        )
        log_in(client, "ana")
        assert (
            "Table with Mr Chen"
            not in client.get(survey_url(cast.ana)).content.decode()
        )
        log_in(client, "carla")
        assert (
            "Table with Mr Chen" in client.get(survey_url(cast.carla)).content.decode()
        )

    def test_read_aloud_buttons_carry_the_card_words_and_no_inline_script(
        self, client, cast
    ):
        log_in(client, "ana")
        text = client.get(survey_url(cast.ana)).content.decode()
        assert 'data-say="Reading nook. How do you feel about it?' in text
        assert "coplanner/voice.js" in text
        assert "<script>" not in text

    def test_current_answers_are_shown_checked(self, client, cast):
        nook = activity(cast, "nook")
        Preference.objects.create(
            student=cast.ana, activity=nook, rating=Rating.LOVE, reason=Reason.QUIET
        )
        log_in(client, "ana")
        text = client.get(survey_url(cast.ana)).content.decode()
        assert f'name="rating_{nook.pk}" value="2" checked' in text
        assert f'name="reason_{nook.pk}" value="quiet" checked' in text


class TestSaving:
    def test_student_saves_a_face_and_a_reason(self, client, cast):
        nook = activity(cast, "nook")
        log_in(client, "ana")
        response = client.post(
            survey_url(cast.ana),
            {f"rating_{nook.pk}": "2", f"reason_{nook.pk}": "people"},
        )
        assert response.status_code == 302
        preference = current(cast.ana, "nook")
        assert preference.rating == Rating.LOVE
        assert preference.reason == Reason.PEOPLE
        assert preference.answered_by == cast.ana.user
        assert Preference.objects.filter(student=cast.ana).count() == 1

    def test_a_new_answer_keeps_the_earlier_one_superseded(self, client, cast):
        nook = activity(cast, "nook")
        log_in(client, "ana")
        client.post(survey_url(cast.ana), {f"rating_{nook.pk}": "2"})
        first = current(cast.ana, "nook")
        client.post(
            survey_url(cast.ana),
            {f"rating_{nook.pk}": "-1", f"reason_{nook.pk}": "noisy"},
        )
        first.refresh_from_db()
        assert first.superseded_at is not None
        assert first.rating == Rating.LOVE
        latest = current(cast.ana, "nook")
        assert (latest.rating, latest.reason) == (Rating.DONT_LIKE, Reason.NOISY)
        assert Preference.objects.filter(student=cast.ana, activity=nook).count() == 2

    def test_unchanged_answers_add_nothing(self, client, cast):
        nook = activity(cast, "nook")
        counting = activity(cast, "counting")
        log_in(client, "ana")
        data = {
            f"rating_{nook.pk}": "1",
            f"reason_{nook.pk}": "fun",
            f"rating_{counting.pk}": "0",
        }
        client.post(survey_url(cast.ana), data)
        assert Preference.objects.filter(student=cast.ana).count() == 2
        response = client.post(survey_url(cast.ana), data, follow=True)
        assert Preference.objects.filter(student=cast.ana).count() == 2
        assert "Nothing changed" in response.content.decode()

    def test_a_card_left_empty_keeps_the_current_answer(self, client, cast):
        nook = activity(cast, "nook")
        counting = activity(cast, "counting")
        log_in(client, "ana")
        client.post(survey_url(cast.ana), {f"rating_{nook.pk}": "1"})
        client.post(survey_url(cast.ana), {f"rating_{counting.pk}": "2"})
        assert current(cast.ana, "nook").rating == Rating.LIKE

    def test_typed_reason_alone_is_something_else(self, client, cast):
        nook = activity(cast, "nook")
        log_in(client, "ana")
        client.post(
            survey_url(cast.ana),
            {f"rating_{nook.pk}": "1", f"reason_text_{nook.pk}": "  The cushions  "},
        )
        preference = current(cast.ana, "nook")
        assert preference.reason == Reason.OTHER
        assert preference.reason_text == "The cushions"

    def test_a_reason_without_a_face_asks_for_a_face(self, client, cast):
        nook = activity(cast, "nook")
        log_in(client, "ana")
        response = client.post(survey_url(cast.ana), {f"reason_{nook.pk}": "boring"})
        assert response.status_code == 200
        assert "Tap a face too, so we know how you feel about it." in (
            response.content.decode()
        )
        assert not Preference.objects.filter(student=cast.ana).exists()

    def test_a_rating_outside_the_faces_is_refused(self, client, cast):
        nook = activity(cast, "nook")
        log_in(client, "ana")
        response = client.post(survey_url(cast.ana), {f"rating_{nook.pk}": "5"})
        assert response.status_code == 200
        assert not Preference.objects.filter(student=cast.ana).exists()

    def test_coach_fills_it_in_with_the_student(self, client, cast):
        nook = activity(cast, "nook")
        log_in(client, "ana")
        client.post(survey_url(cast.ana), {f"rating_{nook.pk}": "0"})
        log_in(client, "okafor")
        page = client.get(survey_url(cast.ana)).content.decode()
        assert "You are filling this in with Ana" in page
        client.post(survey_url(cast.ana), {f"rating_{nook.pk}": "2"})
        preference = current(cast.ana, "nook")
        assert preference.answered_by == cast.okafor.user
        page = client.get(survey_url(cast.ana)).content.decode()
        assert "Answered with Emeka Okafor" in page
        earlier = Preference.objects.get(
            student=cast.ana, activity=nook, superseded_at__isnull=False
        )
        assert earlier.answered_by == cast.ana.user

    def test_teacher_fills_it_in_too(self, client, cast):
        nook = activity(cast, "nook")
        log_in(client, "rivera")
        client.post(survey_url(cast.ben), {f"rating_{nook.pk}": "1"})
        assert current(cast.ben, "nook").answered_by == cast.rivera.user


class TestGoalsAndFocus:
    def test_goal_picked_from_a_skill_takes_its_name_once(self, client, cast):
        skill = Skill.objects.get(code="math.k.count20")
        log_in(client, "ana")
        page = client.get(survey_url(cast.ana)).content.decode()
        assert "I want to get better at" in page
        assert "Counting to 20" in page  # offered from the student's grade
        client.post(survey_url(cast.ana), {"goal_skill": skill.pk})
        client.post(survey_url(cast.ana), {"goal_skill": skill.pk})
        goal = Goal.objects.get(student=cast.ana)
        assert (goal.text, goal.skill) == ("Counting to 20", skill)

    def test_goal_in_own_words(self, client, cast):
        log_in(client, "ana")
        client.post(survey_url(cast.ana), {"goal_text": "Reading big books"})
        assert Goal.objects.get(student=cast.ana).text == "Reading big books"
        page = client.get(survey_url(cast.ana)).content.decode()
        assert "Reading big books" in page

    def test_what_helps_focus_is_versioned(self, client, cast):
        log_in(client, "ana")
        client.post(survey_url(cast.ana), {"focus_aids": ["quiet_place", "timer"]})
        client.post(survey_url(cast.ana), {"focus_aids": ["timer", "quiet_place"]})
        assert FocusHelp.objects.filter(student=cast.ana).count() == 1
        client.post(
            survey_url(cast.ana),
            {"focus_aids": ["headphones"], "focus_text": "Music"},
        )
        rows = FocusHelp.objects.filter(student=cast.ana).order_by("answered_at")
        assert [row.superseded_at is None for row in rows] == [False, True]
        assert (rows[1].aids, rows[1].text) == (["headphones"], "Music")
        page = client.get(survey_url(cast.ana)).content.decode()
        assert 'value="headphones" checked' in page


class TestRecordPreferences:
    def test_only_changed_answers_are_written(self, cast):
        nook = activity(cast, "nook")
        counting = activity(cast, "counting")
        user = cast.ana.user
        first = record_preferences(
            cast.ana, {nook.pk: Answer(2), counting.pk: Answer(0, "boring")}, user
        )
        assert (first.created, first.unchanged) == (2, 0)
        second = record_preferences(
            cast.ana, {nook.pk: Answer(2), counting.pk: Answer(0, "too_easy")}, user
        )
        assert (second.created, second.unchanged) == (1, 1)
        assert Preference.objects.filter(student=cast.ana).count() == 3
        assert (
            Preference.objects.filter(
                student=cast.ana, superseded_at__isnull=True
            ).count()
            == 2
        )

    def test_logs_carry_ids_only(self, cast, caplog):
        nook = activity(cast, "nook")
        with caplog.at_level(logging.INFO, logger="coplanner.voice"):
            record_preferences(
                cast.ana, {nook.pk: Answer(-1, "other", "Secret words")}, None
            )
        assert str(cast.ana.pk) in caplog.text
        assert "Ana" not in caplog.text
        assert "Secret words" not in caplog.text


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client, cast):
        response = client.get(survey_url(cast.ana))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_student_sees_only_their_own(self, client, cast):
        log_in(client, "ana")
        assert client.get(survey_url(cast.ana)).status_code == 200
        assert client.get(survey_url(cast.ben)).status_code == 404
        nook = activity(cast, "nook")
        response = client.post(survey_url(cast.ben), {f"rating_{nook.pk}": "2"})
        assert response.status_code == 404
        assert not Preference.objects.exists()

    def test_a_teacher_sees_only_their_classes(self, client, cast):
        log_in(client, "rivera")
        assert client.get(survey_url(cast.ben)).status_code == 200
        assert client.get(survey_url(cast.carla)).status_code == 404

    def test_the_leader_sees_the_school(self, client, cast):
        log_in(client, "hill")
        assert client.get(survey_url(cast.carla)).status_code == 200

    def test_a_guardian_reads_but_does_not_answer(self, client, cast):
        nook = activity(cast, "nook")
        Preference.objects.create(student=cast.ana, activity=nook, rating=2)
        log_in(client, "lopez")
        page = client.get(survey_url(cast.ana)).content.decode()
        assert f'name="rating_{nook.pk}" value="2" checked disabled' in page
        assert "Save" not in page
        response = client.post(survey_url(cast.ana), {f"rating_{nook.pk}": "-1"})
        assert response.status_code == 403
        assert Preference.objects.get(student=cast.ana).rating == 2
        assert client.get(survey_url(cast.ben)).status_code == 404


class TestReachable:
    def test_class_page_links_each_student_survey_and_learning(self, client, cast):
        log_in(client, "rivera")
        page = client.get(reverse("classroom_detail", args=[cast.room1.pk]))
        text = page.content.decode()
        assert survey_url(cast.ana) in text
        assert reverse("voice:my_learning", args=[cast.ben.pk]) in text

    def test_the_student_week_links_my_voice_and_my_learning(self, client, cast):
        log_in(client, "ana")
        page = client.get(reverse("student_week", args=[cast.ana.pk]))
        text = page.content.decode()
        assert f'href="{survey_url(cast.ana)}">My voice' in text
        assert "My learning" in text
