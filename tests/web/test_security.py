"""Web security of every page: headers, CSRF, deploy settings, safe exports.

What a security review of a school system checks first: the pages forbid
inline scripts and styles and cannot be framed; no form or script request
is accepted without its CSRF token; the production settings pass Django's
deployment check with nothing to report; and a CSV export cannot carry a
spreadsheet formula typed into a name.
"""

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.checks.compatibility.django_4_0 import check_csrf_trusted_origins
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coplanner.curriculum.models import Activity, Skill, Variant
from coplanner.planning.models import Slot
from coplanner.settings.env import read_environment
from coplanner.spreadsheets import FORMULA_STARTS, build_csv, neutralise
from tests.cast import PASSWORD, Cast, build_elsewhere
from tests.handouts.helpers import add_small_group, make_plan

SOURCE = Path(__file__).parents[2] / "src" / "coplanner"


def policy(response) -> dict[str, list[str]]:
    """Return the Content-Security-Policy of ``response`` as directive → sources."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def logged_in(username: str, **options) -> Client:
    client = Client(**options)
    assert client.login(username=username, password=PASSWORD)
    return client


# Headers -------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_forbids_inline_code_framing_and_outside_sources(cast: Cast):
    make_plan(cast.ana)
    client = logged_in("okafor")
    pages = [
        reverse("classroom_detail", args=[cast.room1.pk]),
        reverse("conference:board", args=[cast.ana.pk]),
        reverse("voice:survey", args=[cast.ana.pk]),
        reverse("handouts:family_week", args=[cast.ana.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'"],
        }, url
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        features = response.headers["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in features.split(", "), features


@pytest.mark.django_db
def test_the_login_page_and_error_pages_carry_the_policy_too(client, cast: Cast):
    login = client.get(reverse("login"))
    assert policy(login)["script-src"] == ["'self'"]
    assert login.headers["X-Frame-Options"] == "DENY"
    assert client.login(username="rivera", password=PASSWORD)
    missing = client.get(reverse("voice:survey", args=[cast.carla.pk]))
    assert missing.status_code == 404
    assert policy(missing)["style-src"] == ["'self'"]


@pytest.mark.django_db
def test_pdfs_and_csv_files_have_no_page_policy_so_the_pdf_viewer_works(
    cast: Cast,
):
    # Chrome's PDF viewer draws with inline styles of its own: a page policy
    # on the PDF itself would leave the schedule card blank.
    make_plan(cast.ana)
    client = logged_in("rivera")
    card = client.get(reverse("handouts:student_card", args=[cast.ana.pk]))
    assert card.status_code == 200
    assert card["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in card.headers
    assert card.headers["X-Content-Type-Options"] == "nosniff"
    export = client.get(reverse("handouts:class_export", args=[cast.room1.pk, "plans"]))
    assert export["Content-Type"].startswith("text/csv")
    assert "Content-Security-Policy" not in export.headers


# Nothing inline in the templates and scripts ----------------------------------

INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*="),
    "a <style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "a javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_has_inline_script_or_style():
    found = []
    templates = sorted(SOURCE.rglob("*.html"))
    assert len(templates) > 20
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(SOURCE)}:{line}: {what}")
    assert found == []


def test_every_form_that_posts_carries_the_csrf_token():
    post_form = re.compile(
        r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.IGNORECASE | re.DOTALL
    )
    forms, missing = 0, []
    for path in sorted(SOURCE.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in post_form.finditer(text):
            forms += 1
            if "{% csrf_token %}" not in match.group(1):
                line = text.count("\n", 0, match.start()) + 1
                missing.append(f"{path.relative_to(SOURCE)}:{line}")
    assert forms > 15
    assert missing == []


def test_the_scripts_send_the_csrf_token_with_every_post():
    scripts = sorted(SOURCE.glob("**/static/**/*.js"))
    assert len(scripts) >= 3
    for path in scripts:
        text = path.read_text(encoding="utf-8")
        assert "eval(" not in text and "new Function" not in text, path.name
        if re.search(r"""method:\s*["']POST["']""", text, re.IGNORECASE):
            assert '"X-CSRFToken": csrfToken()' in text, path.name
            assert "csrfmiddlewaretoken" in text, path.name


# Activity colours, without style attributes -----------------------------------


@pytest.mark.django_db
def test_activity_colours_come_as_a_stylesheet_of_classes(cast: Cast):
    make_plan(cast.ana)
    elsewhere = build_elsewhere(cast)
    Activity.objects.filter(school=elsewhere.school).update(colour="#123456")
    client = logged_in("ana")
    page = client.get(reverse("student_week", args=[cast.ana.pk]))
    used = set(re.findall(r"\bcolour-[0-9a-f]{6}\b", page.content.decode()))
    assert used == {"colour-7b4fd0", "colour-d07b4f", "colour-4fa0d0"}
    assert 'href="/activity-colours.css"' in page.content.decode()

    sheet = client.get(reverse("activity_colours"))
    assert sheet.status_code == 200
    assert sheet["Content-Type"] == "text/css; charset=utf-8"
    css = sheet.content.decode()
    for name in used:
        colour = "#" + name.removeprefix("colour-")
        assert f".{name} {{ --station: {colour}; --colour: {colour}; }}" in css
    # Another school's colours are not listed.
    assert "123456" not in css

    again = client.get(reverse("activity_colours"), HTTP_IF_NONE_MATCH=sheet["ETag"])
    assert again.status_code == 304
    Activity.objects.filter(code="nook").update(colour="#ABCDEF")
    changed = client.get(reverse("activity_colours"), HTTP_IF_NONE_MATCH=sheet["ETag"])
    assert changed.status_code == 200
    assert ".colour-abcdef { --station: #abcdef;" in changed.content.decode()


# check --deploy --------------------------------------------------------------

DEPLOY_CHECK = """
import django
from django.core.management import call_command
django.setup()
call_command("check", deploy=True, fail_level="DEBUG")
"""


def run_deploy_check(**environment: str) -> subprocess.CompletedProcess:
    # The test run's own switches (DJANGO_ALLOW_ASYNC_UNSAFE for the browser
    # tests, a developer's COPLANNER_DEBUG) are no part of a school's server.
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COPLANNER_", "DATABASE_URL"))
    }
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "coplanner.settings.production",
        "COPLANNER_SECRET_KEY": "k3y-" + "vQ7#pL2@xR9!mZ4$" * 4,
        "COPLANNER_ALLOWED_HOSTS": "coplanner.maple.example",
        "COPLANNER_CSRF_TRUSTED_ORIGINS": "https://coplanner.maple.example",
        "DATABASE_URL": "sqlite:///:memory:",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", DEPLOY_CHECK],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check_with_nothing_to_report():
    result = run_deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_trusted_origins_come_from_the_environment_and_need_their_scheme(
    monkeypatch,
):
    monkeypatch.setenv(
        "COPLANNER_CSRF_TRUSTED_ORIGINS",
        "https://coplanner.maple.example, coplanner.oak.example",
    )
    origins = read_environment().csrf_trusted_origins
    assert origins == ["https://coplanner.maple.example", "coplanner.oak.example"]
    with override_settings(CSRF_TRUSTED_ORIGINS=origins):
        errors = check_csrf_trusted_origins(app_configs=None)
    assert [error.id for error in errors] == ["4_0.E001"]
    assert "coplanner.oak.example" in errors[0].msg


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import coplanner.settings.production"],
        capture_output=True,
        text=True,
        env={**os.environ, "COPLANNER_SECRET_KEY": ""},
        check=False,
    )
    assert result.returncode != 0
    assert "Set COPLANNER_SECRET_KEY to a long random string" in result.stderr


# CSRF on every URL -------------------------------------------------------------


def every_route(patterns=None, namespace: str = "", route: str = ""):
    """Yield (full name, route, URLPattern) for every pattern of the project."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_route(
                entry.url_patterns, inner, route + str(entry.pattern)
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, route + str(entry.pattern), entry


def parameters(entry: URLPattern) -> dict[str, str]:
    """Return the names of a pattern's parameters with their converter."""
    converters = getattr(entry.pattern, "converters", {})
    names = entry.pattern.regex.groupindex
    return {name: type(converters.get(name)).__name__ for name in names}


def fill(entry: URLPattern, ids: dict[str, object]) -> dict[str, object]:
    """Give every parameter of ``entry`` a value from the cast."""
    by_converter = {"IntConverter": 1, "PathConverter": "1", "StringConverter": "x"}
    return {
        name: ids.get(name, by_converter.get(converter, "x"))
        for name, converter in parameters(entry).items()
    }


def url_of(name: str | None, route: str, entry: URLPattern, ids) -> str:
    """Return a URL of the pattern, by name or, for an unnamed one, by route."""
    values = fill(entry, ids)
    if name is not None:
        return reverse(name, kwargs=values)
    filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    return "/" + filled.replace("^", "").replace("$", "")


def is_csrf_rejection(response) -> bool:
    names = {template.name for template in response.templates}
    return response.status_code == 403 and "403_csrf.html" in names


def is_bearer_only(route: str, response) -> bool:
    """Tell whether an API endpoint refused a session without a bearer token.

    The integration API authenticates by token, never by the session cookie,
    so a page's cookies cannot be used against it and it needs no CSRF token.
    """
    return route.startswith("api/") and response.status_code in (401, 405)


# Every form and script request of the product; the walk must reach them all.
KNOWN_POSTS = {
    "login",
    "logout",
    "classroom_draft",
    "voice:survey",
    "voice:my_learning",
    "voice:reflection",
    "conference:start",
    "conference:ask",
    "conference:sign",
    "conference:hand_in",
    "handouts:calendar_links",
    "mastery:import_evidence",
}


@pytest.mark.django_db
def test_every_url_refuses_a_post_without_the_csrf_token(cast: Cast):
    make_plan(cast.ana, status="draft")
    skill = Skill.objects.get(code="math.k.count20")
    User.objects.create_superuser("root", password=PASSWORD)
    ids = {
        "classroom_id": cast.room1.pk,
        "student_id": cast.ana.pk,
        "school_id": cast.school.pk,
        "skill_id": skill.pk,
        "kind": "plans",
        "token": "not-a-real-feed",
        "app_label": "roster",
        "object_id": str(cast.ana.pk),
    }
    coach = logged_in("okafor", enforce_csrf_checks=True)
    admin = logged_in("root", enforce_csrf_checks=True)

    accepted, walked = [], 0
    for name, route, entry in every_route():
        url = url_of(name, route, entry, ids)
        walked += 1
        client = admin if route.startswith("admin/") else coach
        response = client.post(url, {"choice": "keep", "block": "d0-1"})
        if not (is_csrf_rejection(response) or is_bearer_only(route, response)):
            accepted.append(f"{name} {url}: {response.status_code}")
    assert accepted == []
    assert walked > 100  # the product's pages, the API and the admin


@pytest.mark.django_db
def test_with_the_token_the_same_posts_reach_their_views(cast: Cast):
    make_plan(cast.ana, status="draft")
    skill = Skill.objects.get(code="math.k.count20")
    ids = {
        "classroom_id": cast.room1.pk,
        "student_id": cast.ana.pk,
        "school_id": cast.school.pk,
        "skill_id": skill.pk,
        "kind": "plans",
        "token": "not-a-real-feed",
    }
    accepted, rejected = set(), []
    for name, route, entry in every_route():
        if name is None or name.startswith("admin:") or route.startswith("api/"):
            continue
        client = logged_in("okafor", enforce_csrf_checks=True)
        client.get(reverse("login"))  # a page with a form sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        url = reverse(name, kwargs=fill(entry, ids))
        response = client.post(url, {"csrfmiddlewaretoken": token})
        if is_csrf_rejection(response):
            rejected.append(name)
        elif response.status_code != 405:
            accepted.add(name)
    assert rejected == []
    assert KNOWN_POSTS <= accepted, KNOWN_POSTS - accepted


# Spreadsheet exports -------------------------------------------------------------


HOSTILE = {
    "equals": '=HYPERLINK("http://evil.example","Click")',
    "plus": "+SUM(A1:A9)",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1,1)",
    "tab": "\t=1+1",
    "return": "\r=1+1",
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_text_cell_is_shown_as_text(value):
    assert neutralise(value) == "'" + value
    text = build_csv(["name", "score"], [[value, -0.5]])
    header, row = list(csv.reader(io.StringIO(text)))
    assert row == ["'" + value, "-0.5"]


def test_numbers_stay_numbers_and_text_is_quoted_against_other_separators():
    text = build_csv(["name", "probability"], [["Ana;=1+1", 0.3], ["Ben", -1]])
    lines = text.splitlines()
    assert lines[1] == '"Ana;=1+1",0.3'
    assert lines[2] == '"Ben",-1'
    assert neutralise("Ana") == "Ana" and neutralise(-0.5) == -0.5


@pytest.mark.django_db
def test_exports_neutralise_hostile_names_in_every_column(cast: Cast):
    group = add_small_group(cast)
    cast.school.name = HOSTILE["equals"]
    cast.school.save()
    cast.room1.name = HOSTILE["plus"]
    cast.room1.save()
    cast.ana.first_name = HOSTILE["minus"]
    cast.ana.code = HOSTILE["at"]
    cast.ana.save()
    Activity.objects.filter(code="nook").update(name=HOSTILE["tab"])
    Variant.objects.filter(code="buddy").update(label=HOSTILE["return"])
    Skill.objects.filter(code="math.k.count20").update(name=HOSTILE["equals"])
    version = make_plan(cast.ana)
    Slot.objects.filter(version=version).update(reasons=["=1+1", "fine"])
    Slot.objects.filter(version=version, block__code="d0-1").update(activity=group)

    client = logged_in("rivera")
    cells = []
    for kind in ("plans", "mastery"):
        url = reverse("handouts:class_export", args=[cast.room1.pk, kind])
        response = client.get(url)
        assert response.status_code == 200
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(table) > 1
        cells += [cell for row in table for cell in row]
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert dangerous == []
    for value in HOSTILE.values():
        assert any(cell.startswith("'" + value) for cell in cells), value
    assert "'=1+1 | fine" in cells


def test_every_csv_writer_goes_through_the_shared_helper():
    writers = []
    for path in sorted(SOURCE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(", text):
            writers.append(path.relative_to(SOURCE).as_posix())
            if path.name != "spreadsheets.py":
                assert "from coplanner.spreadsheets import" in text, path
    assert "spreadsheets.py" in writers
