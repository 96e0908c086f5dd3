"""casetracker settings: one module, configured from environment variables.

With nothing set, the project runs locally on an SQLite file with DEBUG on.
Everything that differs in production comes from the environment:

- ``DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/casetracker`` (psycopg 3);
  default ``sqlite:///<project>/db.sqlite3``.
- ``DJANGO_SECRET_KEY``: required when ``DJANGO_DEBUG`` is off.
- ``DJANGO_DEBUG``: ``1``/``0`` (default ``1`` for local use).
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names (required when DEBUG is off).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from casetracker.accounts.caches import DEFAULT_CACHE_URL, cache_from_url
from casetracker.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])

if not DEBUG:
    # Every missing setting is named at once, so a first deployment needs one round trip, not several.
    _problems = []
    if (
        not SECRET_KEY
        or SECRET_KEY == _DEV_SECRET_KEY
        or SECRET_KEY.startswith("django-insecure-")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        _problems.append(
            "DJANGO_SECRET_KEY must be set to a long random value "
            "(at least 50 characters). Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    if not ALLOWED_HOSTS:
        _problems.append(
            "DJANGO_ALLOWED_HOSTS must list the host names the service "
            "answers to, comma-separated, e.g. DJANGO_ALLOWED_HOSTS=tracker.example.org"
        )
    if _problems:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off (production), so: " + "; and ".join(_problems) + ". See .env.example."
        )

INSTALLED_APPS = [
    # django.contrib.admin, with casetracker.accounts.admin_site as admin.site (sign-in limits).
    "casetracker.accounts.admin_config.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "corsheaders",
    "axes",
    "sources",
    "people",
    "cases",
    # Bulk import of spreadsheets: on top of the dependency graph (it imports sources, people and cases).
    "imports",
    # Tooling, not the domain: the synthetic data generator (manage.py seed_synthetic) for the benchmark.
    "bench",
    "casetracker.accounts",
    # Last: its post_migrate hook (casetracker.roles) needs the permissions of the apps above.
    "casetracker.apps.CasetrackerConfig",
]

MIDDLEWARE = [
    # /healthz answers before host validation and the HTTPS redirect, so a container or load
    # balancer probe on plain http://127.0.0.1 works; it reveals nothing but "database ok".
    "casetracker.health.HealthCheckMiddleware",
    # A database outage is a 503 (JSON for the API) and one log line, not a 500 per request.
    "casetracker.outage.DatabaseOutageMiddleware",
    # CORS before anything that can answer on its own (security redirects, whitenoise, common).
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Vary on every API response; Cache-Control: private on authenticated ones.
    "casetracker.headers.ApiCacheHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL character (%00) in the address, query string or form data is a 400 before any view.
    "casetracker.security.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of every page and API answer: the language cookie (the admin's switcher), else
    # Accept-Language, else LANGUAGE_CODE. After sessions, before CommonMiddleware (Django's order).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After a write, this client reads the primary, not the replica, for a moment (casetracker.replica).
    "casetracker.replica.ReadYourWritesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): did this session sign in with a two-factor code (django-otp)?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout flagged during login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casetracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "casetracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "casetracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# Every request is one transaction: a write either happens whole or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True

# PgBouncer in transaction mode (or any pooler that may hand each transaction another server
# connection): server-side cursors cannot outlive a transaction there, so they are switched off and
# the streaming exports page through the rows by key instead (cases.exports). docs/deployment-scale.md
DISABLE_SERVER_SIDE_CURSORS = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DISABLE_SERVER_SIDE_CURSORS

# PostgreSQL: a statement run this many times on a connection is prepared, so the server stops planning
# it again (a list page plans its count, its page and its citations: about a third of the page's time
# in the database). Statements keep their values in the text (client-side binding), so each prepared
# plan is the plan for those values, never a generic one. 0 switches it off; it is off by default
# behind PgBouncer in transaction mode (DATABASE_DISABLE_SERVER_SIDE_CURSORS), whose server connections
# change between transactions. casetracker.prepared.PreparingCursor; docs/deployment-scale.md
DATABASE_PREPARE_THRESHOLD = env_int("DATABASE_PREPARE_THRESHOLD", 0 if DISABLE_SERVER_SIDE_CURSORS else 5)
if DATABASE_PREPARE_THRESHOLD < 0:
    raise ImproperlyConfigured("DATABASE_PREPARE_THRESHOLD must be 0 (never prepare) or more.")

# A read replica (streaming replication of the primary): reads and exports go there, writes to
# the primary, and a client that has just written reads the primary for REPLICA_PIN_SECONDS
# (casetracker.replica). In tests the replica is a mirror of the test database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_ALIAS = None
if DATABASE_REPLICA_URL:
    DATABASE_REPLICA_ALIAS = "replica"
    DATABASES[DATABASE_REPLICA_ALIAS] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "60"))
    )
    DATABASES[DATABASE_REPLICA_ALIAS]["DISABLE_SERVER_SIDE_CURSORS"] = DISABLE_SERVER_SIDE_CURSORS
    DATABASES[DATABASE_REPLICA_ALIAS]["TEST"] = {"MIRROR": "default"}
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
DATABASE_ROUTERS = ["casetracker.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface languages (docs/translations.md); our catalogs are locale/<language>/LC_MESSAGES/django.po,
# compiled by `make messages` (part of `make install`).
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
]
# The language when a request asks for none (no cookie, no Accept-Language), and of management commands.
LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "en")
if LANGUAGE_CODE not in [code for code, _name in LANGUAGES]:
    raise ImproperlyConfigured(
        f"DJANGO_LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of the interface languages: en, ru or kk."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))

LOGIN_URL = "admin:login"

# History: record who made each change, from the request (session or token).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# JSON API (/api/v1/) ---------------------------------------------------------
# Anyone reads public records; staff write with a token (POST /api/v1/auth/token/) or a
# session and Django model permissions. API_ANON_THROTTLE_RATE limits anonymous clients
# per IP address ("120/minute"; "" turns the limit off).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without credentials that needs them gets 401 with
        # "WWW-Authenticate: Token", not 403. Tokens are django-rest-knox's (hashed, expiring), staff only.
        "casetracker.api.authentication.StaffTokenAuthentication",
        "casetracker.api.authentication.TwoFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["casetracker.api.permissions.ReadAnyoneWriteWithModelPermissions"],
    "DEFAULT_THROTTLE_CLASSES": ["casetracker.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_THROTTLE_RATE", "120/minute") or None,
        # Sign-in attempts (admin and token login together), whatever their outcome: per client
        # address, and per user name from any address. casetracker.api.throttling.
        "login-address": env_str("LOGIN_RATE_PER_ADDRESS", "30/hour") or None,
        "login-username": env_str("LOGIN_RATE_PER_USERNAME", "20/hour") or None,
    },
    "DEFAULT_RENDERER_CLASSES": ["casetracker.api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "casetracker.api.pagination.RecordPagination",
    "DEFAULT_SCHEMA_CLASS": "casetracker.api.schema.RecordAutoSchema",
    "EXCEPTION_HANDLER": "casetracker.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNICODE_JSON": True,
}

# Page-number lists count matches exactly up to this many; above it, on PostgreSQL, `count` is the
# planner's estimate and `count_is_exact` is false, so a first page costs the same however many match.
API_EXACT_COUNT_LIMIT = env_int("API_EXACT_COUNT_LIMIT", 1_000)
if API_EXACT_COUNT_LIMIT < 1:
    raise ImproperlyConfigured("API_EXACT_COUNT_LIMIT must be at least 1 (matches counted exactly before estimating).")

# A list's count, for the same filter and reader, is kept this many seconds in the shared cache and
# forgotten at the next write of any record (casetracker.api.counts); 0 counts on every request.
API_COUNT_CACHE_SECONDS = env_int("API_COUNT_CACHE_SECONDS", 10)
if API_COUNT_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("API_COUNT_CACHE_SECONDS must be 0 (count every time) or more.")

# API tokens (django-rest-knox): stored as digests, valid for API_TOKEN_TTL_HOURS from issue, revoked
# when the user's password changes (casetracker.accounts.tokens). "Authorization: Token <token>".
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 10)
if API_TOKEN_TTL_HOURS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_HOURS must be at least 1 (hours a new API token stays valid).")
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Two-factor sign-in (django-otp; casetracker.accounts.two_factor): required for staff who may see
# confidential records, on the admin login and the token login. The issuer is the name authenticator
# apps show next to the code.
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "casetracker")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# API_REQUIRE_IF_MATCH=1: PUT, PATCH and DELETE must send the ETag they read in If-Match (428 without
# it), so no client can overwrite a colleague's change it never saw. Off by default for simple clients.
API_REQUIRE_IF_MATCH = env_bool("API_REQUIRE_IF_MATCH", False)

SPECTACULAR_SETTINGS = {
    "TITLE": "casetracker API",
    "DESCRIPTION": (
        "Political and human-rights prosecutions: people, organizations, sources and citations, events, "
        "cases, defendants and their status history, charges, trials and sentences.\n\n"
        "**Reading** needs no account; anonymous clients see public records only (restricted and "
        "confidential people and cases answer 404) and are rate-limited. **Writing** needs a token from "
        "`POST /api/v1/auth/token/` (send `Authorization: Token <token>`) and the Django model permission "
        "for the change.\n\n"
        "**Conventions.** Related records are written as ids and read as `{id, label, url}`. Dates are "
        "ISO 8601 at the precision known: `2012`, `2012-02` or `2012-02-14`; date filters match any "
        'date that may fall in the range. Figures are `{value, qualifier, display}` ("at least 16"). '
        "Lists take `page` and `page_size` (up to 500), or `cursor=` for crawling; an unknown query "
        "parameter is a 400 listing the allowed ones. A bad field is a 400 naming it. Detail responses "
        "carry an `ETag`; send it back in `If-Match` on PUT, PATCH and DELETE to be told (412) if "
        "someone changed the record since. Deleting a record others depend on is a 409 naming them."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    # Operations collapsed under their resource, with a filter box: expanded all at once, Swagger UI stops
    # rendering after the first few of the API's 130 operations (the browser test opens the groups).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "docExpansion": "none", "filter": True},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ConfidentialityEnum": "casetracker.choices.Confidentiality",
        "QualifierEnum": "casetracker.choices.Qualifier",
        "DefendantStatusEnum": "cases.choices.DefendantStatus",
        "SentenceStatusEnum": "cases.choices.SentenceStatus",
        "SentenceKindEnum": "cases.choices.SentenceKind",
        "ChargeOutcomeEnum": "cases.choices.ChargeOutcome",
        "CaseKindEnum": "cases.choices.CaseKind",
        "EventKindEnum": "cases.choices.EventKind",
        "AllegationKindEnum": "cases.choices.AllegationKind",
        "SourceKindEnum": "sources.choices.SourceKind",
        "FigureMeasureEnum": "cases.choices.FigureMeasure",
        "PersonKindEnum": "people.choices.PersonKind",
        "OrganizationKindEnum": "people.choices.OrganizationKind",
        "FacilityKindEnum": "cases.choices.FacilityKind",
        "RecognitionKindEnum": "people.choices.RecognitionKind",
        "OccupationCategoryEnum": "people.choices.OccupationCategory",
        "TreatmentConcernEnum": "cases.choices.TreatmentConcern",
        "CitationTargetTypeEnum": "sources.citable.CITABLE_NAMES",
        "ChangeActionEnum": "casetracker.api.changes.CHANGE_ACTIONS",
    },
    # Every error is a problem document (RFC 9457, casetracker.problems): described as application/problem+json.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "casetracker.api.schema.problem_media_types",
        "casetracker.api.schema.reuse_enums",
        "casetracker.api.schema.binary_alternatives",
        "casetracker.api.schema.client_descriptions",
        "casetracker.api.schema.openapi_31",
        "casetracker.api.schema.nullable_types",
    ],
    # Nullable enums as the enum plus "nullable" (3.0) or a null alternative (3.1), not a oneOf with a
    # NullEnum, which some generators (orval) cannot type.
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": False,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    # Read-only fields are always in responses: required there, so generated types are not "X | Unset".
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    # Where clients send their requests: this server (API_SERVER_URL for a public address).
    "SERVERS": [{"url": env_str("API_SERVER_URL", "/"), "description": "This casetracker server"}],
}

# Production and security ---------------------------------------------------
# With DJANGO_DEBUG=0 everything below is on by default, and
# `manage.py check --deploy --fail-level WARNING` passes; each knob can be turned from
# the environment (see .env.example and README "Running in production").

# Behind a TLS-terminating reverse proxy (nginx, Caddy, a load balancer) Django sees plain
# HTTP; trust the proxy's X-Forwarded-Proto / X-Forwarded-For instead. Only set this when a
# proxy that overwrites those headers really is in front, or clients could forge them.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not SECURE_SSL_REDIRECT:
    # Turned off on purpose (DJANGO_SECURE_SSL_REDIRECT=0): the reverse proxy redirects HTTP to HTTPS.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Static files (admin, Swagger UI, Redoc) are served by whitenoise from STATIC_ROOT, filled by
# `manage.py collectstatic`; in production with hashed names and pre-compressed copies.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Source documents (verdicts, letters, photos) are evidence, never public files: nothing serves
# MEDIA_ROOT; downloads go through the API and the admin with their source's visibility (see
# docs/documents.md). Local disk under DJANGO_MEDIA_ROOT by default (a named volume in
# docker-compose.yml); S3-compatible object storage (django-storages) when DOCUMENTS_S3_BUCKET is set.
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
DOCUMENTS_S3_BUCKET = env_str("DOCUMENTS_S3_BUCKET")
if DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "endpoint_url": env_str("DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("DOCUMENTS_S3_REGION") or None,
            "access_key": env_str("DOCUMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("DOCUMENTS_S3_PREFIX", ""),
            # Private objects; never overwritten (a name is the content's hash).
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
#: The largest document accepted, in bytes (DOCUMENT_MAX_MB, default 50).
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_MB", 50) * 1024 * 1024

# CORS: browsers may call the API from these front-end origins only (scheme + host [+ port],
# comma-separated, e.g. https://tracker-ui.example.org). Empty: no cross-origin access.
CORS_ALLOWED_ORIGINS = env_list("DJANGO_CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*default_headers, "if-match", "if-none-match")
# What a browser client may read of a response: the version (ETag), where a new record is (Location),
# the other pages (Link), the rate limit (RateLimit, RateLimit-Policy, Retry-After), a file's name.
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Location",
    "Link",
    "Content-Disposition",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
]

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name from
# one address, on the admin or on the API token login, further attempts get 429 for
# AXES_COOLOFF_MINUTES. `manage.py axes_reset_username NAME` lifts a lockout early.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "casetracker/locked_out.html"
# The user name axes records, cut to its column: a 300-character name is a failed login, not a 500.
AXES_USERNAME_CALLABLE = "casetracker.security.axes_username"

# The client's address, for throttles and the lockout alike: REMOTE_ADDR, or behind
# TRUSTED_PROXY_COUNT proxies (DJANGO_PROXY_COUNT, with DJANGO_BEHIND_PROXY=1) the address the
# outermost proxy saw, i.e. that many entries from the right of X-Forwarded-For. Entries a client
# adds on the left are never read, so rotating them changes nothing.
TRUSTED_PROXY_COUNT = max(env_int("DJANGO_PROXY_COUNT", 1), 1) if BEHIND_PROXY else 0
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
if TRUSTED_PROXY_COUNT:
    # django-ipware counts only the proxies listed in X-Forwarded-For (not the one that connects
    # to us), and its strict mode would refuse a header with extra client-sent entries.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Shared cache (throttle counts): every worker and instance must see the same counts. The
# database by default (table created by migrate); CACHE_URL=redis://host:6379/0 for Redis.
CACHES = {"default": cache_from_url(env_str("CACHE_URL", DEFAULT_CACHE_URL))}

# Logs go to standard error (gunicorn and docker collect them); errors and failed logins show
# in production too, where Django's own console handler is silent.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # A database outage is logged once by casetracker.outage, not once per request.
    "filters": {"quiet_outage": {"()": "casetracker.outage.QuietOutageFilter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["quiet_outage"]}},
    "root": {"handlers": ["stderr"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING").upper()},
}

# Content-Security-Policy (django-csp): scripts, styles, fonts, images and API calls come from this
# service only, so the admin, Swagger UI and Redoc work offline and a page cannot be made to load or
# send anything elsewhere. Inline styles are allowed (Swagger UI and Redoc set them); inline scripts
# are not (Swagger UI is served as a separate script, Redoc from a local template without fonts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
