"""Settings for a school's server: HTTPS only, a real secret, no debug pages."""

from django.core.exceptions import ImproperlyConfigured

from coplanner.settings.base import *  # noqa: F403
from coplanner.settings.env import ENV

if not ENV.secret_key:
    raise ImproperlyConfigured(
        "Set COPLANNER_SECRET_KEY to a long random string before starting "
        "coplanner in production."
    )
SECRET_KEY = ENV.secret_key
DEBUG = False

SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
SESSION_COOKIE_AGE = 60 * 60 * 8  # one school day, in seconds
