"""Every page, every role: what is out of a person's scope is simply not found.

The matrix walks the project's URL resolver, so a page added tomorrow is in
it without anyone remembering to add it. Each parameter of a pattern is
filled from ``FILLERS``, keyed by the parameter's name: once with an object
in the person's scope (the positive control, so the test cannot pass by
finding nothing) and once with every object out of it, which must answer
404 to a GET and to a POST, name no one, and change nothing. A pattern with
a parameter ``FILLERS`` cannot fill fails, telling the developer to add one.

The people are the cast (Maple Elementary, ``tests/cast.py``) and, beside
it, Oak Primary and a second Maple family (``build_elsewhere``). What each
role should see is written out here by hand, not read from
``accounts/access.py``, so that a leak in ``access.py`` itself is caught.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from coplanner.handouts.models import CalendarFeed
from coplanner.planning.models import Plan, PlanVersion, Slot
from coplanner.planning.queries import get_week_start
from coplanner.roster.models import Classroom, School, Student
from tests.cast import Cast, Elsewhere, build_cast, build_elsewhere

# --- The URL patterns --------------------------------------------------------

# Namespaces and route prefixes that are not coplanner's pages.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_PREFIXES = (settings.STATIC_URL.lstrip("/"), "admin/")
API_PREFIX = "api/"


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project, with the names of its parameters."""

    name: str | None
    route: str
    params: tuple[str, ...]
    # The view opens without a login (Django's ``login_not_required``).
    open: bool = False

    def __str__(self) -> str:
        return self.name or self.route

    @property
    def is_api(self) -> bool:
        """Whether the page is the integration API (token, not session)."""
        return self.route.startswith(API_PREFIX)

    @property
    def is_catch_all(self) -> bool:
        """Whether the pattern answers every address left (a ``path`` tail)."""
        return self.name is None and self.route.endswith(">") and "<path:" in self.route


def _params_of(pattern: URLPattern | URLResolver) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters is not None:
        return tuple(converters)
    return tuple(pattern.pattern.regex.groupindex)


def walk_routes(
    patterns: list | None = None,
    prefix: str = "",
    namespace: str = "",
    params: tuple[str, ...] = (),
) -> Iterator[Route]:
    """Yield every URL pattern of the project, includes followed, admin skipped."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = namespace
            if entry.namespace:
                inner = (
                    f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                )
            yield from walk_routes(
                entry.url_patterns, route, inner, params + _params_of(entry)
            )
        else:
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(
                name=name,
                route=route,
                params=params + _params_of(entry),
                open=getattr(entry.callback, "login_required", True) is False
                and not route.startswith(API_PREFIX),
            )


ROUTES = sorted((route for route in walk_routes() if not route.is_catch_all), key=str)
ROUTES_WITH_PARAMS = [route for route in ROUTES if route.params]
ROUTES_WITHOUT_PARAMS = [route for route in ROUTES if not route.params]


# --- The people --------------------------------------------------------------


@dataclass
class World:
    """The cast, the people elsewhere, and what they have: plans, links, tokens."""

    cast: Cast
    oak: Elsewhere
    plans: dict[int, Plan]
    versions: dict[int, PlanVersion]
    live_feeds: dict[int, CalendarFeed]
    revoked_feeds: dict[int, CalendarFeed]
    class_links: dict[str, str]
    badges: dict[int, str]
    old_badges: dict[int, str]
    api_secrets: dict[str, str]
    api_tokens: dict[str, Any]

    @property
    def students(self) -> list[Student]:
        return [
            self.cast.ana,
            self.cast.ben,
            self.cast.carla,
            self.oak.dev,
            self.oak.eli,
        ]

    @property
    def classrooms(self) -> list[Classroom]:
        return [self.cast.room1, self.cast.room2, self.oak.room]

    @property
    def schools(self) -> list[School]:
        return [self.cast.school, self.oak.school]


@dataclass(frozen=True)
class Scope:
    """Who a role is and, by code or username, what it should see.

    ``username`` is the person who logs in; ``token_of`` the school whose
    integration token the role sends to the API instead.
    """

    username: str | None
    students: frozenset[str] = frozenset()
    classrooms: frozenset[str] = frozenset()
    schools: frozenset[str] = frozenset()
    adults: frozenset[str] = frozenset()
    token_of: str | None = None


MAPLE_STUDENTS = frozenset({"ana", "ben", "carla"})
MAPLE_ADULTS = frozenset({"rivera", "okafor", "chen", "hill", "lopez", "adeyemi"})
EVERY_ACCOUNT = MAPLE_ADULTS | MAPLE_STUDENTS | {"ito", "banda", "park", "shah"}
EVERY_ACCOUNT |= {"dev", "eli"}
ROOM_1 = frozenset({"ana", "ben"})
MAPLE = frozenset({"maple"})

# Written out by hand: the teacher and the coach see Room 1, the leader all of
# Maple and its adults, the student herself, a family their own child, Maple's
# integration token the school, and nobody sees Oak.
SCOPES = {
    "leader": Scope(
        "hill", MAPLE_STUDENTS, frozenset({"r1", "r2"}), MAPLE, MAPLE_ADULTS
    ),
    "coach": Scope("okafor", ROOM_1, frozenset({"r1"}), MAPLE),
    "teacher": Scope("rivera", ROOM_1, frozenset({"r1"}), MAPLE),
    "student": Scope("ana", frozenset({"ana"})),
    "guardian": Scope("lopez", frozenset({"ana"})),
    "second guardian": Scope("adeyemi", frozenset({"ben"})),
    "integration": Scope(
        None, MAPLE_STUDENTS, frozenset({"r1", "r2"}), MAPLE, token_of="maple"
    ),
    "anonymous": Scope(None),
}
ROLES = list(SCOPES)
FAMILIES = ("guardian", "second guardian")

# Pages a role does not use even for its own people, so they are not found:
# a family reads the board's history but has no board, a student manages no
# calendar links, only staff import evidence and override a band, and only a
# leader looks after accounts, imports, tokens, the audit log and a student's
# records.
LEADER_ONLY = (
    "accounts:people",
    "api:tokens",
    "audit:log",
    "curriculum:import_skills",
    "roster:import_roster",
    "privacy:students",
    "privacy:student",
    "privacy:export",
    "privacy:erase",
)
STAFF_ONLY = ("mastery:import_evidence", "mastery:band_override")
BOARD = (
    "conference:board",
    "conference:start",
    "conference:ask",
    "conference:sign",
    "conference:hand_in",
)
REFUSED_BY_DESIGN = {
    (role, name)
    for role in ("coach", "teacher", "student", *FAMILIES)
    for name in LEADER_ONLY
}
REFUSED_BY_DESIGN |= {
    (role, name) for role in ("student", *FAMILIES) for name in STAFF_ONLY
}
REFUSED_BY_DESIGN |= {(family, name) for family in FAMILIES for name in BOARD}
REFUSED_BY_DESIGN |= {("student", "handouts:calendar_links")}
REFUSED_BY_DESIGN |= {(role, "api-v1:api-root") for role in SCOPES}
# Pages whose own link decides what they show, whoever holds it: Room 1's
# picture-login link shows Room 1 on the class tablet.
ROOM_1_LINK = Scope(None, ROOM_1, frozenset({"r1"}))
LINK_SCOPES = {
    "accounts:picture_login": ROOM_1_LINK,
    "accounts:picture_password": ROOM_1_LINK,
}
# Pages a family may read but not answer: a POST is forbidden (403), since
# the family sees the page anyway.
READ_ONLY = {
    (family, name)
    for family in FAMILIES
    for name in ("voice:survey", "voice:my_learning", "voice:reflection")
}
# Pages that end the session and send to the login page.
LOGGING_OUT = {"logout"}
# API pages open without a token: its schema and documentation.
API_OPEN = {"api-v1:openapi-json", "api-v1:openapi-view"}
# Pages whose positive control would run the planner for the whole class; the
# drafting tests cover them (``tests/web/test_draft.py``).
SLOW_POSTS = {"classroom_draft"}


def _plan(student: Student, by_block: Callable[[Any], Any]) -> Plan:
    plan = Plan.objects.create(student=student, week_start=get_week_start(), version=1)
    version = PlanVersion.objects.create(plan=plan, number=1, source="planner")
    for block in student.classroom.week_template.blocks.all():
        Slot.objects.create(version=version, block=block, activity=by_block(block))
    return plan


def build_world() -> World:
    """Give every student a plan this week, a live and a revoked calendar link,
    every classroom a picture-login link and each school an API token."""
    from coplanner.accounts.models import StudentLogin
    from coplanner.accounts.picture_login import (
        build_badge_token,
        choose_random_pictures,
        get_class_login,
        record_picture_password,
        renew_badges,
    )
    from coplanner.api.tokens import record_token

    cast = build_cast()
    oak = build_elsewhere(cast)
    maple_activities = {a.code: a for a in cast.school.activities.all()}
    oak_activity = oak.school.activities.get()

    def maple_activity(block: Any) -> Any:
        if block.subject_id == cast.math.pk:
            return maple_activities["counting"]
        if block.subject_id == cast.literacy.pk:
            return maple_activities["nook"]
        return maple_activities["puzzles"]

    plans: dict[int, Plan] = {}
    for student in (cast.ana, cast.ben, cast.carla):
        plans[student.pk] = _plan(student, maple_activity)
    for student in (oak.dev, oak.eli):
        plans[student.pk] = _plan(student, lambda block: oak_activity)
    versions, live, revoked = {}, {}, {}
    for student_pk, plan in plans.items():
        versions[student_pk] = plan.versions.get()
        live[student_pk] = CalendarFeed.objects.create(student_id=student_pk)
        revoked[student_pk] = CalendarFeed.objects.create(
            student_id=student_pk, revoked_at=timezone.now()
        )
    links = {c.code: get_class_login(c).token for c in (cast.room1, oak.room)}
    # Badges printed twice: the first print's badges no longer work.
    old_badges = {
        s.pk: build_badge_token(login) for s, login in renew_badges(cast.room1)
    }
    badges = {s.pk: build_badge_token(login) for s, login in renew_badges(cast.room1)}
    ana_login = StudentLogin.objects.get(student=cast.ana)
    record_picture_password(ana_login, choose_random_pictures())
    created = {
        s.slug: record_token(s, "Math app", None) for s in (cast.school, oak.school)
    }
    return World(
        cast,
        oak,
        plans,
        versions,
        live,
        revoked,
        class_links=links,
        badges=badges,
        old_badges=old_badges,
        api_secrets={slug: each.secret for slug, each in created.items()},
        api_tokens={slug: each.token for slug, each in created.items()},
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Build the world once for the module, and roll it back at the end.

    Each test runs in a savepoint inside this transaction (the ``db``
    fixture), so what one test writes is gone before the next.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- Filling parameters ------------------------------------------------------


@dataclass(frozen=True)
class Filling:
    """Values for one parameter: one in scope (or None), and those out of it."""

    in_scope: Any
    out_of_scope: list[tuple[str, Any]]


def _students(world: World, scope: Scope) -> tuple[list[Student], list[Student]]:
    inside = [s for s in world.students if s.code in scope.students]
    outside = [s for s in world.students if s.code not in scope.students]
    return inside, outside


def fill_student_id(world: World, scope: Scope) -> Filling:
    inside, outside = _students(world, scope)
    return Filling(
        inside[0].pk if inside else None,
        [(f"student {s.code}", s.pk) for s in outside],
    )


def fill_classroom_id(world: World, scope: Scope) -> Filling:
    inside = [c for c in world.classrooms if c.code in scope.classrooms]
    outside = [c for c in world.classrooms if c.code not in scope.classrooms]
    return Filling(
        inside[0].pk if inside else None,
        [(f"classroom {c.code} of {c.school.slug}", c.pk) for c in outside],
    )


def fill_school_id(world: World, scope: Scope) -> Filling:
    inside = [s for s in world.schools if s.slug in scope.schools]
    outside = [s for s in world.schools if s.slug not in scope.schools]
    return Filling(
        inside[0].pk if inside else None, [(f"school {s.slug}", s.pk) for s in outside]
    )


def fill_user_id(world: World, scope: Scope) -> Filling:
    from django.contrib.auth.models import User

    users = {u.username: u.pk for u in User.objects.filter(username__in=EVERY_ACCOUNT)}
    inside = sorted(name for name in scope.adults if name != scope.username)
    outside = sorted(EVERY_ACCOUNT - scope.adults)
    return Filling(
        users[inside[0]] if inside else None,
        [(f"account {name}", users[name]) for name in outside],
    )


def fill_token_id(world: World, scope: Scope) -> Filling:
    # Integration tokens are a leader's to look after, for their own school.
    is_leader = scope.adults and scope.schools
    outside = [
        slug for slug in world.api_tokens if not (is_leader and slug in scope.schools)
    ]
    return Filling(
        world.api_tokens["maple"].pk if is_leader else None,
        [
            (f"integration token of {slug}", world.api_tokens[slug].pk)
            for slug in outside
        ],
    )


def fill_skill_id(world: World, scope: Scope) -> Filling:
    # Skills are shared by every school: the student beside it carries the scope.
    return Filling(world.cast.math.skills.get(code="math.k.count20").pk, [])


def fill_kind(world: World, scope: Scope) -> Filling:
    return Filling("plans", [])


def fill_feed_token(world: World, scope: Scope) -> Filling:
    # A live link shows its student to whoever holds it; revoked or made-up
    # links show no one, whoever asks.
    inside, _outside = _students(world, scope)
    live = world.live_feeds[(inside[0] if inside else world.cast.ana).pk].token
    revoked = [
        (f"revoked link of student {s.code}", world.revoked_feeds[s.pk].token)
        for s in world.students
    ]
    return Filling(live, revoked + [("made-up link", "x" * 43)])


def fill_class_link(world: World, scope: Scope) -> Filling:
    # The classroom's picture-login link is the key of the class tablet.
    return Filling(world.class_links["r1"], [("made-up link", "x" * 32)])


def fill_badge(world: World, scope: Scope) -> Filling:
    # A badge signs its student in on whatever device scans it; a badge of
    # an earlier print, or a forged one, signs no one in.
    return Filling(
        world.badges[world.cast.ana.pk],
        [
            (f"replaced badge of student {code}", world.old_badges[pk])
            for code, pk in (("ana", world.cast.ana.pk), ("ben", world.cast.ben.pk))
        ]
        + [("forged badge", world.badges[world.cast.ana.pk][:-3] + "xyz")],
    )


def fill_student_of_class_link(world: World, scope: Scope) -> Filling:
    # Behind Room 1's link, only Room 1's students, whoever holds the tablet.
    inside = [world.cast.ana, world.cast.ben]
    outside = [world.cast.carla, world.oak.dev, world.oak.eli]
    return Filling(inside[0].pk, [(f"student {s.code}", s.pk) for s in outside])


def _by_student(
    objects: Callable[[World], dict[int, Any]],
) -> Callable[[World, Scope], Filling]:
    """Fill the id of an object that belongs to one student (a plan, a link)."""

    def fill(world: World, scope: Scope) -> Filling:
        inside, outside = _students(world, scope)
        by_student = objects(world)
        return Filling(
            by_student[inside[0].pk].pk if inside else None,
            [(f"the one of student {s.code}", by_student[s.pk].pk) for s in outside],
        )

    return fill


Filler = Callable[[World, Scope], Filling]

# By parameter name; a page whose parameter means something else under the
# same name has its own filler in ``FILLERS_BY_PAGE``.
FILLERS: dict[str, Filler] = {
    "student_id": fill_student_id,
    "classroom_id": fill_classroom_id,
    "school_id": fill_school_id,
    "user_id": fill_user_id,
    "token_id": fill_token_id,
    "skill_id": fill_skill_id,
    "kind": fill_kind,
    "plan_id": _by_student(lambda world: world.plans),
    "version_id": _by_student(lambda world: world.versions),
    "feed_id": _by_student(lambda world: world.live_feeds),
}
FILLERS_BY_PAGE: dict[tuple[str, str], Filler] = {
    ("handouts:feed", "token"): fill_feed_token,
    ("accounts:picture_login", "token"): fill_class_link,
    ("accounts:picture_password", "token"): fill_class_link,
    ("accounts:picture_password", "student_id"): fill_student_of_class_link,
    ("accounts:badge_login", "token"): fill_badge,
}


def fillings(route: Route, world: World, scope: Scope) -> dict[str, Filling]:
    """Fill each parameter of a page, or fail saying which filler is missing."""
    fillers = {
        param: FILLERS_BY_PAGE.get((str(route), param)) or FILLERS.get(param)
        for param in route.params
    }
    missing = [param for param, filler in fillers.items() if filler is None]
    if missing:
        pytest.fail(
            f"The URL pattern {route} ({route.route}) has parameter(s) "
            f"{', '.join(missing)} that the scope matrix cannot fill. Add a "
            "filler for each to FILLERS (or FILLERS_BY_PAGE) in "
            "tests/web/test_scope_matrix.py: an object in the person's scope "
            "and every object out of it.",
            pytrace=False,
        )
    return {param: filler(world, scope) for param, filler in fillers.items() if filler}


def out_of_scope_cases(
    fills: dict[str, Filling],
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (parameter, label, kwargs): one parameter out of scope, the rest in."""
    for param, filling in fills.items():
        # The other parameters get the person's own objects; where the person
        # has none, any real object, which is out of scope too.
        others = {
            name: f.in_scope if f.in_scope is not None else f.out_of_scope[0][1]
            for name, f in fills.items()
            if name != param
        }
        for label, value in filling.out_of_scope:
            yield param, label, {**others, param: value}


# --- Asking ------------------------------------------------------------------


def client_for(world: World, role: str) -> Client:
    """Return a client logged in as the role, or sending its API token."""
    scope = SCOPES[role]
    if scope.token_of is not None:
        secret = world.api_secrets[scope.token_of]
        return Client(headers={"Authorization": f"Bearer {secret}"})
    client = Client()
    if scope.username is not None:
        from django.contrib.auth.models import User

        client.force_login(User.objects.get(username=scope.username))
    return client


def is_signed_in(role: str, route: Route) -> bool:
    """Whether the role's client is known to this page: a session, or a token."""
    scope = SCOPES[role]
    if route.is_api:
        return scope.token_of is not None
    return scope.username is not None


WATCHED_APPS = {
    "roster",
    "curriculum",
    "mastery",
    "voice",
    "planning",
    "handouts",
    "accounts",
    "api",
    "privacy",
}


SECURITY_RECORDS = {"accounts.LoginAttempt"}


def count_rows() -> tuple[int, ...]:
    """Count the rows of every coplanner table in one query, to see no change.

    The audit log and the record of login attempts are left out: a refused
    request may well be written there.
    """
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if (model._meta.app_label in WATCHED_APPS or model._meta.label == "auth.User")
        and model._meta.label not in SECURITY_RECORDS
    )
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return tuple(cursor.fetchone())


def names_not_in_scope(world: World, scope: Scope, route: Route) -> list[str]:
    """Return the full names of the students and classes a scope must never show.

    On a page opened by its own link, what the link shows is in scope too.
    """
    link = LINK_SCOPES.get(str(route))
    if link is not None:
        scope = replace(
            scope,
            students=scope.students | link.students,
            classrooms=scope.classrooms | link.classrooms,
        )
    inside, outside = _students(world, scope)
    own_classrooms = scope.classrooms | {s.classroom.code for s in inside}
    return [s.display_name for s in outside] + [
        c.name for c in world.classrooms if c.code not in own_classrooms
    ]


def shown_names(response: Any, names: list[str]) -> list[str]:
    if response.get("Content-Type", "").startswith("application/pdf"):
        return []  # compressed; the card tests check what a PDF holds
    body = b"".join(response) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith(
        ("application/json", "application/problem")
    ):
        text = text.encode().decode("unicode_escape", "replace")
    return [name for name in names if name in text]


def is_refusal(response: Any, route: Route) -> bool:
    """Whether an answer to an unknown client says only "who are you?"."""
    if route.is_api:
        return response.status_code in (401, 405)
    return response.status_code == 405 or (
        response.status_code == 302
        and response["Location"].startswith(reverse("login"))
    )


# --- The tests ---------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_the_matrix_finds_the_pages_of_every_app():
    names = {route.name for route in ROUTES}
    for expected in (
        "classroom_detail",
        "student_week",
        "mastery:heat_map",
        "voice:survey",
        "conference:board",
        "handouts:feed",
        "handouts:school_export",
    ):
        assert expected in names
    assert not any(route.route.startswith("admin/") for route in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_page_has_a_name(route):
    assert route.name, (
        f"The URL pattern {route.route} has no name: give it one, so that the "
        "scope matrix can reverse it and its failures can say which page it is."
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES_WITH_PARAMS, ids=str)
def test_out_of_scope_is_not_found(world, role, route):
    scope = SCOPES[role]
    client = client_for(world, role)
    fills = fillings(route, world, scope)
    cases = list(out_of_scope_cases(fills))
    if not cases:
        pytest.skip("no parameter of this page carries a scope")
    signed_in = is_signed_in(role, route) or route.open
    failures = []
    for param, label, kwargs in cases:
        url = reverse(route.name, kwargs=kwargs)
        found = False
        for method in ("get", "post"):
            before = count_rows() if method == "post" else None
            response = getattr(client, method)(url)
            where = f"{role} {method.upper()} {route.name} with {param} = {label}"
            status = response.status_code
            if status == 404:
                found = True
            elif status == 405:
                pass  # the view does not take this method, whoever asks
            elif route.is_api and method == "post" and status in (400, 422):
                pass  # the empty body is refused before any id is looked up
            elif not signed_in and is_refusal(response, route):
                found = True
            else:
                failures.append(f"{where}: answered {status}, expected 404")
            leaked = shown_names(response, names_not_in_scope(world, scope, route))
            if leaked:
                failures.append(f"{where}: the answer names {', '.join(leaked)}")
            if before is not None and count_rows() != before:
                failures.append(f"{where}: the database changed")
        if not found:
            failures.append(f"{role} {route.name} with {param} = {label}: no 404")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_in_scope_opens(world, role, route):
    """The positive control: the same pages with the person's own ids."""
    scope = SCOPES[role]
    fills = fillings(route, world, scope)
    kwargs = {param: filling.in_scope for param, filling in fills.items()}
    if any(value is None for value in kwargs.values()):
        pytest.skip(f"the {role} has nothing in scope for this page")
    client = client_for(world, role)
    url = reverse(route.name, kwargs=kwargs)
    methods = ["get"] if route.name in SLOW_POSTS else ["get", "post"]
    answers = {method: getattr(client, method)(url) for method in methods}
    statuses = {method: answer.status_code for method, answer in answers.items()}
    where = f"{role} {route.name} {kwargs}: {statuses}"
    for method, answer in answers.items():
        leaked = shown_names(answer, names_not_in_scope(world, scope, route))
        assert not leaked, f"{where} {method.upper()} names {', '.join(leaked)}"

    if (role, route.name) in REFUSED_BY_DESIGN:
        assert set(statuses.values()) <= {404, 405}, where
        assert 404 in statuses.values(), where
        return
    if not is_signed_in(role, route) and not route.open and route.name not in API_OPEN:
        assert all(is_refusal(answer, route) for answer in answers.values()), where
        return
    if (role, route.name) in READ_ONLY:
        assert statuses == {"get": 200, "post": 403}, where
        return
    # Served (200), sent on (302), refused for this method only (405), or,
    # for a POST without its form, told what is missing (400, 422); a page
    # answering 405 to both would never serve anyone.
    assert statuses["get"] in (200, 302, 405), where
    assert statuses.get("post", 200) in (200, 201, 302, 400, 405, 422), where
    if route.name not in SLOW_POSTS:
        assert set(statuses.values()) != {405}, where
    for answer in answers.values():
        if answer.status_code == 302 and route.name not in LOGGING_OUT:
            assert not answer["Location"].startswith(reverse("login")), where


# Query values a person never types but a hostile link may hold.
HOSTILE_QUERY = {
    "week": "2024-99-99",
    "page": "-1",
    "sort": "'; DROP TABLE x",
    "subject": "\x00",
    "lang": "zz",
    "block": "x" * 3000,
    "answer": "1e99",
    "a": "NaN",
    "b": "-0",
    "limit": "-5",
    "offset": "99999999999999999999",
    # Form fields of the pages that take a post, with values no form sends.
    "action": "revoke",
    "feed": "abc",
    "version": "abc",
    "choice": "swap",
    "other_block": "\x00",
    "signer": "nobody",
    "alternative_of": "1e5",
    "alternative": "-1",
    "source": "x" * 500,
    "name": "",
}


@pytest.mark.parametrize("role", ["leader", "student", "guardian", "integration"])
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_hostile_query_is_never_a_crash(world, role, route):
    """Every page answers a hostile query string without a server error."""
    scope = SCOPES[role]
    fills = fillings(route, world, scope)
    kwargs = {param: filling.in_scope for param, filling in fills.items()}
    if any(value is None for value in kwargs.values()):
        pytest.skip(f"the {role} has nothing in scope for this page")
    client = client_for(world, role)
    url = reverse(route.name, kwargs=kwargs)
    for method in ("get", "post"):
        response = getattr(client, method)(url, HOSTILE_QUERY)
        assert response.status_code < 500, f"{role} {method.upper()} {route.name}"
        leaked = shown_names(response, names_not_in_scope(world, scope, route))
        assert not leaked, f"{role} {method.upper()} {route.name} names {leaked}"
