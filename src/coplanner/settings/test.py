"""Settings for the test suite: fast hashing, quiet logs, any database URL."""

from coplanner.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
