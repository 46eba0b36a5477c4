"""The end-of-week reflection: faces per activity of the week, the goal, a note.

A reflection updates the student's preferences, which feed the next draft,
and the next conference opens with it ("Last week").
"""

import datetime
import html
import logging
import re

import pytest
from django.urls import reverse

from coplanner.curriculum.models import Activity
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.conference import Ask, record_request
from coplanner.planning.models import Plan, RequestOutcome
from coplanner.planning.queries import get_week_start
from coplanner.voice.actions import ReflectionAnswers, record_reflection
from coplanner.voice.models import (
    Goal,
    GoalProgress,
    Preference,
    Rating,
    Reason,
    Reflection,
    ReflectionRating,
)
from tests.cast import PASSWORD
from tests.handouts.helpers import make_plan

pytestmark = pytest.mark.django_db

THIS_WEEK = get_week_start()
LAST_WEEK = THIS_WEEK - datetime.timedelta(days=7)


def log_in(client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


def reflection_url(student, week: datetime.date | None = None) -> str:
    url = reverse("voice:reflection", args=[student.pk])
    return f"{url}?week={week.isoformat()}" if week else url


def activity(cast, code: str) -> Activity:
    return Activity.objects.get(school=cast.school, code=code)


def current(student, code: str) -> Preference:
    return Preference.objects.get(
        student=student, activity__code=code, superseded_at__isnull=True
    )


def faces(cast, **by_code: int) -> dict[str, str]:
    """Return the form data of faces by activity code."""
    return {
        f"rating_{activity(cast, code).pk}": str(rating)
        for code, rating in by_code.items()
    }


def shown_text(markup: str) -> str:
    """Return the words and glyphs a person sees in some markup, spaced once."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def newest_week(student, week_start: datetime.date) -> list:
    """Return the slots of the newest version of a student's plan that week."""
    plan = Plan.objects.get(student=student, week_start=week_start)
    version = plan.versions.order_by("-number").first()
    return list(version.slots.select_related("activity"))


class TestPage:
    def test_a_card_per_activity_of_the_week_in_the_order_of_the_week(
        self, client, cast
    ):
        make_plan(cast.ana)  # counting at 9, the nook at 10, puzzles at 11
        Activity.objects.create(
            school=cast.school,
            code="shapes",
            name="Shape hunt",
            subject=cast.math,
            modality="hands_on",
        )
        log_in(client, "ana")
        text = client.get(reflection_url(cast.ana)).content.decode()
        assert text.count('<fieldset class="voice-card') == 3
        assert "Shape hunt" not in text  # not in Ana's week
        order = [
            text.index(name)
            for name in ("Counting bears", "Reading nook", "Number puzzles")
        ]
        assert order == sorted(order)
        nook = activity(cast, "nook")
        for rating in (2, 1, 0, -1):
            assert f'name="rating_{nook.pk}" value="{rating}"' in text
        assert "Don&#x27;t like" in text or "Don't like" in text

    def test_read_aloud_buttons_as_on_the_survey(self, client, cast):
        make_plan(cast.ana)
        log_in(client, "ana")
        text = client.get(reflection_url(cast.ana)).content.decode()
        assert 'data-say="Reading nook. How did it go this week?' in text
        assert 'class="say"' in text and "coplanner/voice.js" in text
        assert "<script>" not in text

    def test_the_newest_version_of_the_plan_counts(self, client, cast):
        make_plan(cast.ana)
        make_plan(cast.ana, math="puzzles")  # counting was swapped out
        log_in(client, "ana")
        text = client.get(reflection_url(cast.ana)).content.decode()
        assert text.count('<fieldset class="voice-card') == 2
        assert "Counting bears" not in text

    def test_the_week_comes_from_the_address(self, client, cast):
        make_plan(cast.ana, LAST_WEEK)
        log_in(client, "okafor")
        page = client.get(reflection_url(cast.ana)).content.decode()
        assert 'class="voice-card' not in page
        assert "There was no plan this week, so there is nothing to look back on." in (
            page
        )
        wednesday = LAST_WEEK + datetime.timedelta(days=2)
        page = client.get(reflection_url(cast.ana, wednesday)).content.decode()
        assert page.count('<fieldset class="voice-card') == 3
        assert f'action="?week={LAST_WEEK.isoformat()}"' in page

    def test_a_week_not_started_cannot_be_answered(self, client, cast):
        later = THIS_WEEK + datetime.timedelta(days=7)
        make_plan(cast.ana, later)
        log_in(client, "ana")
        page = client.get(reflection_url(cast.ana, later)).content.decode()
        assert "This week has not started yet. Look back on it at its end." in page
        response = client.post(reflection_url(cast.ana, later), faces(cast, nook=2))
        assert response.status_code == 302
        assert not Reflection.objects.exists()

    def test_the_goal_question_has_three_answers(self, client, cast):
        make_plan(cast.ana)
        Goal.objects.create(student=cast.ana, text="Reading big books")
        log_in(client, "ana")
        page = client.get(reflection_url(cast.ana)).content.decode()
        assert "Did your goal move?" in page and "Reading big books" in page
        for value in ("yes", "a_little", "not_yet"):
            assert f'name="goal_progress" value="{value}"' in page


class TestSaving:
    def test_saving_stores_the_reflection_and_its_faces(self, client, cast):
        make_plan(cast.ana)
        Goal.objects.create(student=cast.ana, text="Reading big books")
        log_in(client, "ana")
        response = client.post(
            reflection_url(cast.ana),
            {
                **faces(cast, nook=1, counting=0),
                "goal_progress": "a_little",
                "note": "  The bears were fun  ",
            },
        )
        assert response.status_code == 302
        reflection = Reflection.objects.get(student=cast.ana)
        assert reflection.week_start == THIS_WEEK
        assert reflection.goal_progress == GoalProgress.A_LITTLE
        assert reflection.goal_moved is True
        assert reflection.note == "The bears were fun"
        assert reflection.answered_by == cast.ana.user
        assert {row.activity.code: row.rating for row in reflection.ratings.all()} == {
            "nook": 1,
            "counting": 0,
        }
        page = client.get(reflection_url(cast.ana)).content.decode()
        assert f'name="rating_{activity(cast, "nook").pk}" value="1" checked' in page
        assert 'value="a_little" checked' in page

    def test_a_new_preference_version_only_where_the_face_changed(self, client, cast):
        make_plan(cast.ana)
        nook, counting = activity(cast, "nook"), activity(cast, "counting")
        Preference.objects.create(
            student=cast.ana, activity=nook, rating=Rating.LOVE, reason=Reason.QUIET
        )
        Preference.objects.create(
            student=cast.ana, activity=counting, rating=Rating.OKAY
        )
        log_in(client, "ana")
        response = client.post(
            reflection_url(cast.ana), faces(cast, nook=-1, counting=0, puzzles=1)
        )
        assert response.status_code == 302
        reflection = Reflection.objects.get(student=cast.ana)

        # The nook: the loved answer stays, superseded; the new one says why.
        rows = list(
            Preference.objects.filter(student=cast.ana, activity=nook).order_by(
                "answered_at", "pk"
            )
        )
        assert [(row.rating, row.superseded_at is None) for row in rows] == [
            (Rating.LOVE, False),
            (Rating.DONT_LIKE, True),
        ]
        assert rows[0].reason == Reason.QUIET and rows[0].reflection is None
        assert rows[1].reflection == reflection
        assert rows[1].answered_by == cast.ana.user
        # Counting bears: the same face, so nothing new.
        assert (
            Preference.objects.filter(student=cast.ana, activity=counting).count() == 1
        )
        assert current(cast.ana, "counting").reflection is None
        # Number puzzles had no answer: the reflection gives its first.
        assert current(cast.ana, "puzzles").rating == Rating.LIKE
        assert Preference.objects.filter(student=cast.ana).count() == 4

        survey = client.get(reverse("voice:survey", args=[cast.ana.pk]))
        assert "From the reflection on the week of" in survey.content.decode()

    def test_answering_the_week_again_updates_it(self, client, cast):
        make_plan(cast.ana)
        log_in(client, "ana")
        client.post(
            reflection_url(cast.ana), {**faces(cast, nook=-1), "note": "Too loud"}
        )
        client.post(
            reflection_url(cast.ana),
            {**faces(cast, nook=1, counting=2), "note": "Better with a buddy"},
        )
        reflection = Reflection.objects.get(student=cast.ana)
        assert reflection.note == "Better with a buddy"
        assert ReflectionRating.objects.filter(reflection=reflection).count() == 2
        assert (
            ReflectionRating.objects.get(
                reflection=reflection, activity__code="nook"
            ).rating
            == Rating.LIKE
        )
        assert current(cast.ana, "nook").rating == Rating.LIKE
        assert (
            Preference.objects.filter(student=cast.ana, activity__code="nook").count()
            == 2
        )

    def test_saving_the_same_again_does_not_undo_a_newer_survey_answer(
        self, client, cast
    ):
        make_plan(cast.ana)
        nook = activity(cast, "nook")
        log_in(client, "ana")
        client.post(reflection_url(cast.ana), faces(cast, nook=-1))
        client.post(
            reverse("voice:survey", args=[cast.ana.pk]), {f"rating_{nook.pk}": "2"}
        )
        response = client.post(
            reflection_url(cast.ana), faces(cast, nook=-1), follow=True
        )
        assert "Nothing changed, so there was nothing to save." in (
            response.content.decode()
        )
        assert current(cast.ana, "nook").rating == Rating.LOVE

    def test_an_empty_reflection_asks_for_a_face(self, client, cast):
        make_plan(cast.ana)
        log_in(client, "ana")
        response = client.post(reflection_url(cast.ana), {})
        assert response.status_code == 200
        assert "Tap a face for at least one activity, then save." in (
            response.content.decode()
        )
        assert not Reflection.objects.exists()

    def test_an_activity_outside_the_week_is_ignored(self, client, cast):
        make_plan(cast.ana, math="puzzles")
        log_in(client, "ana")
        client.post(reflection_url(cast.ana), faces(cast, counting=-1, nook=2))
        reflection = Reflection.objects.get()
        assert [row.activity.code for row in reflection.ratings.all()] == ["nook"]
        assert not Preference.objects.filter(activity__code="counting").exists()

    def test_the_coach_fills_it_in_with_the_student(self, client, cast):
        make_plan(cast.ana)
        log_in(client, "okafor")
        page = client.get(reflection_url(cast.ana)).content.decode()
        assert "You are filling this in with Ana" in page
        client.post(reflection_url(cast.ana), faces(cast, nook=0))
        assert Reflection.objects.get().answered_by == cast.okafor.user
        assert current(cast.ana, "nook").answered_by == cast.okafor.user
        page = client.get(reflection_url(cast.ana)).content.decode()
        assert "Answered with Emeka Okafor" in page

    def test_the_action_refuses_a_day_that_is_not_a_monday(self, cast):
        nook = activity(cast, "nook")
        with pytest.raises(ValueError, match="Monday"):
            record_reflection(
                cast.ana,
                THIS_WEEK + datetime.timedelta(days=1),
                ReflectionAnswers({nook.pk: 2}),
                None,
            )
        with pytest.raises(ValueError, match="face"):
            record_reflection(
                cast.ana, THIS_WEEK, ReflectionAnswers({nook.pk: 5}), None
            )
        assert not Reflection.objects.exists()


class TestNextDraft:
    def test_a_loved_activity_turned_dont_like_comes_less_in_the_next_draft(
        self, client, cast
    ):
        # A second literacy activity, so the literacy block has a choice.
        Activity.objects.create(
            school=cast.school,
            code="tablets",
            name="Story tablets",
            subject=cast.literacy,
            modality="online",
            icon="tablet",
        )
        nook = activity(cast, "nook")
        Preference.objects.create(student=cast.ana, activity=nook, rating=Rating.LOVE)
        make_plan(cast.ana, LAST_WEEK)

        assert propose_class_drafts(cast.room1, THIS_WEEK, None, 3).has_plans
        before = newest_week(cast.ana, THIS_WEEK)
        nook_before = sum(slot.activity.code == "nook" for slot in before)
        assert nook_before == 5  # every day, as Ana loves it
        assert any("You love: Reading nook" in slot.reasons for slot in before)
        voice_before = Plan.objects.get(student=cast.ana, week_start=THIS_WEEK)
        voice_before = voice_before.versions.order_by("-number").first().voice

        log_in(client, "ana")
        client.post(reflection_url(cast.ana, LAST_WEEK), faces(cast, nook=-1))
        assert current(cast.ana, "nook").rating == Rating.DONT_LIKE

        assert propose_class_drafts(cast.room1, THIS_WEEK, None, 3).has_plans
        after = newest_week(cast.ana, THIS_WEEK)
        nook_after = sum(slot.activity.code == "nook" for slot in after)
        assert nook_after < nook_before
        assert not any("You love: Reading nook" in slot.reasons for slot in after)
        plan = Plan.objects.get(student=cast.ana, week_start=THIS_WEEK)
        assert plan.versions.count() == 2
        assert plan.versions.order_by("-number").first().voice < voice_before


class TestLastWeekOnTheBoard:
    @pytest.fixture
    def last_week(self, cast):
        """Last week: drafted, Ana asked for the nook with a buddy, the coach
        swapped two blocks; this week: drafted."""
        assert propose_class_drafts(cast.room1, LAST_WEEK, None, 3).has_plans
        asked = record_request(
            cast.ana,
            LAST_WEEK,
            Ask(kind="variant", block="d0-2", variant="buddy"),
            cast.ana.user,
            None,
        )
        assert asked.outcome == RequestOutcome.APPLIED, asked.answer
        swapped = record_request(
            cast.ana,
            LAST_WEEK,
            Ask(kind="swap", block="d1-1", other_block="d1-3"),
            cast.okafor.user,
            None,
        )
        assert swapped.outcome == RequestOutcome.APPLIED, swapped.answer
        assert propose_class_drafts(cast.room1, THIS_WEEK, None, 3).has_plans
        return cast

    def board(self, client, student) -> str:
        return client.get(
            reverse("conference:board", args=[student.pk])
        ).content.decode()

    def test_the_board_shows_how_last_week_went(self, client, last_week):
        cast = last_week
        log_in(client, "ana")
        client.post(
            reflection_url(cast.ana, LAST_WEEK),
            {**faces(cast, nook=1, counting=-1, puzzles=2), "note": "Buddies help"},
        )
        client.logout()

        log_in(client, "okafor")
        page = self.board(client, cast.ana)
        panel = page[page.index('<section class="last-week"') :].split("</section>")[0]
        text = shown_text(panel)
        assert text.startswith("💭 Last week")
        for line in (
            "Reading nook 🙂 Like",
            "Counting bears 🙁 Don't like",
            "Number puzzles 😍 Love",
            "Buddies help",
        ):
            assert line in text
        question = (
            "Last week you asked to do Reading nook like this: With a buddy"
            " — how did it go?"
        )
        assert f"💡 {question} 🙂 Like" in text
        assert f'data-say="{question}"' in panel
        # The coach's own change is not asked about as the student's idea.
        assert "swap" not in text

    def test_without_a_reflection_the_question_stays_and_links_to_it(
        self, client, last_week
    ):
        cast = last_week
        log_in(client, "okafor")
        page = self.board(client, cast.ana)
        assert "There is no reflection on last week yet." in page
        assert reflection_url(cast.ana, LAST_WEEK) in page
        assert "Last week you asked to do Reading nook like this: With a buddy" in page

    def test_the_live_part_of_the_board_leaves_it_out(self, client, last_week):
        cast = last_week
        log_in(client, "okafor")
        response = client.get(
            reverse("conference:board", args=[cast.ana.pk]),
            HTTP_X_REQUESTED_WITH="fetch",
        )
        assert 'class="live"' in response.content.decode()
        assert "Last week you asked" not in response.content.decode()

    def test_nothing_is_shown_without_last_week(self, client, cast):
        assert propose_class_drafts(cast.room1, THIS_WEEK, None, 3).has_plans
        log_in(client, "okafor")
        assert 'class="last-week"' not in self.board(client, cast.ana)


class TestAccess:
    @pytest.mark.parametrize(
        ("username", "status"),
        [
            ("ana", 200),
            ("okafor", 200),
            ("rivera", 200),
            ("hill", 200),
            ("lopez", 200),
            ("ben", 404),
            ("chen", 404),
            ("carla", 404),
        ],
    )
    def test_who_may_open_the_reflection(self, client, cast, username, status):
        log_in(client, username)
        assert client.get(reflection_url(cast.ana)).status_code == status

    def test_anonymous_is_sent_to_login(self, client, cast):
        response = client.get(reflection_url(cast.ana))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_someone_out_of_scope_cannot_answer(self, client, cast):
        make_plan(cast.ana)
        for username in ("ben", "chen"):
            log_in(client, username)
            response = client.post(reflection_url(cast.ana), faces(cast, nook=2))
            assert response.status_code == 404
        assert not Reflection.objects.exists()

    def test_a_guardian_reads_but_does_not_answer(self, client, cast):
        make_plan(cast.ana)
        log_in(client, "ana")
        client.post(reflection_url(cast.ana), faces(cast, nook=2))
        client.logout()

        log_in(client, "lopez")
        page = client.get(reflection_url(cast.ana)).content.decode()
        nook = activity(cast, "nook")
        assert f'name="rating_{nook.pk}" value="2" checked disabled' in page
        assert "Save" not in page
        response = client.post(reflection_url(cast.ana), faces(cast, nook=-1))
        assert response.status_code == 403
        assert ReflectionRating.objects.get().rating == Rating.LOVE
        assert current(cast.ana, "nook").rating == Rating.LOVE


class TestLogs:
    def test_logs_carry_ids_only(self, cast, caplog):
        make_plan(cast.ana)
        nook = activity(cast, "nook")
        with caplog.at_level(logging.INFO, logger="coplanner"):
            record_reflection(
                cast.ana,
                THIS_WEEK,
                ReflectionAnswers({nook.pk: -1}, note="Secret words"),
                cast.ana.user,
            )
        assert "Recorded reflection" in caplog.text
        assert str(cast.ana.pk) in caplog.text
        for word in ("Ana", "López", "Secret words", "Reading nook"):
            assert word not in caplog.text


class TestReachable:
    def test_the_student_week_links_the_reflection(self, client, cast):
        log_in(client, "ana")
        page = client.get(reverse("student_week", args=[cast.ana.pk]))
        assert f'href="{reflection_url(cast.ana)}">How did my week go?' in (
            page.content.decode()
        )
        log_in(client, "rivera")
        page = client.get(reverse("student_week", args=[cast.ana.pk]))
        assert f'href="{reflection_url(cast.ana)}">Reflection' in page.content.decode()

    def test_the_voice_pages_link_the_reflection(self, client, cast):
        log_in(client, "ana")
        page = client.get(reverse("voice:survey", args=[cast.ana.pk]))
        assert reflection_url(cast.ana) in page.content.decode()
        page = client.get(reflection_url(cast.ana)).content.decode()
        assert f'href="{reflection_url(cast.ana)}" aria-current="page"' in page
