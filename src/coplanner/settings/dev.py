"""Settings for a developer's machine and for `make demo`."""

from coplanner.settings.base import *  # noqa: F403
from coplanner.settings.env import ENV

DEBUG = ENV.debug or True
