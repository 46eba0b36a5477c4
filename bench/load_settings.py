"""The production settings, with server errors logged to the console.

``bench/load.py`` serves the school with these, so that a page that fails
under load leaves its traceback in the benchmark's output.
"""

from coplanner.settings.production import *  # noqa: F403
from coplanner.settings.production import LOGGING

LOGGING = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
