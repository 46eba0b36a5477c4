"""The weekly loop in a real browser, as the people at the table walk it.

Voice survey, the class's draft, the conference board (options, a refusal
with its alternatives, a must-do done another way), both signatures, a later
change and the version history; a student who arranges a day, one who
drafts the week and hands it in, a reflection that changes the next draft;
then the board of a class of 25 from the demo school: how fast a request is
answered, how the board fits a laptop and a phone, and whether it works by
keyboard with a name on every control.

The cast's week has math at 9, literacy at 10 and a free block at 11 on each
day (see ``tests/cast.py``). ``COPLANNER_SCREENSHOTS=1`` also saves the
README's pictures of the board and the class view into ``docs/``.
"""

import datetime
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from coplanner.curriculum.models import Activity, Variant
from coplanner.demo.load import load_demo_school
from coplanner.mastery.actions import record_mastery_fit
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.adapter import build_class_plan, build_class_problem
from coplanner.planning.conference import (
    block_options,
    record_signature,
    start_conference,
)
from coplanner.planning.models import (
    ChangeSource,
    MustDo,
    Plan,
    PlanStatus,
    Request,
    RequestOutcome,
    Slot,
)
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Classroom, Student
from coplanner.voice.models import Preference, Rating, Reason
from tests.cast import PASSWORD, Cast
from tests.handouts.helpers import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).parents[2] / "docs"
SCREENSHOTS = os.environ.get("COPLANNER_SCREENSHOTS") == "1"
LAPTOP = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


# What a person does and sees ------------------------------------------------


def log_in(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def card(page: Page, day: str, time: str) -> Locator:
    """Return the board's card of a block, as a person finds it: day, then time."""
    return (
        page.get_by_role("listitem", name=day, exact=True)
        .locator("a.card")
        .filter(has_text=time)
    )


def card_name(page: Page, day: str, time: str) -> str:
    return card(page, day, time).locator(".name").inner_text()


def panel(page: Page) -> Locator:
    return page.get_by_role("complementary", name="What you can ask")


def answer(page: Page) -> Locator:
    return page.locator("section.answer")


def expect_version(page: Page, number: int) -> None:
    """Wait until the board shows version `number` of the plan."""
    expect(page.locator("#board .live")).to_have_attribute("data-version", str(number))


def gauge(page: Page, part: str) -> float:
    return float(page.locator(f"#gauge-{part}").get_attribute("value") or "nan")


def open_card(page: Page, day: str, time: str) -> Locator:
    """Tap a card and wait for its panel."""
    name = card_name(page, day, time)
    card(page, day, time).click()
    expect(panel(page).locator(".meta")).to_contain_text(f"{day} {time}")
    expect(panel(page).get_by_role("heading")).to_have_text(name)
    return panel(page)


# Reads a person would make on the database ------------------------------------


def plan_of(student: Student) -> Plan:
    return Plan.objects.get(student=student, week_start=get_week_start())


def newest(student: Student) -> dict[str, tuple[str, str | None]]:
    """Return block code -> (activity code, variant code) of the newest version."""
    version = plan_of(student).versions.order_by("-number").first()
    return {
        slot.block.code: (
            slot.activity.code,
            slot.variant.code if slot.variant else None,
        )
        for slot in version.slots.select_related("block", "activity", "variant")
    }


# 1. A level-1 student and the coach, from the survey to the agreed plan --------


@pytest.fixture
def room1_for_a_conference(cast: Cast) -> Cast:
    """Room 1 before the conference week.

    Shape hunt has one seat; the Reading nook is a must-do of the class and
    can also be done with headphones. Ben's week is agreed already, with
    the Shape hunt seat on Monday at 9.
    """
    shapes = Activity.objects.create(
        school=cast.school,
        code="shapes",
        name="Shape hunt",
        subject=cast.math,
        modality="hands_on",
        capacity=1,
        icon="puzzle",
        colour="#3a9d5d",
    )
    nook = Activity.objects.get(code="nook")
    Variant.objects.create(activity=nook, code="headphones", label="With headphones")
    MustDo.objects.create(classroom=cast.room1, activity=nook, at_least=1)
    bens_week = make_plan(cast.ben)  # agreed
    Slot.objects.filter(version=bens_week, block__code="d0-1").update(activity=shapes)
    return cast


def test_a_level_1_student_and_the_coach_agree_on_the_week(
    page: Page, new_context, live_server, room1_for_a_conference
):
    cast = room1_for_a_conference
    tablet = new_context().new_page()  # Ana's own tablet

    # Ana tells what she thinks of two activities.
    log_in(tablet, live_server, "ana")
    expect(tablet.get_by_role("heading", name="My week")).to_be_visible()
    tablet.get_by_role("link", name="My voice").click()
    nook_card = tablet.get_by_role("group", name="Reading nook", exact=True)
    nook_card.get_by_text("Don't like", exact=True).click()
    nook_card.get_by_text("Why?", exact=True).click()
    nook_card.get_by_text("Too noisy").click()
    shapes_card = tablet.get_by_role("group", name="Shape hunt", exact=True)
    shapes_card.get_by_text("Love", exact=True).click()
    tablet.get_by_role("button", name="Save my answers").click()
    expect(tablet.get_by_text("Saved. Thank you for telling us!")).to_be_visible()
    nook = Preference.objects.get(
        student=cast.ana, activity__code="nook", superseded_at__isnull=True
    )
    assert (nook.rating, nook.reason) == (Rating.DONT_LIKE, Reason.NOISY)

    # The coach drafts the class, then opens the next student's board.
    log_in(page, live_server, "okafor")
    expect(page.get_by_role("heading", name="Room 1")).to_be_visible()
    page.get_by_role("button", name="Draft this week's plans").click()
    expect(
        page.get_by_text(re.compile(r"Drafted 1 plan in \d+ second"))
    ).to_be_visible()
    page.get_by_role("link", name="Conference week: who is where, who is next").click()
    expect(page.get_by_role("heading", name="Conferences in Room 1")).to_be_visible()
    page.get_by_role("link", name="Next student: Ana López").click()
    expect(page.get_by_role("heading", name="Ana's week")).to_be_visible()
    page.get_by_role("button", name="Start the conference").click()
    expect(page.locator(".conf-title .pill")).to_have_text("In conference")

    # The Reading nook is a must-do: marked on every card, never taken out.
    nooks = page.locator("a.card", has_text="Reading nook")
    expect(nooks).to_have_count(5)
    expect(nooks.filter(has_text="Must-do")).to_have_count(5)

    # Ana picks the option offered for Wednesday at 11: applied, the card
    # changes, and the gauges move (she loves it; it teaches nothing new).
    voice, rigor = gauge(page, "voice"), gauge(page, "rigor")
    choices = open_card(page, "Wednesday", "11:00")
    offered = choices.get_by_role("group", name="Or choose another activity")
    offered.get_by_role("button", name="Shape hunt").click()
    expect_version(page, 2)
    expect(card(page, "Wednesday", "11:00")).to_contain_text("Shape hunt")
    expect(card(page, "Wednesday", "11:00")).to_have_class(re.compile(r"\bchanged\b"))
    assert gauge(page, "voice") > voice and gauge(page, "rigor") < rigor
    assert newest(cast.ana)["d2-3"] == ("shapes", None)

    # She asks for it on Monday at 9 too, where Ben has the only seat: no,
    # with the rule in words and what is possible instead, which applies.
    monday = card_name(page, "Monday", "09:00")
    choices = open_card(page, "Monday", "09:00")
    choices.get_by_label("Ask for any activity that fits").select_option(
        label="Shape hunt"
    )
    choices.get_by_role("button", name="Ask", exact=True).click()
    expect(answer(page)).to_contain_text("The station is full then.")
    expect(answer(page)).to_contain_text("Shape hunt has 1 seat")
    expect(answer(page)).to_contain_text("What is possible instead:")
    expect(card(page, "Monday", "09:00")).to_contain_text(monday)
    refused = Request.objects.latest("pk")
    assert refused.outcome == RequestOutcome.REFUSED
    assert refused.details["rule"] == "capacity"
    assert_every_control_named(page, ("button", "Shape hunt on Tuesday at 09:00"))
    instead = answer(page).get_by_role("button", name="Shape hunt on Tuesday at 09:00")
    instead.click()
    expect_version(page, 3)
    expect(card(page, "Tuesday", "09:00")).to_contain_text("Shape hunt")
    assert newest(cast.ana)["d1-1"] == ("shapes", None)

    # The must-do she dislikes stays; she chooses how to do it on Monday.
    choices = open_card(page, "Monday", "10:00")
    expect(choices).to_contain_text("This is a must-do, so it stays.")
    expect(choices.get_by_role("button", name="Take out")).to_have_count(0)
    drafted_variant = newest(cast.ana)["d0-2"][1]
    wanted = "With a buddy" if drafted_variant == "headphones" else "With headphones"
    how = choices.get_by_role("group", name="Choose how to do it")
    how.get_by_role("button", name=wanted).click()
    expect_version(page, 4)
    expect(card(page, "Monday", "10:00").locator(".variant")).to_have_text(wanted)
    assert newest(cast.ana)["d0-2"][0] == "nook"

    # Both sign: the coach, then Ana taps her picture and "I agree".
    page.get_by_role("button", name="Sign as coach").click()
    expect(page.get_by_text("✓ The coach signed")).to_be_visible()
    page.get_by_text("Ana, tap here when you agree").click()
    page.get_by_role("button", name="I agree").click()
    expect(page.get_by_text("✓ Ana agrees")).to_be_visible()
    expect(
        page.get_by_text("Agreed by both. This is the plan for the week.")
    ).to_be_visible()
    expect(page.locator(".conf-title .pill")).to_have_text("Agreed")
    agreed = plan_of(cast.ana)
    assert agreed.status == PlanStatus.AGREED
    ideas = page.locator(".record .ideas li")
    expect(ideas).to_have_count(3)  # the option, the alternative, the variant

    # On her own tablet Ana finds the agreed week and her ideas in it; at
    # level 1 she chooses, she does not swap.
    tablet.get_by_role("link", name="My week", exact=True).click()
    expect(tablet.locator(".pill.agreed")).to_be_visible()
    tablet.get_by_role("link", name="Change my week").click()
    expect(tablet.get_by_text("Agreed by both.")).to_be_visible()
    expect(
        tablet.get_by_role("heading", name="Your ideas in this plan")
    ).to_be_visible()
    expect(tablet.locator(".record .ideas li")).to_have_count(3)
    own = open_card(tablet, "Friday", "10:00")
    expect(own.get_by_role("group", name="Choose how to do it")).to_be_visible()
    expect(own.get_by_text("Swap with another block")).to_have_count(0)

    # Later the coach changes the agreed week: a new version, signed again.
    friday_nine, friday_eleven = (
        card_name(page, "Friday", "09:00"),
        card_name(page, "Friday", "11:00"),
    )
    choices = open_card(page, "Friday", "09:00")
    choices.get_by_label("This is Ana's idea").uncheck()
    choices.get_by_label("Note (optional)").fill(
        "Ms Rivera needs the 11:00 table on Friday"
    )
    swap = choices.get_by_label("Swap with")
    swap.select_option(label=f"Friday at 11:00 · {friday_eleven}")
    choices.get_by_role("button", name="Swap", exact=True).click()
    expect_version(page, 5)
    expect(card(page, "Friday", "09:00")).to_contain_text(friday_eleven)
    expect(card(page, "Friday", "11:00")).to_contain_text(friday_nine)
    expect(page.locator(".conf-title .pill")).to_have_text("In conference")
    expect(page.get_by_role("button", name="Sign as coach")).to_be_visible()
    changed = plan_of(cast.ana)
    assert changed.version == agreed.version + 1
    assert changed.status == PlanStatus.IN_CONFERENCE
    latest = changed.versions.get(number=changed.version)
    assert latest.source == ChangeSource.COACH

    # The history lists the versions and shows what changed from the agreed one.
    page.get_by_role("link", name="Version history").click()
    expect(
        page.get_by_role("heading", name="Ana López's plan: version history")
    ).to_be_visible()
    rows = page.locator("table.versions tbody tr")
    expect(rows).to_have_count(changed.version)
    expect(rows.first).to_contain_text("Ms Rivera needs the 11:00 table on Friday")
    expect(rows.first).to_contain_text("Coach edit")
    expect(rows.first).to_contain_text("Emeka Okafor")
    expect(rows.nth(1)).to_contain_text("Student request")
    expect(rows.last).to_contain_text("Drafted by the planner")
    expect(
        page.get_by_role(
            "heading",
            name=f"From version {agreed.version} to version {changed.version}",
        )
    ).to_be_visible()
    diff = page.locator("table.diff tbody tr")
    expect(diff).to_have_count(2)
    expect(diff.nth(0)).to_contain_text(f"Friday 09:00{friday_nine}{friday_eleven}")
    expect(diff.nth(1)).to_contain_text(f"Friday 11:00{friday_eleven}{friday_nine}")


# 2. A level-2 student arranges a day ------------------------------------------


def test_a_level_2_student_reorders_a_day_but_not_across_days(
    page: Page, live_server, cast
):
    assert propose_class_drafts(cast.room2, get_week_start(), None, 3).has_plans
    version = plan_of(cast.carla).version

    log_in(page, live_server, "carla")
    page.get_by_role("link", name="Change my week").click()
    expect(page.get_by_role("heading", name="My week")).to_be_visible()

    # Swap Monday's first and last blocks from the card's panel.
    nine, eleven = (
        card_name(page, "Monday", "09:00"),
        card_name(page, "Monday", "11:00"),
    )
    choices = open_card(page, "Monday", "09:00")
    swap = choices.get_by_label("Swap with")
    targets = swap.locator("option")
    expect(targets).to_have_count(2)  # only Monday's other blocks
    expect(targets.filter(has_text="Monday")).to_have_count(2)
    swap.select_option(label=f"Monday at 11:00 · {eleven}")
    choices.get_by_role("button", name="Swap", exact=True).click()
    expect_version(page, version + 1)
    expect(answer(page)).to_contain_text("Done")
    expect(card(page, "Monday", "09:00")).to_contain_text(eleven)
    expect(card(page, "Monday", "11:00")).to_contain_text(nine)

    # Drag Tuesday's first card onto its last.
    nine, eleven = (
        card_name(page, "Tuesday", "09:00"),
        card_name(page, "Tuesday", "11:00"),
    )
    card(page, "Tuesday", "09:00").drag_to(card(page, "Tuesday", "11:00"))
    expect_version(page, version + 2)
    expect(card(page, "Tuesday", "09:00")).to_contain_text(eleven)
    expect(card(page, "Tuesday", "11:00")).to_contain_text(nine)
    assert plan_of(cast.carla).version == version + 2

    # Across days is for the coach: the board says so and changes nothing.
    wednesday, thursday = (
        card_name(page, "Wednesday", "09:00"),
        card_name(page, "Thursday", "09:00"),
    )
    choices = open_card(page, "Wednesday", "09:00")
    choices.get_by_role("button", name="Tap the other card").click()
    expect(page.get_by_text("Now tap the card to swap with.")).to_be_visible()
    card(page, "Thursday", "09:00").click()
    expect(page.get_by_role("alert")).to_have_text(
        "You can change the order within a day. "
        "Ask your coach to move it to another day."
    )
    expect(card(page, "Wednesday", "09:00")).to_contain_text(wednesday)
    expect(card(page, "Thursday", "09:00")).to_contain_text(thursday)
    assert plan_of(cast.carla).version == version + 2


# 3. A level-3 student drafts the week and hands it in ---------------------------


def test_a_level_3_student_drafts_the_week_and_the_coach_signs_it(
    page: Page, new_context, live_server, cast
):
    cast.ana.autonomy = 3
    cast.ana.save()
    assert propose_class_drafts(cast.room1, get_week_start(), None, 3).has_plans
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

    # Ana's board lists what her week must hold; the Shape hunt is missing.
    log_in(page, live_server, "ana")
    page.get_by_role("link", name="Change my week").click()
    checklist = page.get_by_role("region", name="What my week must hold")
    expect(checklist).to_contain_text("1 of 2 done")
    missing = checklist.get_by_role("listitem").filter(has_text="Shape hunt")
    expect(missing).to_have_text(
        re.compile(r"Still missing:\s+Shape hunt: at least 1 time — you have 0")
    )
    hand_in = page.get_by_role("button", name=re.compile("Hand my week to my coach"))
    expect(hand_in).to_be_disabled()
    expect(hand_in).to_contain_text("Not yet: Add Shape hunt 1 more time.")

    # She puts it on Monday at 9 and swaps two blocks across days.
    choices = open_card(page, "Monday", "09:00")
    choices.get_by_label("Ask for any activity that fits").select_option(
        label="Shape hunt"
    )
    choices.get_by_role("button", name="Ask", exact=True).click()
    expect_version(page, 2)
    expect(card(page, "Monday", "09:00")).to_contain_text("Shape hunt")
    expect(checklist).to_contain_text("2 of 2 done")
    expect(
        checklist.get_by_role("listitem").filter(has_text="Shape hunt")
    ).to_have_text(re.compile(r"Done:\s+Shape hunt: at least 1 time — you have 1"))
    # At level 3 she may also swap across days: she drags Tuesday's last
    # card onto a Wednesday card that holds something else.
    moved = card_name(page, "Tuesday", "11:00")
    time = next(
        t for t in ("09:00", "11:00") if card_name(page, "Wednesday", t) != moved
    )
    other = card_name(page, "Wednesday", time)
    card(page, "Tuesday", "11:00").drag_to(card(page, "Wednesday", time))
    expect_version(page, 3)
    expect(card(page, "Tuesday", "11:00")).to_contain_text(other)
    expect(card(page, "Wednesday", time)).to_contain_text(moved)
    assert Request.objects.latest("pk").outcome == RequestOutcome.APPLIED

    # She hands it in.
    hand_in = page.get_by_role("button", name="Hand my week to my coach")
    expect(hand_in).to_be_enabled()
    assert_every_control_named(page, ("button", "Hand my week to my coach"))
    hand_in.click()
    expect(page.get_by_text("Waiting for your coach")).to_be_visible()

    # The coach finds it waiting, reads the note and signs.
    coach = new_context().new_page()
    log_in(coach, live_server, "okafor")
    coach.get_by_role("link", name="Conference week: who is where, who is next").click()
    row = coach.get_by_role("row").filter(has_text="Ana López")
    expect(row).to_contain_text("Handed in, waiting for review")
    coach.get_by_role("link", name="Next student: Ana López").click()
    expect(coach.get_by_role("status").filter(has_text="handed in")).to_have_text(
        re.compile(r"^Ana handed in their week: review it and sign\.")
    )
    expect(
        coach.get_by_role("region", name="What Ana's week must hold")
    ).to_contain_text("2 of 2 done")
    coach.get_by_role("button", name="Sign as coach").click()
    expect(coach.get_by_text("✓ The coach signed")).to_be_visible()
    expect(coach.get_by_text("Ana handed in their week")).to_have_count(0)

    # Ana agrees on her own board.
    page.reload()
    expect(
        page.get_by_text("Your coach signed your week. Tap “I agree” when you agree.")
    ).to_be_visible()
    page.get_by_text("Ana, tap here when you agree").click()
    page.get_by_role("button", name="I agree").click()
    expect(
        page.get_by_text("Agreed by both. This is the plan for the week.")
    ).to_be_visible()
    assert plan_of(cast.ana).status == PlanStatus.AGREED


# 4. The reflection feeds the next draft -----------------------------------------


def test_a_reflection_on_last_week_changes_the_next_draft(
    page: Page, live_server, cast
):
    last_week = get_week_start() - datetime.timedelta(days=7)
    Activity.objects.create(
        school=cast.school,
        code="tablets",
        name="Story tablets",
        subject=cast.literacy,
        modality="online",
        icon="tablet",
        colour="#c0568b",
    )
    nook = Activity.objects.get(code="nook")
    Preference.objects.create(student=cast.ana, activity=nook, rating=Rating.LOVE)
    make_plan(cast.ana, last_week)

    def ana_board_after_drafting() -> None:
        page.goto(live_server.url + "/")
        page.get_by_role("button", name="Draft this week's plans").click()
        expect(page.get_by_text(re.compile(r"Drafted 2 plans in"))).to_be_visible()
        page.get_by_role(
            "link", name="Conference week: who is where, who is next"
        ).click()
        page.get_by_role("link", name="Next student: Ana López").click()
        expect(page.get_by_role("heading", name="Ana's week")).to_be_visible()

    # The draft holds the loved Reading nook every day, and says why.
    log_in(page, live_server, "okafor")
    ana_board_after_drafting()
    nooks = page.locator("a.card", has_text="Reading nook")
    expect(nooks).to_have_count(5)
    expect(nooks.filter(has_text="You love: Reading nook")).to_have_count(5)
    voice = gauge(page, "voice")

    # The coach and Ana look back on last week: the nook went badly.
    last = page.get_by_role("region", name=re.compile("Last week"))
    expect(last).to_contain_text("There is no reflection on last week yet.")
    last.get_by_role("link", name="Look back on it together first").click()
    expect(
        page.get_by_role("heading", name="How did Ana López's week go?")
    ).to_be_visible()
    expect(page.get_by_text("You are filling this in with Ana.")).to_be_visible()
    page.get_by_role("group", name="Reading nook", exact=True).get_by_text(
        "Don't like", exact=True
    ).click()
    page.get_by_role("button", name="Save the answers").click()
    expect(
        page.get_by_text("Saved. Your faces will help plan next week.")
    ).to_be_visible()
    assert (
        Preference.objects.get(
            student=cast.ana, activity=nook, superseded_at__isnull=True
        ).rating
        == Rating.DONT_LIKE
    )

    # Drafted again, the week holds the nook less, and no longer as loved.
    ana_board_after_drafting()
    nooks = page.locator("a.card", has_text="Reading nook")
    expect(nooks.filter(has_text="You love")).to_have_count(0)
    assert nooks.count() < 5
    expect(page.locator("a.card", has_text="Story tablets")).not_to_have_count(0)
    assert gauge(page, "voice") < voice
    last = page.get_by_role("region", name=re.compile("Last week"))
    expect(
        last.get_by_role("listitem").filter(has_text="Reading nook")
    ).to_contain_text("Don't like")
    assert plan_of(cast.ana).versions.count() == 2


# 5.–7. The board of a class of 25 from the demo school --------------------------


@dataclass
class DemoClass:
    classroom: Classroom
    coach: str
    password: str
    students: list[Student]


@pytest.fixture
def demo_class(db) -> DemoClass:
    """The demo school's kindergarten, one newcomer making it 25, drafted.

    The first five plans are agreed, the ninth student agreed and waits for
    the coach, and the eleventh is in a conference with the class's teacher.
    """
    summary = load_demo_school(seed=1)
    classroom = summary.school.classrooms.order_by("grade").first()
    Student.objects.create(
        school=summary.school,
        classroom=classroom,
        code="newcomer",
        first_name="Zoe",
        last_name="Park",
        grade=classroom.grade,
        autonomy=1,
    )
    record_mastery_fit(summary.school, students=classroom.students.all())
    week = get_week_start()
    assert propose_class_drafts(classroom, week, None, time_limit_s=3).has_plans

    students = list(classroom.students.all())
    coach = classroom.coach.user
    for student in students[:5]:
        for signer in ("coach", "student"):
            record_signature(student, week, signer, coach, None)
    record_signature(students[8], week, "student", coach, None)
    teacher = classroom.teachers.get().user
    start_conference(plan_of(students[10]), teacher)
    return DemoClass(classroom, coach.username, summary.password, students)


def a_block_with_options(student: Student) -> tuple[str, str]:
    """Return a block of the student's week and the first activity offered there."""
    built = build_class_problem(
        student.classroom, get_week_start(), open_students=[student.pk]
    )
    current = build_class_plan(built, get_week_start())
    for slot in current.plan.students[student.code].slots:
        options = block_options(current, student.code, slot.block)
        if options:
            return slot.block, options[0].name
    pytest.fail(f"No block of {student.code}'s week offers another activity.")


def open_next_board(page: Page, live_server, demo: DemoClass) -> Student:
    """Log the coach in and open the board of the next student of the class."""
    log_in(page, live_server, demo.coach, demo.password)
    page.get_by_role("link", name=demo.classroom.name).click()
    page.get_by_role("link", name="Conference week: who is where, who is next").click()
    next_student = demo.students[5]
    page.get_by_role("link", name=f"Next student: {next_student.display_name}").click()
    expect(page.locator("a.card").first).to_be_visible()
    return next_student


# Marks in the page when a request is made (the button's click) and when the
# board's live part is replaced by the answer.
WATCH_THE_ANSWER = """
() => {
  const board = document.getElementById("board");
  window.__asked = null;
  window.__answered = null;
  board.addEventListener("click", (event) => {
    if (event.target.closest("button[type=submit]")) window.__asked = performance.now();
  }, true);
  new MutationObserver(() => {
    if (window.__asked !== null && window.__answered === null) {
      window.__answered = performance.now();
    }
  }).observe(board, { childList: true });
}
"""


def test_a_request_on_the_board_of_a_class_of_25_is_answered(
    page: Page, live_server, demo_class, capsys
):
    demo = demo_class
    size = demo.classroom.students.count()
    assert size == 25
    page.set_viewport_size(LAPTOP)
    student = open_next_board(page, live_server, demo)
    block, option = a_block_with_options(student)
    versions = plan_of(student).version

    page.locator(f'a.card[data-block="{block}"]').click()
    expect(panel(page)).to_be_visible()
    page.evaluate(WATCH_THE_ANSWER)
    panel(page).get_by_role("button", name=option, exact=True).click()
    expect(answer(page)).to_contain_text("Done")
    expect(page.locator(f'a.card[data-block="{block}"]')).to_contain_text(option)
    ms = page.evaluate("window.__answered - window.__asked")
    with capsys.disabled():  # the figure shows in every run's output
        print(f"\nboard request on a class of {size} answered in {ms:.0f} ms")
    request = Request.objects.latest("pk")
    assert request.outcome == RequestOutcome.APPLIED
    assert plan_of(student).version == versions + 1

    if SCREENSHOTS:
        page.evaluate("window.scrollTo({ top: 0, behavior: 'instant' })")
        expect(answer(page)).to_be_in_viewport()
        page.screenshot(path=DOCS / "conference-board.png", animations="disabled")
        page.goto(live_server.url + f"/conference/classes/{demo.classroom.pk}/")
        expect(
            page.get_by_role("heading", name=re.compile("Conferences in"))
        ).to_be_visible()
        page.screenshot(path=DOCS / "conference-class.png", animations="disabled")


def horizontal_overflow(page: Page) -> int:
    """Return how many pixels the page scrolls sideways (0 when it does not)."""
    return page.evaluate(
        "Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)"
    )


# Roles whose elements a person operates; each needs a name to be found by
# ear (screen reader) or by voice control.
OPERATED = {
    "button",
    "link",
    "textbox",
    "radio",
    "checkbox",
    "combobox",
    "listbox",
    "menuitem",
    "switch",
    "slider",
    "spinbutton",
    "searchbox",
    "DisclosureTriangle",  # a <summary>, such as "Ana, tap here when you agree"
}


def controls(page: Page) -> list[tuple[str, str]]:
    """Return (role, accessible name) of every operated control of the page.

    Asks Chromium for its accessibility tree, where each node carries the
    name assistive technology reads (from aria-label, a label, the text).
    A control without a name is named by its markup instead, in brackets.
    """
    session = page.context.new_cdp_session(page)
    try:
        found = []
        for node in session.send("Accessibility.getFullAXTree")["nodes"]:
            role = node.get("role", {}).get("value")
            if node.get("ignored") or role not in OPERATED:
                continue
            name = str(node.get("name", {}).get("value", "")).strip()
            if not name:
                markup = session.send(
                    "DOM.getOuterHTML", {"backendNodeId": node["backendDOMNodeId"]}
                )["outerHTML"]
                name = f"[no name: {markup[:160]}]"
            found.append((role, name))
    finally:
        session.detach()
    return found


def assert_every_control_named(page: Page, *among: tuple[str, str]) -> None:
    """Check that no control lacks a name, and that the check saw `among`."""
    found = controls(page)
    assert [name for _role, name in found if name.startswith("[no name")] == []
    for role, name in among:
        assert any(r == role and n.startswith(name) for r, n in found), (role, name)


def test_the_board_fits_laptop_and_phone_and_works_by_keyboard(
    page: Page, live_server, demo_class
):
    demo = demo_class
    page.set_viewport_size(LAPTOP)
    student = open_next_board(page, live_server, demo)
    block, option = a_block_with_options(student)
    board_url = page.url

    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(board_url)
        first = page.locator("a.card").first
        expect(first).to_be_in_viewport()
        assert horizontal_overflow(page) <= 1, viewport
        cards = page.locator("a.card")
        assert cards.count() == len(plan_of(student).versions.first().slots.all())
        for box in (cards.nth(i).bounding_box() for i in range(cards.count())):
            assert (
                box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            ), (viewport, box)
        page.locator(f'a.card[data-block="{block}"]').click()
        expect(panel(page)).to_be_visible()
        assert horizontal_overflow(page) <= 1, (viewport, "with the panel open")
        assert_every_control_named(
            page,
            ("link", "Version history"),
            ("button", option),
            ("combobox", "Swap with"),
            ("textbox", "Note (optional)"),
            ("checkbox", "This is"),
            ("link", "Close"),
            ("DisclosureTriangle", f"{student.first_name}, tap here when you agree"),
        )

    # By keyboard alone: Tab to the card, Enter opens it, Tab to the option,
    # Space asks for it.
    page.set_viewport_size(LAPTOP)
    page.goto(board_url)
    target = page.locator(f'a.card[data-block="{block}"]')
    for _press in range(80):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached the card of block {block}.")
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    expect(panel(page)).to_be_focused()
    button = panel(page).get_by_role("button", name=option, exact=True)
    for _press in range(40):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached the option {option}.")
    page.keyboard.press("Space")
    expect(answer(page)).to_contain_text("Done")
    expect(answer(page)).to_be_focused()
    expect(page.locator(f'a.card[data-block="{block}"]')).to_contain_text(option)
    assert Request.objects.latest("pk").outcome == RequestOutcome.APPLIED

    # The answered board, with its signatures, names every control too, and
    # still fits the phone.
    assert_every_control_named(page, ("button", "Sign as coach"))
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 1
