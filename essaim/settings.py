"""Essaim's only settings module.

Every setting comes from an ``ESSAIM_*`` environment variable with a safe embedded
default (SQLite under ``ESSAIM_DATA_DIR``, console email, in-process everything).
``docs/configuration.md`` lists every variable; keep it in step with this file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from essaim.core.sqlite.pragmas import INIT_COMMAND

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"ESSAIM_{name}", default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = env(name, "1" if default else "0").strip().lower()
    return raw in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)
DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("ESSAIM_SECRET_KEY must be set when ESSAIM_DEBUG is false.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ESSAIM_ALLOWED_HOSTS must be set when ESSAIM_DEBUG is false.")
else:
    SECRET_KEY = SECRET_KEY or "essaim-insecure-development-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


# --- The site's address (one source for every absolute link in e-mails: essaim/network/site.py)
def site_url_from(*, site_url: str, bind: str) -> str:
    """``ESSAIM_SITE_URL`` when set, else ``http://`` where ``ESSAIM_BIND`` listens.

    A bind on every interface (``0.0.0.0``, ``::``) is answered on this machine's loopback, so links
    name ``127.0.0.1`` (``[::1]``): an address that opens, where a host name may not resolve. Other
    machines reach the server by a name only the operator knows: ``ESSAIM_SITE_URL`` says it.
    """
    if site_url:
        return site_url.rstrip("/")
    host, _, port = bind.rpartition(":") if ":" in bind else ("", "", bind)
    host = host.strip("[]")
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104 - a bind, not a listen
    if ":" in host:
        host = f"[{host}]"
    port = port or "8000"
    return f"http://{host}" if port == "80" else f"http://{host}:{port}"


SITE_URL = site_url_from(site_url=env("SITE_URL"), bind=env("BIND", "127.0.0.1:8000"))
# --- end of the site's address

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",  # serves Swagger UI's files from its static folder (no CDN) for /api/docs
    "essaim.core",
    "essaim.access",
    "essaim.network",
    "essaim.mailbox",
    "essaim.accounts",
    "essaim.people",
    "essaim.spaces",
    "essaim.stream",
    "essaim.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "essaim.api.middleware.BearerTokenMiddleware",
    "essaim.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "essaim.urls"
WSGI_APPLICATION = "essaim.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "essaim" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "essaim.network.context_processors.network",
            ],
        },
    },
]

# --- Database: SQLite (WAL, IMMEDIATE) by default, PostgreSQL via ESSAIM_DATABASE_URL.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: Essaim's queries are short, and PostgreSQL compiled some of them (a directory
        # search over 20,000 spaces: 12 ms of JIT for a 3 ms query) because of their cost estimate.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        # Prepared statements: the parameters travel apart from the text, so a statement that never
        # changes shape (``core.rows``' hand-written ones, most of the ORM's) is parsed and planned
        # once per connection after its second run. Planning the home page's query took 1.2 ms, about
        # as long as running it (bench/README.md). Turn it off (ESSAIM_DATABASE_PREPARE=0) behind a
        # pooler in transaction mode that does not keep prepared statements (PgBouncer before 1.21).
        if env_bool("DATABASE_PREPARE", default=True):
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 2)
else:
    DATABASES = {
        "default": {
            # Django's backend, whose write transactions take turns through a lock the kernel
            # queues instead of SQLite's sleeping retries (essaim/core/sqlite/).
            "ENGINE": "essaim.core.sqlite",
            "NAME": str(DATA_DIR / "essaim.sqlite3"),
            # Keep each worker's connection: a new one per request re-read the schema and started
            # with an empty page cache (bench/README.md).
            "CONN_MAX_AGE": 600,
            # Tests run in memory, Django's default for SQLite, said aloud: pytest-django only
            # recognises that default under Django's own engine name.
            "TEST": {"NAME": ":memory:"},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": INIT_COMMAND,  # essaim/core/sqlite/pragmas.py
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot express UniqueConstraint(nulls_distinct=False); the spaces services check that
# uniqueness themselves, and PostgreSQL enforces it too.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

# --- Cache: local memory by default, Redis via ESSAIM_REDIS_URL.
REDIS_URL = env("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # One cache per process; post cards (stream.cards) are its main tenant: ≈ 3 KB each.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}

# --- Security (issue 17's review) ---------------------------------------------------------------
# Counters every process shares: API rate limits and sign-in throttling (essaim/core/counters.py).
# Redis when configured, else a small SQLite file beside the database: never a per-process cache.
CACHES["ratelimit"] = (
    {"BACKEND": "essaim.core.counters.RedisCounterCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "essaim.core.counters.SQLiteCounterCache", "LOCATION": str(DATA_DIR / "counters.sqlite3")}
)
# Password-reset links die with a deactivation, as sessions and tokens do (essaim/accounts/tokens.py).
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "essaim.accounts.tokens.PasswordResetTokenGenerator"  # noqa: S105 - a class path
# --- end of the security block --------------------------------------------------------------------

# --- Background tasks: django.tasks API; database worker by default.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, reading the signed-in user with their profile in one statement.
AUTHENTICATION_BACKENDS = [
    "essaim.accounts.backends.ModelBackend",
    "essaim.accounts.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER", default=False):  # tests and benchmarks only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "essaim.accounts.forms.SignupNamesForm"  # first and last name are required
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "essaim.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # Five failed sign-ins per account per 30 minutes, as the foundation issue asks.
    "login_failed": "5/30m/key,20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("NETWORK_NAME", "Essaim")

# Self sign-up is off by default; ESSAIM_SIGNUP_DOMAINS restricts it to company domains.
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", default=False)
SIGNUP_DOMAINS = [d.lower().lstrip("@") for d in env_list("SIGNUP_DOMAINS")]
INVITATION_VALID_DAYS = int(env("INVITATION_VALID_DAYS", "14"))
# Who may create spaces: "everyone" (every employee), "communication" (communication team and network
# administrators) or "admins" (network administrators only). Guests never create spaces.
SPACE_CREATORS = env("SPACE_CREATORS", "everyone")
if SPACE_CREATORS not in {"everyone", "communication", "admins"}:
    raise ImproperlyConfigured("ESSAIM_SPACE_CREATORS must be everyone, communication or admins.")

# --- Email: the outbox by default (essaim/mailbox), SMTP when ESSAIM_EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "Essaim <essaim@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_USER"),
                "password": env("EMAIL_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            },
        }
    }
else:
    # Kept in the outbox (/manage/outbox/, network administrators) with one console line each.
    MAILERS = {"default": {"BACKEND": "essaim.mailbox.backends.OutboxBackend"}}

# --- Internationalisation
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "essaim" / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# Icons are inlined from node_modules/lucide-static by the {% icon %} tag, so its ~6,000 files are
# not static files: whitenoise and collectstatic stay fast.
STATICFILES_DIRS = [
    BASE_DIR / "essaim" / "static",  # the project's own CSS/JS: no app finder looks there
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security baseline
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's database sessions, read with a statement written once (essaim/accounts/sessions.py).
SESSION_ENGINE = "essaim.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", default=False) else None
SECURE_HSTS_SECONDS = 0 if DEBUG else int(env("HSTS_SECONDS", "31536000"))
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Network identity (defaults; administrators change them in the app)
NETWORK_NAME = env("NETWORK_NAME", "Essaim")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
