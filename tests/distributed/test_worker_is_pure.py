"""A Dask worker imports the tasks without Django: it has no database."""

import subprocess
import sys

PROGRAM = """
import sys
import coplanner.planning.distributed.mastery
import coplanner.planning.distributed.units
import coplanner.planning.distributed.worker
leaked = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print("django imported by the worker's tasks:" if leaked else "clean", *leaked[:5])
sys.exit(1 if leaked else 0)
"""


def test_the_worker_tasks_import_no_django():
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
