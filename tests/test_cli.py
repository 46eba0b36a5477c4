"""The `coplanner` command as a person at a terminal uses it."""

import os
import subprocess
import sys
from pathlib import Path

COPLANNER = Path(sys.executable).parent / "coplanner"


def run(*args: str, cwd: Path, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [str(COPLANNER), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=120,
    )


def test_help_lists_the_commands(tmp_path):
    result = run("--help", cwd=tmp_path, database=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stderr
    for command in ("demo", "migrate", "runserver"):
        assert command in result.stdout


def test_demo_loads_and_prints_the_logins(tmp_path):
    database = tmp_path / "school.sqlite3"
    migrated = run("migrate", "--noinput", cwd=tmp_path, database=database)
    assert migrated.returncode == 0, migrated.stderr
    loaded = run("demo", "--seed", "3", cwd=tmp_path, database=database)
    assert loaded.returncode == 0, loaded.stderr
    for role in ("leader", "coach", "teacher", "student", "guardian"):
        assert f"  {role} " in loaded.stdout
    assert "password: coplanner-demo" in loaded.stdout
    assert database.exists()
