"""A student answers the voice survey in a real browser, and hears a card read."""

import re

import pytest
from playwright.sync_api import Page, expect

from coplanner.voice.models import Preference, Rating, Reason
from tests.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Replace the browser's speech synthesis with one that writes down what it is
# asked to say, so the test hears nothing and can check the words.
RECORD_SPEECH = """
window.__spoken = [];
const recorder = {
  speak(utterance) { window.__spoken.push(utterance.text); },
  cancel() {},
  getVoices() { return []; },
};
Object.defineProperty(window, "speechSynthesis", {
  value: recorder, configurable: true,
});
if (typeof window.SpeechSynthesisUtterance === "undefined") {
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
}
"""


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_student_taps_a_face_and_a_reason_and_saves(page: Page, live_server, cast):
    log_in(page, live_server, "ana")
    page.get_by_role("link", name="My voice").click()
    expect(page).to_have_url(re.compile(rf"/voice/students/{cast.ana.pk}/survey/"))

    card = page.get_by_role("group", name="Reading nook", exact=True)
    card.get_by_text("Love", exact=True).click()
    expect(card.get_by_role("radio", name="Love", exact=True)).to_be_checked()
    card.get_by_text("Why?", exact=True).click()  # young students open the reasons
    card.get_by_text("I like the people").click()
    page.get_by_role("button", name="Save my answers").click()

    expect(page.get_by_text("Saved. Thank you for telling us!")).to_be_visible()
    card = page.get_by_role("group", name="Reading nook", exact=True)
    expect(card.get_by_role("radio", name="Love", exact=True)).to_be_checked()
    preference = Preference.objects.get(student=cast.ana, superseded_at__isnull=True)
    assert preference.activity.code == "nook"
    assert (preference.rating, preference.reason) == (Rating.LOVE, Reason.PEOPLE)
    assert preference.answered_by == cast.ana.user


def test_read_aloud_speaks_the_card_words(page: Page, live_server, cast):
    page.add_init_script(RECORD_SPEECH)
    log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/voice/students/{cast.ana.pk}/survey/")

    card = page.get_by_role("group", name="Counting bears", exact=True)
    button = card.get_by_role("button", name="Read aloud")
    expect(button).to_be_visible()
    button.click()

    spoken = page.evaluate("window.__spoken")
    assert spoken == [
        "Counting bears. How do you feel about it? Love, like, okay, or don't like?"
    ]
