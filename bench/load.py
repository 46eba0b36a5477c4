"""A school's Monday morning against a real server: pages and conferences.

Loads a school of about 550 students into PostgreSQL, serves it with
gunicorn on loopback, and plays the morning with a bounded pool of client
threads:

1. every teacher, coach, the leader and every student logs in through the
   login form (argon2, as in production; reported apart, since hashing a
   password is slow on purpose);
2. then, all at once: each adult opens the pages of their class (class page,
   heat map, the coach's conference view, rotation board), each student
   their own (my week, skill map, my learning, conference board), and 20
   conferences in 20 different classes each open a card on the board and
   make three requests the planner answers (the same POST the board's script
   sends, with ``X-Requested-With``).

It prints throughput, median and 95th percentile latency per kind and the
errors, against the targets: no errors, page p95 under 300 ms, conference
requests under 1 s.

How hard the morning is: 40 people at their screens at once, each reading
a page for ``--think`` seconds on average (5) before the next. With about
four pages each, the whole school has opened every page within about five
minutes: some 8 pages a second, a rush for a school of 550. ``--think 1``
plays the same morning in about 80 seconds, four times as hard, which this
two-core machine cannot serve at the targets (the README gives both runs).

The school is six houses, each a copy of the demo school of seed 1 (4
classes, 92 students, its own coaches, class teachers, small-group
specialists and teachers' tables) sharing the school's unstaffed stations,
under one leader: 24 classes, 552 students, 12 coaches, 36 teachers, 63
skills, about 118,000 pieces of evidence. Every class's week is drafted by
the planner before the morning starts.

The server runs ``coplanner.settings.production`` (no debug, secure
cookies, HTTPS redirect; ``bench/load_settings.py`` only adds the logging
of server errors, ``bench/load_gunicorn.py`` preloads the application) as it
would behind a TLS proxy: the client sends
``X-Forwarded-Proto: https`` and keeps its own cookies, since the session
cookie is marked secure. Static files are not fetched: a school's web
server or proxy serves them. Run from the repository root:

    scripts/with-postgres .venv/bin/python bench/load.py [--houses 6]

Figures are noisy on a shared machine: the client threads run on the same
two cores as the server and the database.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PAGE_P95_MS = 300.0
TARGET_CONFERENCE_MS = 1000.0
# A request that takes longer than this counts as an error.
REQUEST_TIMEOUT_S = 30.0
# The whole morning (both phases) is stopped after this, whatever is left.
MORNING_LIMIT_S = 900.0
SERVER_SECRET = secrets.token_urlsafe(40)


def server_environment(database_url: str) -> dict[str, str]:
    """Return the environment of the gunicorn server and of the loading."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "DATABASE_URL": database_url,
        "COPLANNER_SECRET_KEY": SERVER_SECRET,
        "COPLANNER_ALLOWED_HOSTS": "127.0.0.1",
        "COPLANNER_LOG_LEVEL": os.environ.get("LOAD_SERVER_LOG_LEVEL", "WARNING"),
    }


# --- The school ---------------------------------------------------------------


@dataclass
class Person:
    """Someone of the school, the pages they open, and how they sign in.

    ``session`` is set for a person who signed in earlier (a session made in
    the database before the morning); the others log in through the form.
    """

    username: str
    role: str
    pages: list[str] = field(default_factory=list)
    session: str | None = None


@dataclass
class ConferencePair:
    """A coach and the student whose week they change together."""

    coach: str
    student_id: int
    blocks: list[str]


@dataclass
class School:
    people: list[Person]
    conferences: list[ConferencePair]
    password: str
    counts: dict[str, int]


def house_copy(demo, house: int):  # type: ignore[no-untyped-def]
    """Return the demo school with every code and username of ``house`` renamed.

    House 1 keeps the demo's names; the others get a suffix on usernames and
    a prefix on codes, so that six copies live side by side in one school.
    Only house 1 keeps the school leader. The stations nobody staffs and no
    class owns (online programs, the reading nook…) are the school's, once:
    their seats are counted per class anyway. Each house brings its own
    small groups (its specialists) and its teachers' tables.
    """
    if house == 1:
        return demo
    tag = f"h{house}"
    shared = {a.code for a in demo.activities if a.staff is None and not a.classroom}

    def user(name: str) -> str:
        return f"{name}.{tag}"

    def code(value: str) -> str:
        return f"{tag}-{value}"

    def activity(value: str) -> str:
        return value if value in shared else code(value)

    replace = dataclasses.replace
    return replace(
        demo,
        staff=tuple(
            replace(s, username=user(s.username))
            for s in demo.staff
            if s.role != "leader"
        ),
        classrooms=tuple(
            replace(
                c,
                code=code(c.code),
                name=f"{c.name} · House {house}",
                teacher=user(c.teacher),
                coach=user(c.coach),
            )
            for c in demo.classrooms
        ),
        students=tuple(
            replace(
                s,
                code=code(s.code),
                username=user(s.username),
                classroom=code(s.classroom),
            )
            for s in demo.students
        ),
        guardians=tuple(
            replace(
                g,
                username=user(g.username),
                children=tuple(code(child) for child in g.children),
            )
            for g in demo.guardians
        ),
        activities=tuple(
            replace(
                a,
                code=code(a.code),
                staff=user(a.staff) if a.staff else None,
                classroom=code(a.classroom) if a.classroom else None,
            )
            for a in demo.activities
            if a.code not in shared
        ),
        evidence=tuple(replace(e, student=code(e.student)) for e in demo.evidence),
        preferences=tuple(
            replace(p, student=code(p.student), activity=activity(p.activity))
            for p in demo.preferences
        ),
        goals=tuple(replace(g, student=code(g.student)) for g in demo.goals),
        must_dos=tuple(
            replace(m, classroom=code(m.classroom), activity=activity(m.activity))
            for m in demo.must_dos
        ),
        hidden_mastery=tuple(
            replace(h, student=code(h.student)) for h in demo.hidden_mastery
        ),
    )


def merged_school(houses: int):  # type: ignore[no-untyped-def]
    """Return one demo school holding ``houses`` copies of the seed-1 school."""
    from coplanner.demo.generate import generate_demo_school

    demo = generate_demo_school(1)
    copies = [house_copy(demo, house) for house in range(1, houses + 1)]

    def joined(name: str) -> tuple:
        return tuple(item for copy in copies for item in getattr(copy, name))

    return dataclasses.replace(
        demo,
        **{
            name: joined(name)
            for name in (
                "staff",
                "classrooms",
                "students",
                "guardians",
                "activities",
                "evidence",
                "preferences",
                "goals",
                "must_dos",
                "hidden_mastery",
            )
        },
    )


def load_school(houses: int, draft_seconds: float, form_students: int) -> School:
    """Store the school with the demo's own loader, fit mastery, draft weeks."""
    import django

    django.setup()
    from django.core.management import call_command

    from coplanner.demo import load as demo_load
    from coplanner.mastery.actions import record_mastery_fit
    from coplanner.planning.actions import propose_class_drafts
    from coplanner.planning.queries import get_week_start

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    school_spec = merged_school(houses)
    # The demo's loader stores whatever school its generator returns.
    demo_load.generate_demo_school = lambda seed: school_spec  # type: ignore[assignment]
    summary = demo_load.load_demo_school(1)
    school = summary.school
    print(f"loaded {summary.counts} in {time.monotonic() - started:.0f} s", flush=True)
    fit = record_mastery_fit(school)
    print(f"fitted {fit.estimates} estimates in {fit.seconds:.1f} s", flush=True)

    week_start = get_week_start()
    started = time.monotonic()
    for classroom in school.classrooms.order_by("code"):
        # On a busy machine the planner may need longer for a first plan.
        for seconds in (draft_seconds, 3 * draft_seconds):
            result = propose_class_drafts(classroom, week_start, None, seconds)
            if result.has_plans:
                break
        else:
            print(f"  no plan for {classroom.code}: {result.status}", flush=True)
    print(f"drafted every class in {time.monotonic() - started:.0f} s", flush=True)
    return describe_morning(school, summary.password, form_students)


def make_session(user) -> str:  # type: ignore[no-untyped-def]
    """Sign a person in without the form and return the session key.

    Stands for someone who signed in earlier this morning: the session is the
    one the login view would have made.
    """
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_backends,
    )
    from django.contrib.sessions.backends.db import SessionStore

    # The backend that checks passwords; one that only guards logins (a
    # lockout after failed tries) cannot find a session's user.
    backend = next(b for b in get_backends() if hasattr(b, "get_user"))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = (
        f"{type(backend).__module__}.{type(backend).__name__}"
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def describe_morning(school, password: str, form_students: int) -> School:  # type: ignore[no-untyped-def]
    """Decide who opens which pages, and which 20 conferences run at once.

    Every adult and the first ``form_students`` students of each class log in
    through the form; the other students signed in earlier.
    """
    from django.urls import reverse

    from coplanner.planning.models import Plan

    people: list[Person] = []
    leader = school.staff.get(role="leader")
    classrooms = list(
        school.classrooms.select_related("coach__user").prefetch_related(
            "teachers__user"
        )
    )
    people.append(
        Person(
            leader.user.username,
            "leader",
            [reverse("classroom_list")]
            + [reverse("mastery:heat_map", args=[c.pk]) for c in classrooms[:4]],
        )
    )
    for classroom in classrooms:
        for teacher in classroom.teachers.all():
            people.append(
                Person(
                    teacher.user.username,
                    "teacher",
                    [
                        reverse("classroom_detail", args=[classroom.pk]),
                        reverse("mastery:heat_map", args=[classroom.pk]),
                        reverse("handouts:board", args=[classroom.pk]),
                        reverse("conference:class", args=[classroom.pk]),
                    ],
                )
            )
    coached: dict[str, list[int]] = defaultdict(list)
    for classroom in classrooms:
        if classroom.coach:
            coached[classroom.coach.user.username].append(classroom.pk)
    for username, classroom_ids in coached.items():
        people.append(
            Person(
                username,
                "coach",
                [reverse("conference:class", args=[pk]) for pk in classroom_ids]
                + [reverse("mastery:heat_map", args=[classroom_ids[0]])],
            )
        )
    students = list(
        school.students.select_related("user").order_by("classroom_id", "code")
    )
    position: dict[int, int] = defaultdict(int)
    for student in students:
        position[student.classroom_id] += 1
        people.append(
            Person(
                student.user.username,
                "student",
                [
                    reverse("student_week", args=[student.pk]),
                    reverse("mastery:skill_map", args=[student.pk]),
                    reverse("voice:my_learning", args=[student.pk]),
                    reverse("conference:board", args=[student.pk]),
                ],
                session=(
                    None
                    if position[student.classroom_id] <= form_students
                    else make_session(student.user)
                ),
            )
        )

    # 20 conferences in 20 classes, so that no two change the same class.
    template = classrooms[0].week_template
    blocks = [block.code for block in template.blocks.order_by("day", "start")]
    rng = random.Random(1)
    conferences = []
    planned = set(
        Plan.objects.filter(student__school=school, version__gt=0).values_list(
            "student__classroom_id", flat=True
        )
    )
    for classroom in [c for c in classrooms if c.pk in planned][:20]:
        student = next(s for s in students if s.classroom_id == classroom.pk)
        staff = classroom.coach or classroom.teachers.first()
        conferences.append(
            ConferencePair(staff.user.username, student.pk, rng.sample(blocks, 4))
        )
    counts = {
        "classes": len(classrooms),
        "students": len(students),
        "adults": len({p.username for p in people if p.role != "student"}),
        "students logging in": sum(
            p.role == "student" and p.session is None for p in people
        ),
    }
    return School(people, conferences, password, counts)


# --- The server ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    database_url: str, port: int, workers: int, threads: int
) -> subprocess.Popen[bytes]:
    """Start gunicorn on loopback and wait until it answers."""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "coplanner.wsgi",
            "--config",
            str(ROOT / "bench/load_gunicorn.py"),
            "--pythonpath",
            str(ROOT / "bench"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_environment(database_url),
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(
                    "gunicorn stopped at start: see its output above."
                ) from None
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not answer within 180 s.")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# --- The client ---------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    kind: str
    seconds: float
    ok: bool
    what: str


class Browser:
    """One person's browser: cookies, CSRF token, one connection to the server.

    The session cookie is secure, so it is kept here by hand instead of by a
    cookie jar that would refuse to send it over plain HTTP.
    """

    def __init__(self, port: int, record: Callable[[Sample], None]) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.record = record
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=REQUEST_TIMEOUT_S
        )

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        fragment: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, str]:
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if fragment:
            headers["X-Requested-With"] = "fetch"
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                status = response.status
                break
            except (OSError, http.client.HTTPException) as error:
                # The server closes a connection idle for a few seconds; a
                # browser then opens a new one and sends the request again.
                self.connection.close()
                status, text = 0, f"{type(error).__name__}: {error}"
                dropped = (
                    http.client.RemoteDisconnected,
                    BrokenPipeError,
                    ConnectionResetError,
                )
                if attempt == 1 and isinstance(error, dropped):
                    started = time.perf_counter()
                    continue
                break
        if status:
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    for name, morsel in SimpleCookie(value).items():
                        self.cookies[name] = morsel.value
        seconds = time.perf_counter() - started
        ok = status in expect
        what = f"{status} {method} {path}"
        if not ok:
            words = re.sub(r"<[^>]+>|\s+", " ", text).strip()
            what += f" — {words[:160]}"
        self.record(Sample(kind, seconds, ok, what))
        return status, text

    def log_in(self, username: str, password: str) -> bool:
        self.request("login", "GET", "/login/")
        status, _text = self.request(
            "login",
            "POST",
            "/login/",
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
            expect=(302,),
        )
        return status == 302 and "sessionid" in self.cookies

    def close(self) -> None:
        self.connection.close()


def version_of(html: str) -> str | None:
    """Return the plan version the board shows (its forms send it back)."""
    found = re.search(r'name="version" value="(\d+)"', html)
    return found.group(1) if found else None


def confer(browser: Browser, pair: ConferencePair, think: float) -> None:
    """Open cards and make three requests, as a coach does on the board.

    ``think`` is the mean seconds coach and student talk before each request.
    """
    board = f"/conference/students/{pair.student_id}/"
    ask = f"{board}ask/"
    _status, html = browser.request("page", "GET", board)
    first, second, third, fourth = pair.blocks
    wishes = [
        (first, {"choice": "lock:"}),
        (second, {"choice": "swap", "other_block": third}),
        (fourth, {"choice": "move", "to_block": first}),
    ]
    pause = random.Random(pair.student_id)
    for block, wish in wishes:
        time.sleep(pause.uniform(0.5, 1.5) * think)
        browser.request("page", "GET", f"{board}?block={block}", fragment=True)
        form = {
            "block": block,
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""),
            "idea": "student",
            **wish,
        }
        version = version_of(html)
        if version:
            form["version"] = version
        # A refusal is an answer too (200); only a failure is an error.
        _status, html = browser.request("conference", "POST", ask, form, fragment=True)


# --- The morning --------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.lock = threading.Lock()

    def __call__(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def run_phase(label: str, jobs: list[Callable[[], None]], threads: int) -> float:
    """Run the jobs on a pool of client threads; return the wall seconds."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(job) for job in jobs]
        for future in futures:
            future.result(timeout=MORNING_LIMIT_S)
    seconds = time.monotonic() - started
    print(f"{label}: {len(jobs)} jobs in {seconds:.1f} s", flush=True)
    return seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def report(samples: list[Sample], seconds: dict[str, float]) -> bool:
    """Print the figures per kind and say whether every target was met."""
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    phase_of = {"login": "login", "page": "morning", "conference": "morning"}
    print()
    print("| kind | requests | per second | median | p95 | max | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind in ("login", "page", "conference"):
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        times = [row.seconds * 1000 for row in rows]
        errors = [row for row in rows if not row.ok]
        rate = len(rows) / max(seconds[phase_of[kind]], 1e-9)
        print(
            f"| {kind} | {len(rows)} | {rate:.1f} | {statistics.median(times):.0f} ms"
            f" | {percentile(times, 0.95):.0f} ms | {max(times):.0f} ms"
            f" | {len(errors)} |"
        )
        for error in errors[:5]:
            print(f"    error: {error.what}")
    pages = [row.seconds * 1000 for row in by_kind.get("page", [])]
    asks = [row.seconds * 1000 for row in by_kind.get("conference", [])]
    errors = sum(not row.ok for row in samples)
    met = {
        "no errors": errors == 0,
        f"page p95 under {TARGET_PAGE_P95_MS:.0f} ms": bool(pages)
        and percentile(pages, 0.95) < TARGET_PAGE_P95_MS,
        f"every conference request under {TARGET_CONFERENCE_MS:.0f} ms": bool(asks)
        and max(asks) < TARGET_CONFERENCE_MS,
        f"conference p95 under {TARGET_CONFERENCE_MS:.0f} ms": bool(asks)
        and percentile(asks, 0.95) < TARGET_CONFERENCE_MS,
    }
    print()
    for target, ok in met.items():
        print(f"  {'met   ' if ok else 'MISSED'} {target}")
    return all(met.values())


def slowest_pages(samples: list[Sample], count: int = 8) -> None:
    by_page: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        if sample.kind == "page":
            path = re.sub(r"\d+", "N", sample.what.split(" ", 1)[1].split("?")[0])
            by_page[path].append(sample.seconds * 1000)
    print("\nslowest pages (p95, median, requests):")
    ranked = sorted(by_page.items(), key=lambda item: -percentile(item[1], 0.95))
    for path, times in ranked[:count]:
        print(
            f"  {percentile(times, 0.95):6.0f} ms {statistics.median(times):6.0f} ms"
            f" {len(times):5d}  {path}"
        )


def planner_thinking() -> None:
    """Print how long the planner thought about the morning's requests.

    Read from the requests the server recorded: the rest of a request's time
    is reading the class, recording the answer, drawing the board and
    waiting for a core.
    """
    from coplanner.planning.models import Request

    rows = list(Request.objects.values_list("kind", "outcome", "details"))
    if not rows:
        return
    thinking = [float(details.get("seconds", 0.0)) * 1000 for *_, details in rows]
    outcomes = defaultdict(int)
    for _kind, outcome, _details in rows:
        outcomes[outcome] += 1
    print(
        f"\nplanner thinking per request: median {statistics.median(thinking):.0f} ms,"
        f" p95 {percentile(thinking, 0.95):.0f} ms, max {max(thinking):.0f} ms;"
        f" {', '.join(f'{n} {o}' for o, n in sorted(outcomes.items()))}"
    )
    slowest = sorted(zip(thinking, rows, strict=True), key=lambda pair: -pair[0])
    for ms, (kind, outcome, details) in slowest[:3]:
        print(f"  {ms:6.0f} ms  {kind} {outcome} {details.get('rule') or ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--houses", type=int, default=6, help="copies of the demo")
    parser.add_argument("--draft-seconds", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument(
        "--clients", type=int, default=40, help="people at their screens at once"
    )
    parser.add_argument(
        "--think", type=float, default=5.0, help="mean seconds between two pages"
    )
    parser.add_argument(
        "--form-students",
        type=int,
        default=2,
        help="students per class who log in through the form (the others "
        "signed in earlier)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print(
            "bench/load.py needs PostgreSQL: run it as "
            "`scripts/with-postgres .venv/bin/python bench/load.py`.",
            file=sys.stderr,
        )
        return 2
    os.environ.update(server_environment(database_url))
    sys.path.insert(0, str(ROOT / "bench"))
    school = load_school(args.houses, args.draft_seconds, args.form_students)
    print(f"the school: {school.counts}", flush=True)

    port = free_port()
    server = start_server(database_url, port, args.workers, args.threads)
    recorder = Recorder()
    seconds: dict[str, float] = {}
    try:
        browsers: dict[str, Browser] = {}

        def log_in(person: Person) -> Callable[[], None]:
            def job() -> None:
                browser = Browser(port, recorder)
                if browser.log_in(person.username, school.password):
                    browsers[person.username] = browser

            return job

        for person in school.people:
            if person.session is not None:
                browsers[person.username] = Browser(port, recorder)
                browsers[person.username].cookies["sessionid"] = person.session

        # Each conference has a browser of its own (a coach may hold two).
        boards: list[tuple[Browser, ConferencePair]] = []

        def log_in_for_conference(pair: ConferencePair) -> Callable[[], None]:
            def job() -> None:
                browser = Browser(port, recorder)
                if browser.log_in(pair.coach, school.password):
                    boards.append((browser, pair))

            return job

        # Each worker compiles its templates on first use: open every kind of
        # page a few times per worker before anything is measured.
        warm = Browser(port, lambda sample: None)
        leader = next(p for p in school.people if p.role == "leader")
        warm.log_in(leader.username, school.password)
        kinds = {}
        for person in school.people:
            for page in person.pages:
                kinds.setdefault(re.sub(r"\d+", "N", page), (person, page))
        for _round in range(2 * args.workers):
            for person, page in kinds.values():
                if person.role == "student" and person.session:
                    visitor = Browser(port, lambda sample: None)
                    visitor.cookies["sessionid"] = person.session
                    visitor.request("warm", "GET", page)
                    visitor.close()
                else:
                    warm.request("warm", "GET", page)
        warm.close()

        unique = list({person.username: person for person in school.people}.values())
        seconds["login"] = run_phase(
            "logins",
            [log_in(person) for person in unique if person.session is None]
            + [log_in_for_conference(pair) for pair in school.conferences],
            args.clients,
        )

        def open_pages(person: Person) -> Callable[[], None]:
            def job() -> None:
                browser = browsers.get(person.username)
                if browser is None:
                    return
                think = random.Random(person.username)
                for page in person.pages:
                    time.sleep(think.uniform(0.5, 1.5) * args.think)
                    browser.request("page", "GET", page)

            return job

        def conference(browser: Browser, pair: ConferencePair) -> Callable[[], None]:
            def job() -> None:
                confer(browser, pair, args.think)
                browser.close()

            return job

        jobs = [conference(browser, pair) for browser, pair in boards]
        people = list(school.people)
        random.Random(2).shuffle(people)
        # The conferences start first, so that they run while the pages load.
        jobs += [open_pages(person) for person in people]
        seconds["morning"] = run_phase("the morning", jobs, args.clients)
        for browser in browsers.values():
            browser.close()
    finally:
        stop_server(server)

    print(
        f"\nserver: gunicorn, {args.workers} workers x {args.threads} threads; "
        f"{args.clients} client threads; the school: {school.counts}"
    )
    met = report(recorder.samples, seconds)
    planner_thinking()
    slowest_pages(recorder.samples)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
