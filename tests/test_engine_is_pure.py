"""The engine is a plain library: importing all of it must not import Django."""

import subprocess
import sys

PROGRAM = """
import importlib, pkgutil, sys
import coplanner.engine as engine
names = [m.name for m in pkgutil.walk_packages(engine.__path__, "coplanner.engine.")]
for name in names:
    importlib.import_module(name)
assert len(names) >= 2, names
leaked = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print(len(names), "modules;", "django imported by the engine:" if leaked else "clean", *leaked[:5])
sys.exit(1 if leaked else 0)
"""


def test_importing_every_engine_module_does_not_import_django():
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
