"""Read the environment, once, for every settings module.

Each setting has a typed default and one line saying what it is for. Nothing
else in coplanner reads ``os.environ`` for configuration.
"""

import os
from dataclasses import dataclass
from pathlib import Path


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class Environment:
    # Where the data lives: sqlite:///path/to/file or postgres://user:pw@host/db.
    database_url: str
    # Signs sessions and tokens; production refuses to start without one.
    secret_key: str | None
    # Detailed error pages; only for a developer's own machine.
    debug: bool
    # Host names this server answers to.
    allowed_hosts: list[str]
    # Other origins (https://host[:port]) whose forms may post here, such as a
    # proxy's public address that differs from the host name.
    csrf_trusted_origins: list[str]
    # Level of coplanner's own log lines (DEBUG, INFO, WARNING…).
    log_level: str
    # The school's time zone, for block times and evidence dates.
    time_zone: str
    # Folder that `collectstatic` fills for a production web server.
    static_root: Path


def read_environment() -> Environment:
    """Return the configuration given by environment variables."""
    default_db = "sqlite:///" + str(Path.cwd() / "coplanner.sqlite3")
    return Environment(
        database_url=os.environ.get("DATABASE_URL") or default_db,
        secret_key=os.environ.get("COPLANNER_SECRET_KEY") or None,
        debug=_flag("COPLANNER_DEBUG", default=False),
        allowed_hosts=_list("COPLANNER_ALLOWED_HOSTS", ["127.0.0.1", "localhost"]),
        csrf_trusted_origins=_list("COPLANNER_CSRF_TRUSTED_ORIGINS", []),
        log_level=os.environ.get("COPLANNER_LOG_LEVEL", "INFO").upper(),
        time_zone=os.environ.get("COPLANNER_TIME_ZONE", "America/New_York"),
        static_root=Path(
            os.environ.get("COPLANNER_STATIC_ROOT") or Path.cwd() / "staticfiles"
        ),
    )


ENV = read_environment()
