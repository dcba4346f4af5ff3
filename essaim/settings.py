"""Essaim's only settings module.

Every setting comes from an ``ESSAIM_*`` environment variable with a safe embedded
default (SQLite under ``ESSAIM_DATA_DIR``, console email, in-process everything).
``docs/configuration.md`` lists every variable; keep it in step with this file.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
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


DEBUG = env_bool("DEBUG", default=False)  # `make dev` turns it on
DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


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

# --- The server's identity: a kept secret key and the host names it answers to (docs/configuration.md).
# The environment wins over each derived value.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EVERY_INTERFACE = {"0.0.0.0", "::"}  # noqa: S104 - bind addresses recognised, not a bind


def kept_secret_key(data_dir: Path) -> str:
    """The key in ``<data dir>/secret_key``, made once (mode 0600) by the first process that needs it."""
    path = data_dir / "secret_key"
    if not path.exists():
        draft = data_dir / f".secret_key.{os.getpid()}"
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(get_random_secret_key())
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs is kept
            os.link(draft, path)  # the file appears whole or not at all
        draft.unlink()
    if key := path.read_text().strip():
        return key
    raise ImproperlyConfigured(f"{path} is empty: delete it (a new key is made) or set ESSAIM_SECRET_KEY.")


def allowed_hosts_for(*, site_url: str, bind: str, site_url_given: bool) -> list[str]:
    """The site address's host (and loopback, for checks on the machine) when it was given; else the bind's:
    any name on every interface (links use SITE_URL, never the Host header), a loopback bind its names."""
    host = urlsplit(site_url).hostname or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    if site_url_given:
        return list(dict.fromkeys([host, *LOOPBACK_HOSTS]))
    if bind.rpartition(":")[0].strip("[]") in EVERY_INTERFACE:
        return ["*"]
    return LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else [host]


SECRET_KEY = env("SECRET_KEY") or kept_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or allowed_hosts_for(
    site_url=SITE_URL, bind=env("BIND", "127.0.0.1:8000"), site_url_given=bool(env("SITE_URL"))
)
# The site's own origin is trusted: behind a TLS proxy that does not say so, the Origin header is https.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") + ([SITE_URL] if env("SITE_URL") else [])
# Secure cookies and HSTS follow the address people use, not DEBUG: `make run` on http://127.0.0.1 signs in.
SITE_IS_HTTPS = SITE_URL.startswith("https://")
# --- end of the server's identity

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
    "allauth.socialaccount",  # single sign-on: the providers come from essaim.oidc, not allauth's table
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "corsheaders",
    "oauth2_provider",
    "ninja",  # serves Swagger UI's files from its static folder (no CDN) for /api/docs
    "essaim.core",
    "essaim.events",
    "essaim.access",
    "essaim.network",
    "essaim.mailbox",
    "essaim.accounts",
    "essaim.people",
    "essaim.spaces",
    "essaim.stream",
    "essaim.notifications",
    "essaim.emails",
    "essaim.mailgate",
    "essaim.backups",
    "essaim.audit",
    "essaim.charters",
    "essaim.moderation",
    "essaim.watchrules",
    "essaim.privacy",
    "essaim.compliance",
    "essaim.documents",
    "essaim.feeds",
    "essaim.questions",
    "essaim.polls",
    "essaim.calendar",
    "essaim.search",
    "essaim.ideas",
    "essaim.praise",
    "essaim.mustread",
    "essaim.webhooks",
    "essaim.syndication",
    "essaim.scim",
    "essaim.oidc",
    "essaim.saml",  # after oidc: its adapter extends oidc's
    "essaim.ldap",
    "essaim.realtime",
    "essaim.api",
    "essaim.webpush",
    "essaim.health",
]

MIDDLEWARE = [
    "essaim.realtime.middleware.RequestStartMiddleware",  # first: the moment a live page resumes from
    "essaim.health.middleware.RequestMetricsMiddleware",  # counts and times every request, static files too
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "essaim.core.media.MediaMiddleware",  # public images under /media/, before sessions (ESSAIM_SERVE_MEDIA)
    "essaim.core.compression.CompressionMiddleware",  # gzip for pages and JSON
    "corsheaders.middleware.CorsMiddleware",  # browser apps (Elk, Phanpy): /api/, /oauth/token, /.well-known/
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "essaim.api.middleware.ApiEdgeMiddleware",  # after the language is chosen, around every other error
    "essaim.core.storage_full.StorageFullMiddleware",  # a full disk: a clear 503, in the reader's language
    "essaim.core.ratelimits.RateLimitMiddleware",  # a service's rate limit: 429 and why, in the reader's language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "essaim.api.middleware.BearerTokenMiddleware",
    "essaim.accounts.middleware.UserPreferencesMiddleware",
    "essaim.charters.middleware.CharterMiddleware",  # after the language: a pending charter is asked for in it
    "essaim.accounts.two_factor.TwoFactorMiddleware",  # a second factor the network requires: set up first
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
                "essaim.realtime.context_processors.live",
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
# Live pages (``essaim.realtime``): how long a page that lost its connection may come back and be
# sent every event it missed; past that it is told to reload.
LIVE_REPLAY_SECONDS = int(env("LIVE_REPLAY_SECONDS", "600"))
# Off: pages do not open the live stream (behind a proxy that cannot stream, say); everything else works.
LIVE_PAGES = env_bool("LIVE_PAGES", default=True)
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    # Redis stopped is a cache miss, never an error page (essaim/core/resilient_cache.py).
    CACHES = {"default": {"BACKEND": "essaim.core.resilient_cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    # One cache per process, for the few small values that are not HTML (network settings, announcements).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
# Rendered HTML fragments (essaim/core/fragments.py), post cards first (≈ 3 KB each), shared by every
# process: Redis when configured, else one SQLite file beside the database (essaim/core/fragment_store.py).
CACHES["fragments"] = (
    {**CACHES["default"], "KEY_PREFIX": "html"}
    if REDIS_URL
    else {
        "BACKEND": "essaim.core.fragment_store.SQLiteFragmentCache",
        "LOCATION": str(DATA_DIR / "fragments.sqlite3"),
        "OPTIONS": {"MAX_ENTRIES": int(env("FRAGMENT_CACHE_ENTRIES", "20000"))},
    }
)

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

# --- Background tasks: django.tasks API; database worker by default, RQ on Redis when scaled out
# (ESSAIM_TASKS=rq: django-tasks-rq; ``manage.py worker``, which ``serve`` starts, then runs an RQ worker).
# ESSAIM_TASKS_BACKEND names any other backend class (the tests' immediate one).
TASKS_ENGINE = env("TASKS", "db").strip().lower()
if TASKS_ENGINE not in {"db", "rq"}:
    raise ImproperlyConfigured(f"ESSAIM_TASKS is 'db' or 'rq', not {TASKS_ENGINE!r}")
_TASK_BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", _TASK_BACKENDS[TASKS_ENGINE]),
    }
}
# The RQ queues (read by django-rq whatever the backend, used only with ESSAIM_TASKS=rq): the Redis of
# ESSAIM_TASKS_REDIS_URL, else ESSAIM_REDIS_URL's, else a local one.
RQ_QUEUES = {
    "default": {"URL": env("TASKS_REDIS_URL", REDIS_URL or "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 600}
}
RQ_SHOW_ADMIN_LINK = False
if "django_tasks_rq" in TASKS["default"]["BACKEND"]:
    INSTALLED_APPS.append("django_rq")  # the RQ backend's own check asks for it (queues' admin pages, unused)

# Durable event consumers (essaim/events/outbox.py): how long a worker holds an outbox row it took
# before another may take it again (a worker that died mid-work leaves it that long).
OUTBOX_LEASE_S = float(env("OUTBOX_LEASE", "60"))
# Attached documents' text (essaim/documents, docs/documents.md): the largest file read, and the child
# process that reads one: its CPU seconds, its wall time (it runs at nice 10) and its address space.
DOCUMENTS_MAX_BYTES = int(env("DOCUMENTS_MAX_BYTES", str(20 * 1024 * 1024)))
DOCUMENTS_CPU_S = int(env("DOCUMENTS_CPU_SECONDS", "20"))
DOCUMENTS_TIMEOUT_S = float(env("DOCUMENTS_TIMEOUT", "60"))
DOCUMENTS_MEMORY_MB = int(env("DOCUMENTS_MEMORY_MB", "512"))
# Outgoing requests (feeds, link previews, webhooks) go through essaim/core/safe_fetch.py, which refuses
# addresses inside the network; ESSAIM_FETCH_ALLOW exempts host names (ci.intra, *.intra.example),
# addresses or networks (10.1.0.0/16) a network admin trusts, comma-separated.
FETCH_ALLOW = env_list("FETCH_ALLOW")
# Web Push to Mastodon apps (essaim/webpush, docs/configuration.md): the VAPID key pair is made on first use and
# kept in the database, its private half sealed with SECRET_KEY; ESSAIM_VAPID_PRIVATE_KEY gives one instead (the raw
# P-256 key, base64url, as Mastodon's VAPID_PRIVATE_KEY), ESSAIM_VAPID_SUBJECT the contact push services see
# (mailto: or https:; the address of ESSAIM_EMAIL_FROM by default).
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env("VAPID_SUBJECT")
# The largest feed Essaim reads (bytes, after decompression): a bigger one is refused (essaim/feeds).
FEED_MAX_BYTES = int(env("FEED_MAX_BYTES", str(10 * 1024 * 1024)))
# Periodic jobs (essaim/core/schedule.py): how often each worker's scheduler looks for a job that is due.
SCHEDULER_INTERVAL_S = float(env("SCHEDULER_INTERVAL", "5"))

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, reading the signed-in user with their profile in one statement.
AUTHENTICATION_BACKENDS = [
    "essaim.accounts.backends.ModelBackend",
    "essaim.accounts.backends.AuthenticationBackend",
    # The company's LDAP directory once /manage/ldap/ enables it (essaim/ldap, docs/identity.md), after local passwords.
    "essaim.ldap.backend.DirectoryBackend",
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
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "essaim.accounts.adapter.MFAAdapter"
MFA_ALLOW_UNVERIFIED_EMAIL = False  # allauth's default, read by essaim/accounts/two_factor.py
MFA_PASSKEY_LOGIN_ENABLED = True  # "Sign in with a passkey" on the sign-in page: no password, two factors in one
# Passkeys need HTTPS, except on http://localhost (development and the tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
# The ID token "acr" values that prove a second factor at the company's identity provider (amr is
# read as RFC 8176 says): essaim/accounts/two_factor.py and docs/identity.md.
SSO_MFA_ACR_VALUES = env_list("SSO_MFA_ACR_VALUES")
MFA_TOTP_ISSUER = env("NETWORK_NAME", "Essaim")
# Single sign-on with OpenID Connect (essaim/oidc, docs/identity.md): the providers are configured in
# /manage/sso/; essaim.oidc.adapter decides who is linked or created, and always checks the ID token's signature.
SOCIALACCOUNT_ADAPTER = "essaim.saml.adapter.SocialAccountAdapter"  # oidc's, with the SAML providers added
# allauth's SAML provider, keeping the assertion's AuthnContextClassRef (essaim/saml/provider.py)
SOCIALACCOUNT_PROVIDERS = {"saml": {"provider_class": "essaim.saml.provider.EssaimSAMLProvider"}}
SOCIALACCOUNT_AUTO_SIGNUP = True  # the provider vouches for the person: no second form
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking by address is essaim.oidc.adapter's, verified only
SOCIALACCOUNT_STORE_TOKENS = False  # Essaim calls nothing on the person's behalf
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_ONLY = False

# Self sign-up is off by default; ESSAIM_SIGNUP_DOMAINS restricts it to company domains.
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", default=False)
SIGNUP_DOMAINS = [d.lower().lstrip("@") for d in env_list("SIGNUP_DOMAINS")]
INVITATION_VALID_DAYS = int(env("INVITATION_VALID_DAYS", "14"))
# How often one person may post, comment, react, invite, report… ("post=10/60,comment=off", or "off" for none):
# essaim/core/ratelimits.py has the defaults, docs/configuration.md the table.
RATE_LIMITS = env("RATE_LIMITS", "")
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
# Notification e-mails (essaim/emails): a person's notifications of a few minutes go in one e-mail, sent this
# many seconds after the first of them; digests go out from this hour of the person's day (their time zone).
EMAIL_BATCH_S = float(env("EMAIL_BATCH", "180"))
EMAIL_SEND_EVERY_S = float(env("EMAIL_SEND_EVERY", "30"))  # how often the workers look for e-mails that are due
DIGEST_HOUR = int(env("DIGEST_HOUR", "8"))
# Reply and post by e-mail (essaim/mailgate): the domain of the reply and posting addresses, which the company's
# mail server hands to `manage.py mailgate`; without it, e-mails carry no reply address and nothing comes in.
MAIL_IN_DOMAIN = env("MAIL_IN_DOMAIN", "")
MAIL_IN_REPLY_DAYS = int(env("MAIL_IN_REPLY_DAYS", "30"))
MAIL_IN_MAX_BYTES = int(env("MAIL_IN_MAX_BYTES", str(25 * 1024 * 1024)))
MAIL_IN_PER_HOUR = int(env("MAIL_IN_PER_HOUR", "30"))
# Backups (essaim/backups): where archives are kept and how many (the daily job's; 0: no daily backup).
BACKUP_DIR = env("BACKUP_DIR", "")
BACKUP_KEEP = int(env("BACKUP_KEEP", "7"))

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
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}  # the icons' manifest (base.html)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)  # photos and space images (essaim/core/media.py)
# Post attachments sent by the reverse proxy from an internal location (X-Accel-Redirect) once Essaim allowed
# them; empty: Essaim sends them itself (essaim/core/downloads.py, deploy/nginx/essaim.conf).
ACCEL_REDIRECT_PREFIX = env("ACCEL_REDIRECT_PREFIX")
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
CSRF_FAILURE_VIEW = "essaim.core.views.csrf_failure"  # Essaim's 403 page, not Django's
SESSION_COOKIE_SECURE = SITE_IS_HTTPS
CSRF_COOKIE_SECURE = SITE_IS_HTTPS
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]  # probes and scrapers ask over plain HTTP (essaim/health)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", default=False) else None
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000")) if SITE_IS_HTTPS else 0
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

# --- Apps (essaim/api/oauth.py, docs/api.md): OAuth 2 the way Mastodon does it, and CORS for browser apps.
OAUTH2_PROVIDER = {
    "SCOPES": {scope: scope for scope in __import__("essaim.api.scopes", fromlist=["ALL_SCOPES"]).ALL_SCOPES},
    "DEFAULT_SCOPES": ["read"],
    "PKCE_REQUIRED": False,  # accepted when an app sends it (S256 or plain); Mastodon apps mostly do not
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(env("OAUTH_TOKEN_DAYS", "3650")) * 86400,  # Mastodon's never expire
    "REFRESH_TOKEN_EXPIRE_SECONDS": None,
    "ROTATE_REFRESH_TOKEN": True,
    "OAUTH2_VALIDATOR_CLASS": "essaim.api.oauth.EssaimOAuth2Validator",
    "OAUTH2_BACKEND_CLASS": "essaim.api.oauth.FormOrJsonOAuthLibCore",
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "client_credentials", "refresh_token"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,  # no password grant: apps sign in through the browser
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # the toolkit's own models (swappable)
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
DOWNLOAD_URL_HOURS = int(env("DOWNLOAD_URL_HOURS", "24"))  # signed attachment addresses in API answers
CORS_ALLOW_ALL_ORIGINS = True  # tokens, not cookies: CORS_ALLOW_CREDENTIALS stays False
CORS_URLS_REGEX = r"^/(api/|oauth/token|oauth/revoke|\.well-known/|nodeinfo/).*$"
CORS_EXPOSE_HEADERS = ["Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"]

# --- Network identity (defaults; administrators change them in the app)
NETWORK_NAME = env("NETWORK_NAME", "Essaim")

# --- Monitoring (essaim/health, docs/monitoring.md): /healthz, /readyz and /metrics.
# Who may read /metrics and /readyz's details: these addresses (IPs or networks; empty: none) when they
# connect directly, or anyone with ``Authorization: Bearer <ESSAIM_METRICS_TOKEN>`` when a token is set.
METRICS_ALLOW = env_list("METRICS_ALLOW", "127.0.0.0/8,::1")
for _entry in METRICS_ALLOW:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"ESSAIM_METRICS_ALLOW: {error} (addresses or networks, comma-separated).") from None
METRICS_TOKEN = env("METRICS_TOKEN")
READY_TIMEOUT_S = float(env("READY_TIMEOUT", "2"))  # each dependency's check: slower is "down"
READY_MIN_FREE_MB = int(env("READY_MIN_FREE_MB", "200"))  # free space under DATA_DIR below which /readyz is 503
READY_MAX_TASK_AGE_S = float(env("READY_MAX_TASK_AGE", "0"))  # 0: a queue that waits does not make /readyz 503

# --- Logs: Essaim's quiet console by default; one JSON object per line with ESSAIM_LOG_FORMAT=json.
LOG_FORMAT = env("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("ESSAIM_LOG_FORMAT must be text or json.")
_JSON = LOG_FORMAT == "json"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {  # a quiet console (essaim/core/logs.py)
        "one_line_per_task": {"()": "essaim.core.logs.OneLinePerTask"},
        "no_static_requests": {"()": "essaim.core.logs.SkipStaticRequests"},
    },
    "formatters": {
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
        "json": {"()": "essaim.core.logs.JsonFormatter"},  # ESSAIM_LOG_FORMAT=json
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if _JSON else {})},
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _JSON else "server",
            "filters": ["no_static_requests"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own records once, at our level (its default console handler repeated them in debug mode).
        "django": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING"), "propagate": False},
        # The task worker, whose loggers `db_worker` sets to INFO itself; not also through Django's console handler.
        "django.tasks": {"handlers": ["console"], "filters": ["one_line_per_task"], "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "filters": ["one_line_per_task"], "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},  # `make dev`'s requests
    },
}
