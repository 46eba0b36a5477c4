"""Settings shared by every way of running coplanner."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from coplanner.settings.env import ENV

PACKAGE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = ENV.secret_key or "insecure-development-key-change-me"
DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "coplanner.accounts",
    "coplanner.roster",
    "coplanner.curriculum",
    "coplanner.mastery",
    "coplanner.voice",
    "coplanner.planning",
    "coplanner.handouts",
    "coplanner.demo",
    "coplanner.api",
    # ninja serves the API docs page from its own static files, not a CDN.
    "ninja",
    "axes",
    "coplanner.audit",
    "coplanner.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "coplanner.security.HtmlContentSecurityPolicyMiddleware",
    "coplanner.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coplanner.audit.middleware.AuditUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "coplanner.accounts.sessions.AccountMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Security headers (Django's SecurityMiddleware and clickjacking middleware,
# django-csp, and coplanner.security for Permissions-Policy). Every page uses
# only coplanner's own static scripts and stylesheets: nothing inline, so an
# injected <script> or style="…" does nothing. Activity colours come from a
# generated stylesheet (coplanner.curriculum.colours), not style attributes.
# TODO: collect violation reports (report-to) at an endpoint that logs them,
# so that a page breaking the policy on a school's server gets noticed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],  # the conference board's fetch requests
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "coplanner.urls"
WSGI_APPLICATION = "coplanner.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coplanner.accounts.context.role",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Argon2 first: new and changed passwords are hashed with it; older hashes
# still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes' lockout check comes first (see coplanner.accounts.backends).
AUTHENTICATION_BACKENDS = [
    "coplanner.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock that pair out
# for 15 minutes; the school leader can lift it sooner.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Adults stay signed in for a school day; students get less, and picture-login
# sessions end with the browser (coplanner.accounts.sessions).
SESSION_COOKIE_AGE = 60 * 60 * 8
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Uploads. Django limits a form's other fields (DATA_UPLOAD_MAX_MEMORY_SIZE,
# 2.5 MB) but not its files; coplanner.uploads stops reading files past the
# most any page takes, and each upload page may take less.
UPLOAD_MAX_MEGABYTES = 100
EVIDENCE_UPLOAD_MAX_MEGABYTES = 20
FILE_UPLOAD_HANDLERS = [
    "coplanner.uploads.UploadSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = ENV.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = ENV.static_root

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "loggers": {
        "coplanner": {"handlers": ["console"], "level": ENV.log_level},
    },
}
