"""Fixtures shared by the whole suite: the named cast and the browser."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must
# still be allowed to use the database from that thread in live-server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's Chromium; Playwright cannot download browsers here."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs it.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def cast(db):
    """Return the small named school most tests use (see ``tests/cast.py``)."""
    from tests.cast import build_cast

    return build_cast()


# The log guard ------------------------------------------------------------
#
# Logs carry ids, never names. For the whole run, every record of
# coplanner's loggers is kept; at the end the run fails if one of them names
# a student of the cast or of the demo school.

# Demo seeds whose students' names the guard looks for.
GUARDED_DEMO_SEEDS = (1, 7)


class _LogGuard:
    """Keep coplanner's log records, formatted, with where they came from."""

    def __init__(self) -> None:
        import logging

        self.lines: list[tuple[str, str, str]] = []
        guard = self

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.name == "coplanner" or record.name.startswith("coplanner."):
                    try:
                        text = record.getMessage()
                    except Exception:
                        text = f"{record.msg} {record.args}"
                    where = f"{record.pathname}:{record.lineno}"
                    guard.lines.append((record.name, where, text))

        self.handler = Keep(level=logging.DEBUG)

    def names(self) -> set[str]:
        from coplanner.demo.generate import generate_demo_school
        from tests.cast import STUDENT_NAMES

        found = {part for name in STUDENT_NAMES for part in name}
        for seed in GUARDED_DEMO_SEEDS:
            for student in generate_demo_school(seed).students:
                found |= {student.first_name, student.last_name}
        return found

    def leaks(self) -> list[str]:
        import re

        if not self.lines:
            return []
        pattern = re.compile(
            r"\b(" + "|".join(map(re.escape, sorted(self.names()))) + r")\b"
        )
        return [
            f"{logger} at {where}: {match.group(0)!r} in {text[:200]!r}"
            for logger, where, text in self.lines
            if (match := pattern.search(text))
        ]


_log_guard = _LogGuard()


def pytest_sessionstart(session: pytest.Session) -> None:
    import logging

    # On the root logger, which Django's logging setup leaves alone, so
    # the guard stays in place however often logging is configured.
    logging.getLogger().addHandler(_log_guard.handler)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = _log_guard.leaks()
    if leaks:
        print("\n\nStudents' names in coplanner's logs (logs carry ids only):")
        for line in leaks:
            print("  " + line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
