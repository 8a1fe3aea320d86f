"""Django settings. Everything that differs between machines comes from the environment.

DATABASE_URL selects the database everywhere (CLI, server, tests); without it the embedded
SQLite database lives in ``var/`` beside the project (or G287_VAR_DIR).
"""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("G287_VAR_DIR", PROJECT_DIR / "var"))
DATA_DIR = Path(os.environ.get("G287_DATA_DIR", PROJECT_DIR / "data"))


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("G287_DEBUG")
_secret = os.environ.get("G287_SECRET_KEY")
if not _secret:
    # A per-installation key kept in var/, so sessions survive restarts without a key in the repository.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    _secret = key_file.read_text().strip()
SECRET_KEY = _secret

ALLOWED_HOSTS = [h for h in os.environ.get("G287_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("G287_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # The admin without discovery at start: its modules (and the services they import) load with the URLs
    # (``urls.py`` calls ``admin.autodiscover()``), so a command such as an import does not pay for them.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_rq",
    "csp",
    "g287.accounts",
    "g287.audit",
    "g287.registry",
    "g287.personnel",
    "g287.operations",
    "g287.redecide",
    "g287.oversight",
    "g287.program",
    "g287.moa",
    "g287.reports",
    "g287.conformance",
    "g287.changes",
    "g287.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "g287.web.middleware.RequestSizeLimit",  # a body too large is refused before anything reads it
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "g287.web.middleware.LocaleMiddleware",  # Django's; the API answers in the site's language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "g287.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns lockouts raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "g287.urls"
WSGI_APPLICATION = "g287.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "g287.web.context.site",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'g287.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60,
                                              conn_health_checks=True)}
# A connection the database dropped (a restart, a killed backend) is found before a request uses it, instead of
# answering one 500 first (CONN_HEALTH_CHECKS).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # WAL: readers never wait for the writer; timeout: a writer waits up to 30 s for another; IMMEDIATE:
        # a transaction takes the write lock when it begins, so it waits (busy timeout) instead of failing with
        # "database is locked" when it would have to upgrade a read lock another writer got in before.
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
         "transaction_mode": "IMMEDIATE"}
    )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The few statements every request runs are prepared (g287.rows.prepared_cursor; Django's own queries use
    # client-side binding, which psycopg never prepares). A threshold must be set for psycopg to prepare at
    # all; their generic plan is as good as a custom one (lookups by id), so it is kept instead of planning
    # anew on every execution. No connection pooler in transaction mode may sit between (prepared statements).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("prepare_threshold", 5)
    _options["options"] = (_options.get("options", "") + " -c plan_cache_mode=force_generic_plan").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # lockout after repeated failures, before any password check
    "g287.accounts.backends.ModelBackend",  # Django's, reading the signed-in user in one plain query
]
AXES_FAILURE_LIMIT = int(os.environ.get("G287_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
OTP_TOTP_ISSUER = "g287"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:today"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from the finders; it only warns when this is absent
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The largest request body accepted (a 20 MB CSV batch and the form around it), checked before it is read.
G287_MAX_REQUEST_BYTES = int(os.environ.get("G287_MAX_REQUEST_BYTES", str(21 * 1024 * 1024)))

SESSION_COOKIE_HTTPONLY = True
# Staff roles (ICE staff, second factor) are signed out after G287_STAFF_SESSION_SECONDS (8 hours: a working
# day) instead of Django's two weeks (accounts.apps sets it at sign-in); other readers keep the default.
STAFF_SESSION_SECONDS = int(os.environ.get("G287_STAFF_SESSION_SECONDS", str(8 * 3600)))

# Production over HTTPS (README, "Production settings"): G287_HTTPS=1 turns on secure cookies, the redirect to
# HTTPS and HSTS (G287_HSTS_SECONDS, one year by default); G287_PROXY_SSL_HEADER=1 trusts X-Forwarded-Proto from
# the proxy in front (only behind a proxy that sets it and strips it from clients).
HTTPS = _flag("G287_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("G287_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and _flag("G287_HSTS_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = HTTPS and _flag("G287_HSTS_PRELOAD")
if _flag("G287_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The addresses of proxies whose X-Forwarded-For is believed (comma-separated; empty: none, the peer's address
# counts). Used by the rate limits (accounts.ratelimit).
# Accepted public complaints per client address (oversight.views.public_complaint): N per s, m, h or d.
G287_COMPLAINT_RATE = os.environ.get("G287_COMPLAINT_RATE", "5/h")
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("G287_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from the site only — every asset is
# served by the site itself (no CDN), and no template has inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SESSION_ENGINE = "g287.accounts.sessions"  # database sessions, read without the ORM's per-request cost
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Session only: a staff session has passed the second factor; Basic auth would bypass it.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "g287.web.api.Pagination",  # DRF's limit/offset, numbers range-checked
    "EXCEPTION_HANDLER": "g287.web.api.exception_handler",  # refusals (InputError, ValidationError) answer 400
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "g287 API",
    "DESCRIPTION": "The §287(g) agreement registry, delegated authority and oversight.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names other components use too ("kind", "decision").
    "ENUM_NAME_OVERRIDES": {
        "LineageKindEnum": "g287.registry.models.LineageCandidate.Kind",
        "LineageDecisionEnum": "g287.registry.models.LineageDecision.Decision",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "g287.web.api.schema_hook"],
}

# The task queue (rq on Redis): the periodic deadline check runs as a job (operations/tasks.py, cron.py).
_REDIS_URL = os.environ.get("G287_REDIS_URL", "redis://127.0.0.1:6379/0")
# ``uploads``: large CSV batches (operations.tasks); ``moa``: OCR of scanned MOA pages (moa/tasks.py), one job a
# page; ``changes``: fetching ICE's lists, the daily digests, the open-data bundle (changes/cron.py).
RQ_QUEUES = {"deadlines": {"URL": _REDIS_URL, "DEFAULT_TIMEOUT": 600},
             "uploads": {"URL": _REDIS_URL, "DEFAULT_TIMEOUT": 3600},
             "moa": {"URL": _REDIS_URL, "DEFAULT_TIMEOUT": 600},
             "changes": {"URL": _REDIS_URL, "DEFAULT_TIMEOUT": 1800}}

# ICE's lists, fetched by `g287 fetch ice` (g287/changes/fetch.py). Each URL may be a spreadsheet or a page
# linking to one; ICE's 287(g) page by default, where both lists are linked.
G287_ICE_PAGE_URL = os.environ.get("G287_ICE_PAGE_URL", "https://www.ice.gov/identify-and-arrest/287g")
G287_ICE_SHEET_URLS = {
    "participating": os.environ.get("G287_ICE_PARTICIPATING_URL", G287_ICE_PAGE_URL),
    "pending": os.environ.get("G287_ICE_PENDING_URL", G287_ICE_PAGE_URL),
}
G287_FETCH_INTERVAL = int(os.environ.get("G287_FETCH_INTERVAL", str(6 * 3600)))
G287_FETCH_TIMEOUT = float(os.environ.get("G287_FETCH_TIMEOUT", "60"))
# Alerts by e-mail: the site's address for the links in messages, the sender, and the subscription rate per client.
G287_SITE_URL = os.environ.get("G287_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
G287_SUBSCRIBE_RATE = os.environ.get("G287_SUBSCRIBE_RATE", "5/h")
DEFAULT_FROM_EMAIL = os.environ.get("G287_FROM_EMAIL", "g287 alerts <alerts@localhost>")
EMAIL_BACKEND = os.environ.get("G287_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("G287_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("G287_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("G287_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("G287_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("G287_EMAIL_TLS")
EMAIL_TIMEOUT = 30

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("G287_LOG_LEVEL", "WARNING")},
}
