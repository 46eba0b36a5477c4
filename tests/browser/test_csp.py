"""Every main page under the strict Content-Security-Policy, in Chromium.

The policy forbids inline scripts and styles. A page that still relied on
one would lose its colours, its read-aloud or its live board without any
error a person could see; the browser reports it only as a
``securitypolicyviolation`` event and a console error. Each role opens its
pages here and neither may appear; on the conference board a request goes
through the board's script (fetch, with the CSRF token) and is answered.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, expect

from coplanner.voice.models import Goal
from tests.cast import PASSWORD, Cast
from tests.handouts.helpers import add_small_group, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Kept in the page across its own script's work; read after every page.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Watch:
    """Collect what a page reports that a person would not see."""

    def __init__(self, context: BrowserContext) -> None:
        context.add_init_script(RECORD_VIOLATIONS)
        self.errors: list[str] = []
        self.page = context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message) -> None:
        if message.type == "error":
            source = message.location.get("url", "")
            self.errors.append(f"{self.page.url}: {message.text} ({source})")

    def open(self, live_server, url: str) -> None:
        """Open ``url``, wait until it has settled, and check what it reported."""
        # "load" waits for the page's stylesheets and scripts, which is where
        # a policy violation would come from.
        response = self.page.goto(live_server.url + url, wait_until="load")
        assert response is not None and response.ok, f"{url}: {response.status}"
        self.check(url)

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [], f"{where}: {violations}"
        assert self.errors == [], self.errors


def log_in(watch: Watch, live_server, username: str) -> None:
    page = watch.page
    page.goto(live_server.url + "/login/")
    watch.check("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    watch.check(page.url)


@pytest.fixture
def room1_with_a_week(cast: Cast) -> Cast:
    """Room 1 with mastery on a small group, Ana's draft week and her goal."""
    add_small_group(cast)
    make_plan(cast.ana, status="draft")
    make_plan(cast.ben)
    Goal.objects.create(student=cast.ana, text="Read a whole book")
    return cast


def staff_pages(cast: Cast) -> list[str]:
    room, ana = cast.room1.pk, cast.ana.pk
    return [
        reverse("home"),
        reverse("classroom_list"),
        reverse("classroom_detail", args=[room]),
        reverse("mastery:heat_map", args=[room]),
        reverse("mastery:skill_map", args=[ana]),
        reverse("mastery:import_evidence"),
        reverse("voice:survey", args=[ana]),
        reverse("voice:my_learning", args=[ana]),
        reverse("voice:reflection", args=[ana]),
        reverse("student_week", args=[ana]),
        reverse("conference:board", args=[ana]),
        reverse("conference:history", args=[ana]),
        reverse("conference:class", args=[room]),
        reverse("handouts:class", args=[room]),
        reverse("handouts:board", args=[room]),
        reverse("handouts:board_now", args=[room]),
        reverse("handouts:calendar_links", args=[ana]),
        reverse("handouts:family_week", args=[ana]),
    ]


def student_pages(cast: Cast) -> list[str]:
    ana = cast.ana.pk
    return [
        reverse("home"),
        reverse("voice:survey", args=[ana]),
        reverse("voice:my_learning", args=[ana]),
        reverse("voice:reflection", args=[ana]),
        reverse("mastery:skill_map", args=[ana]),
        reverse("conference:board", args=[ana]),
    ]


def family_pages(cast: Cast) -> list[str]:
    ana = cast.ana.pk
    return [
        reverse("home"),
        reverse("handouts:family_week", args=[ana]),
        reverse("handouts:calendar_links", args=[ana]),
        reverse("student_week", args=[ana]),
    ]


@pytest.mark.parametrize(
    ("username", "pages"),
    [
        ("rivera", staff_pages),
        ("okafor", staff_pages),
        ("hill", lambda cast: [reverse("home"), reverse("classroom_list")]),
        ("ana", student_pages),
        ("lopez", family_pages),
    ],
    ids=["teacher", "coach", "leader", "student", "family"],
)
def test_each_role_opens_its_pages_without_a_policy_violation(
    new_context, live_server, room1_with_a_week, username, pages
):
    watch = Watch(new_context())
    log_in(watch, live_server, username)
    for url in pages(room1_with_a_week):
        watch.open(live_server, url)


def test_the_pages_keep_their_colours_under_the_policy(
    new_context, live_server, room1_with_a_week
):
    cast = room1_with_a_week
    watch = Watch(new_context())
    log_in(watch, live_server, "rivera")
    watch.open(live_server, reverse("student_week", args=[cast.ana.pk]))
    # The Reading nook's slots carry its purple from the colours stylesheet.
    nook = watch.page.locator("li.slot", has_text="Reading nook").first
    expect(nook).to_have_css("border-left-color", "rgb(123, 79, 208)")
    watch.open(live_server, reverse("voice:survey", args=[cast.ana.pk]))
    card = watch.page.get_by_role("group", name="Counting bears", exact=True)
    expect(card).to_have_css("border-top-color", "rgb(208, 123, 79)")


def test_a_request_on_the_board_goes_through_its_script(
    new_context, live_server, room1_with_a_week
):
    cast = room1_with_a_week
    watch = Watch(new_context())
    page = watch.page
    log_in(watch, live_server, "okafor")
    watch.open(live_server, reverse("conference:board", args=[cast.ana.pk]))
    page.get_by_role("button", name="Start the conference").click()
    expect(page.locator(".conf-title .pill")).to_have_text("In conference")

    # Tapping a card asks the server for its panel without leaving the page.
    monday = page.get_by_role("listitem", name="Monday", exact=True)
    with page.expect_response(lambda r: "block=d0-1" in r.url) as opened:
        monday.locator("a.card").filter(has_text="09:00").click()
    assert opened.value.request.headers.get("x-requested-with") == "fetch"
    panel = page.get_by_role("complementary", name="What you can ask")
    expect(panel.get_by_role("heading")).to_have_text("Counting bears")

    # Keeping it is a POST made by the script, with the CSRF token.
    with page.expect_response(lambda r: r.url.endswith("/ask/")) as asked:
        panel.get_by_role("button", name="Keep this").click()
    request = asked.value.request
    assert request.method == "POST"
    assert request.headers.get("x-requested-with") == "fetch"
    assert request.headers.get("x-csrftoken")
    assert asked.value.status == 200
    expect(page.locator("section.answer.applied")).to_be_visible()
    kept = monday.locator("a.card").filter(has_text="09:00")
    expect(kept.locator(".badge.kept")).to_be_visible()
    expect(kept).to_have_css("border-left-color", "rgb(208, 123, 79)")
    watch.check("the board after a request")


def test_a_refused_token_reloads_the_board_instead_of_pasting_an_error_page(
    new_context, live_server, room1_with_a_week
):
    cast = room1_with_a_week
    context = new_context()
    watch = Watch(context)
    page = watch.page
    log_in(watch, live_server, "okafor")
    board = reverse("conference:board", args=[cast.ana.pk])
    watch.open(live_server, board)
    page.get_by_role("button", name="Start the conference").click()
    monday = page.get_by_role("listitem", name="Monday", exact=True)
    monday.locator("a.card").filter(has_text="09:00").click()
    panel = page.get_by_role("complementary", name="What you can ask")
    expect(panel.get_by_role("heading")).to_have_text("Counting bears")

    # The CSRF cookie is gone (as after logging in again in another tab):
    # the request is refused, and the board loads afresh, whole, once.
    context.clear_cookies(name="csrftoken")
    with page.expect_response(lambda r: r.url.endswith("/ask/")) as asked:
        panel.get_by_role("button", name="Keep this").click()
    assert asked.value.status == 403
    page.wait_for_url(live_server.url + board)
    expect(page.get_by_role("heading", name="Ana's week")).to_be_visible()
    expect(page.locator("header.topbar")).to_have_count(1)
    expect(page.get_by_text("The page was out of date")).to_have_count(0)
    refused = [e for e in watch.errors if "status of 403" in e]
    assert len(refused) == 1, watch.errors
    watch.errors.clear()
    watch.check("the board loaded afresh")

    # With the new page's token the same request goes through.
    monday.locator("a.card").filter(has_text="09:00").click()
    panel.get_by_role("button", name="Keep this").click()
    expect(page.locator("section.answer.applied")).to_be_visible()
    watch.check("the board after the request")
