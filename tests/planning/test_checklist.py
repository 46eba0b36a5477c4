"""A student at autonomy level 3 drafts the week from a requirements checklist.

The cast's week has three blocks a day: math at 9, literacy at 10 and a free
block at 11, 40 minutes each. A drafted week holds the Reading nook in every
literacy block and Counting bears and Number puzzles around it. Here Ana is
moved up to level 3; her teacher then asks for a new activity, Shape hunt,
which her week does not hold yet.
"""

from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import translation

from coplanner.curriculum.models import Activity, Skill
from coplanner.engine.planner.check import check_plan
from coplanner.engine.planner.plan import Plan as EnginePlan
from coplanner.engine.planner.plan import Slot, StudentPlan
from coplanner.mastery.models import Band, MasteryEstimate
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.adapter import build_class_plan, build_class_problem
from coplanner.planning.checklist import (
    CHECKLIST_RULES,
    build_checklist,
    checklist_for,
    get_checklist,
)
from coplanner.planning.models import Conference, MustDo, Plan, Request
from coplanner.planning.queries import get_week_start
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

HAND_IN = "Hand my week to my coach"


def draft(cast):
    result = propose_class_drafts(cast.room1, get_week_start(), None, time_limit_s=3)
    assert result.has_plans, result


def plan_of(student):
    return Plan.objects.get(student=student, week_start=get_week_start())


def class_plan(cast, student):
    built = build_class_problem(
        cast.room1, get_week_start(), open_students=[student.pk]
    )
    return built, build_class_plan(built, get_week_start())


def log_in(client, username):
    assert client.login(username=username, password=PASSWORD)


def board_page(client, student):
    return client.get(reverse("conference:board", args=[student.pk])).content.decode()


def ask_live(client, student, **data):
    data.setdefault("version", plan_of(student).version)
    return client.post(
        reverse("conference:ask", args=[student.pk]),
        data,
        HTTP_X_REQUESTED_WITH="fetch",
    )


def hand_in(client, student, *, live=False, **data):
    data.setdefault("version", plan_of(student).version)
    extra = {"HTTP_X_REQUESTED_WITH": "fetch"} if live else {}
    return client.post(reverse("conference:hand_in", args=[student.pk]), data, **extra)


def handed_in_at(student):
    conference = Conference.objects.filter(plan=plan_of(student)).first()
    return conference.handed_in_at if conference else None


def item_line(page, text):
    """Return the checklist line of the board that holds `text`."""
    start = page.index(text)
    return page[page.rindex("<li", 0, start) : page.index("</li>", start)]


@pytest.fixture
def level3(cast):
    """Ana drafts at level 3, and her week misses the Shape hunt asked for."""
    cast.ana.autonomy = 3
    cast.ana.save()
    draft(cast)
    shapes = Activity.objects.create(
        school=cast.school,
        code="shapes",
        name="Shape hunt",
        subject=cast.math,
        modality="hands_on",
        colour="#3a9d5d",
    )
    MustDo.objects.create(
        classroom=cast.room1, student=cast.ana, activity=shapes, at_least=1
    )
    return cast


def add_shapes_monday(client, cast):
    response = ask_live(client, cast.ana, block="d0-1", choice="lock:shapes")
    assert Request.objects.last().outcome == "applied", Request.objects.last().answer
    return response


class TestItems:
    def test_the_items_are_the_rules_of_the_students_problem(self, cast):
        nook = Activity.objects.get(code="nook")
        puzzles = Activity.objects.get(code="puzzles")
        MustDo.objects.create(classroom=cast.room1, activity=nook, at_least=3)
        MustDo.objects.create(
            classroom=cast.room1, student=cast.ana, activity=puzzles, at_least=2
        )
        group = Activity.objects.create(
            school=cast.school,
            code="count-table",
            name="Counting table",
            subject=cast.math,
            modality="small_group",
            capacity=4,
            staff=cast.rivera,
        )
        count = Skill.objects.get(code="math.k.count20")
        group.skills.add(count)
        MasteryEstimate.objects.create(
            student=cast.ana, skill=count, probability=0.3, band=Band.NOT_YET
        )
        MasteryEstimate.objects.create(
            student=cast.ben, skill=count, probability=0.9, band=Band.MASTERED
        )
        draft(cast)

        built, current = class_plan(cast, cast.ana)
        checklist = checklist_for(built, current, "ana")
        rules = current.problem.rules
        must_dos = current.problem.student_by_id["ana"].must_do
        assert [item.rule for item in checklist.items] == [
            "must_do",
            "must_do",
            "small_group",
            "max_per_day",
        ]
        assert {
            (item.key, item.need) for item in checklist.items if item.rule == "must_do"
        } == {(f"must_do:{must.activity}", must.at_least) for must in must_dos}
        group_item = checklist.items[2]
        assert group_item.need == rules.small_group_at_least
        # The planner may give Ana more small-group time than she needs; the
        # item counts what her week holds.
        week = {
            slot.block: slot.activity for slot in current.plan.students["ana"].slots
        }
        held = sum(1 for activity in week.values() if activity == "count-table")
        assert held >= 2
        assert group_item.have == held
        assert group_item.text == (
            "Small group with a teacher (Counting table): at least 2 times"
            f" — you have {held}"
        )
        assert checklist.items[-1].text == "No activity more than once a day"
        assert checklist.complete  # the planner drafted a week that keeps them

        # Ben has mastered what the small group works on: it is not for him.
        built, current = class_plan(cast, cast.ben)
        ben = checklist_for(built, current, "ben")
        assert [item.rule for item in ben.items] == ["must_do", "max_per_day"]

    def test_subject_minutes_come_from_the_rules(self, cast):
        draft(cast)
        built, current = class_plan(cast, cast.ana)
        week = current.plan.students["ana"]
        math = sum(
            40 for slot in week.slots if slot.activity in ("counting", "puzzles")
        )
        problem = replace(
            current.problem,
            rules=replace(
                current.problem.rules,
                subject_minutes={"math": math + 40, "literacy": 200},
            ),
        )
        names = {"math": "Math", "literacy": "Literacy"}
        checklist = build_checklist(problem, "ana", week, names)

        math_item, literacy_item = checklist.items[:2]
        assert math_item.text == (
            f"Math: at least {math + 40} minutes — you have {math}"
        )
        assert not math_item.met
        assert math_item.to_do == "Add 40 more minutes of Math."
        assert literacy_item.text == "Literacy: at least 200 minutes — you have 200"
        assert literacy_item.met
        assert checklist.missing == (math_item,)

    def test_an_item_is_met_exactly_when_check_plan_keeps_its_rule(self, cast):
        draft(cast)
        built, current = class_plan(cast, cast.ana)
        problem = replace(
            current.problem,
            rules=replace(current.problem.rules, subject_minutes={"literacy": 240}),
        )
        student = replace(
            problem.student_by_id["ana"],
            locks=(),
            avoid=(),
            must_do=(current.problem.student_by_id["ana"].must_do),
        )
        solo = replace(problem, students=(student,))
        drafted = current.plan.students["ana"]
        # Nook twice on Monday: a day with one activity twice, and more
        # literacy minutes than the rule asks for.
        twice = StudentPlan(
            slots=tuple(
                Slot(slot.block, "nook") if slot.block == "d0-3" else slot
                for slot in drafted.slots
            )
        )
        for week in (drafted, twice):
            checklist = build_checklist(problem, "ana", week, {})
            plan = EnginePlan("feasible", None, None, 0.0, {"ana": week})
            broken = {
                v.rule
                for v in check_plan(solo, plan).violations
                if v.rule in CHECKLIST_RULES
            }
            assert {item.rule for item in checklist.missing} == broken
            for item in checklist.items:
                if item.rule != "max_per_day":
                    assert item.met == (item.have >= item.need)
        last = build_checklist(problem, "ana", twice, {}).items[-1]
        assert last.text == (
            "No activity more than once a day — Reading nook is there 2 times on Monday"
        )
        assert last.to_do == "Change one Reading nook on Monday to another activity."

    def test_the_checklist_speaks_spanish(self, level3):
        with translation.override("es"):
            checklist = get_checklist(level3.ana, get_week_start())
            assert checklist.items[0].text == ("Shape hunt: al menos 1 vez — tienes 0")
            assert checklist.items[0].to_do == "Añade Shape hunt 1 vez más."


class TestBoard:
    def test_a_missing_item_is_ticked_when_a_request_adds_it(self, client, level3):
        cast = level3
        log_in(client, "ana")
        page = board_page(client, cast.ana)
        assert "What my week must hold" in page
        line = item_line(page, "Shape hunt: at least 1 time — you have 0")
        assert 'class="missing"' in line and "Still missing:" in line
        assert "1 of 2 done" in page

        response = add_shapes_monday(client, cast)
        text = response.content.decode()
        assert response.status_code == 200 and "<html" not in text
        line = item_line(text, "Shape hunt: at least 1 time — you have 1")
        assert 'class="met"' in line and "Done:" in line
        assert "2 of 2 done" in text
        assert get_checklist(cast.ana, get_week_start()).complete

    def test_the_coach_sees_the_checklist_too(self, client, level3):
        log_in(client, "okafor")
        page = board_page(client, level3.ana)
        assert "What Ana's week must hold" in page
        assert "Shape hunt: at least 1 time — you have 0" in page
        assert HAND_IN not in page

    @pytest.mark.parametrize("level", [1, 2])
    def test_levels_1_and_2_have_no_checklist_and_no_hand_in(self, client, cast, level):
        cast.ana.autonomy = level
        cast.ana.save()
        draft(cast)
        log_in(client, "ana")
        page = board_page(client, cast.ana)
        assert HAND_IN not in page and "What my week must hold" not in page
        assert reverse("conference:hand_in", args=[cast.ana.pk]) not in page

        response = hand_in(client, cast.ana, live=True)
        assert response.status_code == 403
        assert "there is nothing to hand in" in response.content.decode()
        assert handed_in_at(cast.ana) is None


class TestHandIn:
    def test_only_a_week_that_holds_every_item_is_handed_in(self, client, level3):
        cast = level3
        log_in(client, "ana")
        page = board_page(client, cast.ana)
        button = page[page.index('<button type="button" class="hand-in-button"') :]
        button = button[: button.index("</button>")]
        assert "disabled" in button and HAND_IN in button
        assert "Not yet: Add Shape hunt 1 more time." in button

        response = hand_in(client, cast.ana, live=True)
        assert response.status_code == 400
        assert (
            "Your week is not ready to hand in yet. Add Shape hunt 1 more time."
            in response.content.decode()
        )
        assert handed_in_at(cast.ana) is None

        add_shapes_monday(client, cast)
        page = board_page(client, cast.ana)
        assert 'action="' + reverse("conference:hand_in", args=[cast.ana.pk]) in page
        response = hand_in(client, cast.ana)
        assert response.status_code == 302
        assert handed_in_at(cast.ana) is not None

        page = board_page(client, cast.ana)
        assert "Waiting for your coach" in page
        assert "Your week is with your coach now" in page
        assert HAND_IN not in page

    def test_the_coach_is_told_to_review_and_sign(self, client, level3):
        cast = level3
        log_in(client, "ana")
        add_shapes_monday(client, cast)
        hand_in(client, cast.ana)
        client.logout()

        log_in(client, "okafor")
        page = board_page(client, cast.ana)
        assert "Ana handed in their week: review it and sign." in page
        assert "Waiting for your coach" not in page

        client.post(
            reverse("conference:sign", args=[cast.ana.pk]),
            {"signer": "coach", "version": plan_of(cast.ana).version},
        )
        assert "Ana handed in their week" not in board_page(client, cast.ana)
        client.logout()

        log_in(client, "ana")
        page = board_page(client, cast.ana)
        assert "Your coach signed your week. Tap “I agree” when you agree." in page
        assert "Waiting for your coach" not in page and HAND_IN not in page

    def test_the_coach_changes_it_with_a_note_the_student_reads(self, client, level3):
        cast = level3
        log_in(client, "ana")
        add_shapes_monday(client, cast)
        hand_in(client, cast.ana)
        client.logout()

        log_in(client, "okafor")
        page = client.get(
            reverse("conference:board", args=[cast.ana.pk]) + "?block=d0-2"
        ).content.decode()
        assert "Note for Ana: why you changed it" in page
        ask_live(
            client,
            cast.ana,
            block="d0-2",
            choice="variant:buddy",
            note="Reading with Ben helps you",
        )
        assert Request.objects.last().outcome == "applied"
        assert handed_in_at(cast.ana) is not None
        client.logout()

        log_in(client, "ana")
        page = board_page(client, cast.ana)
        assert "Waiting for your coach" in page
        changes = page[page.index("Your coach changed:") :]
        assert "With a buddy" in changes and "Reading with Ben helps you" in changes

    def test_a_change_by_the_student_takes_the_week_back(self, client, level3):
        cast = level3
        log_in(client, "ana")
        add_shapes_monday(client, cast)
        hand_in(client, cast.ana)
        assert handed_in_at(cast.ana) is not None

        ask_live(client, cast.ana, block="d0-2", choice="variant:buddy")
        assert handed_in_at(cast.ana) is None
        page = board_page(client, cast.ana)
        assert "Waiting for your coach" not in page and HAND_IN in page

    def test_a_stale_board_cannot_hand_in(self, client, level3):
        cast = level3
        log_in(client, "ana")
        add_shapes_monday(client, cast)
        response = hand_in(client, cast.ana, live=True, version=1)
        assert response.status_code == 409
        assert handed_in_at(cast.ana) is None

    def test_the_coach_cannot_hand_in_for_the_student(self, client, level3):
        cast = level3
        log_in(client, "ana")
        add_shapes_monday(client, cast)
        client.logout()
        log_in(client, "okafor")
        response = hand_in(client, cast.ana, live=True)
        assert response.status_code == 403
        assert "Only Ana can hand in this week" in response.content.decode()
        assert handed_in_at(cast.ana) is None


class TestAccess:
    @pytest.mark.parametrize("username", ["ben", "carla", "chen", "lopez"])
    def test_out_of_scope_people_are_not_found(self, client, level3, username):
        cast = level3
        log_in(client, username)
        assert (
            client.get(reverse("conference:board", args=[cast.ana.pk])).status_code
            == 404
        )
        assert hand_in(client, cast.ana).status_code == 404
        assert not Conference.objects.exists()

    def test_signed_out_people_are_sent_to_log_in(self, client, level3):
        response = hand_in(client, level3.ana)
        assert response.status_code == 302 and "/login/" in response.url
        assert not Conference.objects.exists()
