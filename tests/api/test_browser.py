"""In a real browser: a leader makes a token on the Integrations page, an
integration uses it, the leader revokes it; the API's docs page renders."""

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_creates_uses_and_revokes_a_token(page: Page, live_server, cast):
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("hill")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_text("No tokens yet")).to_be_visible()

    page.get_by_label("What is it for?").fill("Math practice app")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("cpl_")

    api = live_server.url + "/api/v1/students"
    headers = {"Authorization": f"Bearer {secret}"}
    answer = requests.get(api, headers=headers, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["count"] == 3

    page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    row = page.get_by_role("row", name=re.compile("Math practice app"))
    expect(row).to_contain_text("Active")
    row.get_by_role("button", name="Revoke “Math practice app”").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    expect(row).to_contain_text("Revoked")

    refused = requests.get(api, headers=headers, timeout=10)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "token_revoked"


def test_the_api_docs_page_renders_the_operations(page: Page, live_server):
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.get_by_role("heading", name=re.compile("coplanner"))).to_be_visible()
    expect(page.get_by_text("/api/v1/xapi/statements")).to_be_visible()
