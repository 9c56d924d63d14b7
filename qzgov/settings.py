"""qzgov settings: one module, read from environment variables.

Defaults give the embedded setup (SQLite, Celery eager). ``DATABASE_URL`` switches to
PostgreSQL (psycopg 3) and ``REDIS_URL`` to a real Celery broker. A bad value fails
loudly at start-up instead of being guessed.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be 0/1/true/false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    # Development only: a per-checkout key, never used when DEBUG=0. var/ is private
    # (0700) and its files 0600 (issue 11 §6).
    _key_file = BASE_DIR / "var" / "dev-secret-key"
    if not _key_file.exists():
        import secrets

        _key_file.parent.mkdir(mode=0o700, exist_ok=True)
        _fd = os.open(_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(_fd, "w") as _out:
            _out.write(secrets.token_urlsafe(64))
    os.chmod(_key_file.parent, 0o700)
    os.chmod(_key_file, 0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # The admin site with the login steps of issue 11 (second factor, lockout, one session).
    "apps.core.admin_config.QzAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "import_export",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # django-ninja: only for its packaged Swagger UI static files (/api/docs, no CDN).
    "ninja",
    "apps.core",
    "apps.gazette",
    "apps.awards",
    "apps.personnel",
    "apps.regulations",
    "apps.doctors",
    "apps.subsidies",
    "apps.land",
    "apps.ecology",
    "apps.grants",
    "apps.pairings",
    "apps.bizenv",
    "apps.tourism",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (collectstatic) under gunicorn, no separate web server
    # needed (issue 13 §2); compressed, far-future cached when the name carries a hash.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every response (issue 11 §1).
    "csp.middleware.CSPMiddleware",
    # Oversized uploads refused before the body is read (issue 11 §3).
    "apps.core.security.UploadLimitMiddleware",
    # A NUL character anywhere in the request is a 400, never a database error.
    "apps.core.params.NulByteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Absolute session lifetime, second factor required, password expiry (issue 11 §5).
    "apps.core.security.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apps.core.authority.ActorMiddleware",
    # Every request of a superuser is in the audit trail (issue 11 §5, 三员分立).
    "apps.core.security.SuperuserAuditMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked username or source address before any password is checked.
    "apps.core.lockout.LockoutBackend",
    # Denies county-level staff the write permissions of city-wide records (issue 9).
    "apps.core.authority.AuthorityBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "qzgov.urls"
WSGI_APPLICATION = "qzgov.wsgi.application"
ASGI_APPLICATION = "qzgov.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# Database: SQLite by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests that start a real worker need a file they can share.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords (GB/T 22239-2019 8.1.4.1 身份鉴别): ≥ 10 characters of three of the four classes,
# not like the username, not common, not one of the last 5; changed every 90 days.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.core.passwords.CharacterClassValidator"},
    {"NAME": "apps.core.passwords.NotUsernameValidator"},
    {"NAME": "apps.core.passwords.HistoryValidator"},
]
PASSWORD_MAX_AGE_DAYS = envint("PASSWORD_MAX_AGE_DAYS", "90")
PASSWORD_HISTORY = envint("PASSWORD_HISTORY", "5")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Translations Django and the third-party apps lack for zh_Hans (issue 12 §5).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# The admin's counts: PostgreSQL's estimate at or above this many rows, exact below
# (apps.core.paging, issue 13 §1).
ADMIN_EXACT_COUNT_LIMIT = envint("ADMIN_EXACT_COUNT_LIMIT", "10000")

LOGIN_URL = "admin:login"

# Sessions expire after 30 minutes idle and 12 hours after login whatever the activity;
# a login through the login form ends the user's earlier sessions (issue 11 §5).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", "1800")
# Idle time, not time since login: the session is saved (its expiry moved on) at most every
# SESSION_TOUCH_SECONDS by apps.core.security.SessionSecurityMiddleware, not on every
# request (an UPDATE per request, issue 13 §3).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = envint("SESSION_TOUCH_SECONDS", "60")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = envint("SESSION_ABSOLUTE_SECONDS", str(12 * 3600))

# History pages are for reading: no revert button, and POSTs there are refused (issue 9 §4).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Second factor (django-otp TOTP + recovery codes) for every staff account; on by default
# whenever DEBUG=0. The embedded demo keeps password-only logins unless OTP_REQUIRED=1.
OTP_REQUIRED = envbool("OTP_REQUIRED", "0" if DEBUG else "1")
OTP_TOTP_ISSUER = "衢州市人民政府 qzgov"
OTP_RECOVERY_CODES = 10
# Minutes between the password step and the token (or enrolment) step.
OTP_PENDING_MINUTES = 5

# Lockout (apps.core.lockout): per username *and* per source address, with back-off.
# An account locks after LOCKOUT_USERNAME_LIMIT failures; an address after
# LOCKOUT_ADDRESS_LIMIT failures on any accounts (higher: behind the office proxy many
# people share one address). A lock lasts LOCKOUT_BASE_MINUTES, doubling with each repeat
# within a day up to LOCKOUT_MAX_MINUTES. A locked address cannot add failures to any
# account, so one address cannot keep other people locked out. 安全管理员 unlock in the
# admin with a recorded reason.
LOCKOUT_USERNAME_LIMIT = envint("LOCKOUT_USERNAME_LIMIT", os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOCKOUT_ADDRESS_LIMIT = envint("LOCKOUT_ADDRESS_LIMIT", "20")
LOCKOUT_BASE_MINUTES = envint("LOCKOUT_BASE_MINUTES", "15")
LOCKOUT_MAX_MINUTES = envint("LOCKOUT_MAX_MINUTES", str(24 * 60))
LOCKOUT_ENABLED = envbool("LOCKOUT_ENABLED", os.environ.get("AXES_ENABLED", "1"))
# Behind a proxy, the client address is the last X-Forwarded-For entry the trusted proxy
# added (BEHIND_PROXY=1; PROXY_COUNT proxies in front of the app).
BEHIND_PROXY = envbool("BEHIND_PROXY", "0")
PROXY_COUNT = envint("PROXY_COUNT", "1")

# Audit, login and session records are kept at least 183 days (等保: 6 months); older audit
# rows are archived nightly to AUDIT_ARCHIVE_DIR (dated, checksummed files).
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", "183")
if AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 183 (等保三级: 审计记录留存不少于6个月)")
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", BASE_DIR / "var" / "audit-archive"))

# Bounded imports (issue 11 §3): file size, data rows, an XLSX unzipped, one cell.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(20 * 1024 * 1024))
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", "500000")
IMPORT_MAX_XLSX_UNPACKED = envint("IMPORT_MAX_XLSX_UNPACKED", str(200 * 1024 * 1024))
IMPORT_MAX_FIELD = envint("IMPORT_MAX_FIELD", "1000")
# Files past these are validated in the worker with a progress page, not in the upload
# request (issue 11 §3); an XLSX counts four times its size (compressed, costlier to read).
IMPORT_INLINE_MAX_BYTES = envint("IMPORT_INLINE_MAX_BYTES", str(1024 * 1024))
IMPORT_INLINE_MAX_ROWS = envint("IMPORT_INLINE_MAX_ROWS", "5000")

# API tokens expire after API_TOKEN_DAYS unless issued with another expiry.
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", "90")

# Security: on by default when DEBUG=0, each overridable.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "0" if DEBUG else "1")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0" if DEBUG else "1")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "0" if DEBUG else "1")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# A strict Content-Security-Policy (django-csp): scripts, styles, images and connections
# from this site only, no inline script or style, no plugins, no framing, forms post here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: eager (in-process) unless REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# The worker builds a run's roll files after it is computed/approved (issue 13 §3); off
# without a worker (eager tasks would build them inside the request).
ROLL_FILES_WARM = envbool("ROLL_FILES_WARM", "1" if REDIS_URL else "0")
ROLL_FILES_WARM_FORMATS = tuple(os.environ.get("ROLL_FILES_WARM_FORMATS", "csv").split(","))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died (acks late, reject on worker lost) is redelivered after the
# visibility timeout. Jobs hold a database claim with a heartbeat (apps.core.jobs), so
# a redelivery of a task that is still running is refused and the timeout can be short:
# a killed worker's run is redone within minutes, not hours (issue 13 §4).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", "900"),
    "unacked_restore_interval": envint("CELERY_RESTORE_INTERVAL", "10"),
    "unacked_restore_throttle": 1,
    # Never hang on a vanished broker (a Redis restart): fail, then reconnect.
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TRACK_STARTED = True

# Background jobs (issue 13 §4, issue 12 §8): a running job's worker touches its heartbeat
# every JOB_HEARTBEAT_SECONDS; a job silent for JOB_STALE_SECONDS is taken as lost (marked
# failed, shown to staff, and taken over by the broker's redelivery); a job is attempted
# at most JOB_MAX_ATTEMPTS times.
JOB_HEARTBEAT_SECONDS = envint("JOB_HEARTBEAT_SECONDS", "10")
JOB_STALE_SECONDS = envint("JOB_STALE_SECONDS", "120")
JOB_MAX_ATTEMPTS = envint("JOB_MAX_ATTEMPTS", "3")

# Progress of jobs goes through a cache every process can read (issue 14 §3): Redis when
# REDIS_URL is set, else files under var/ (the embedded default: the web process that runs
# the job eagerly and any other process polling it see the same stages).
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "progress": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                     "LOCATION": REDIS_URL,
                     "KEY_PREFIX": os.environ.get("PROGRESS_KEY_PREFIX", "qzgov-progress"),
                     "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "progress": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                     "LOCATION": os.environ.get("PROGRESS_CACHE_DIR",
                                                str(BASE_DIR / "var" / "progress"))},
    }

# Resident ID numbers are stored encrypted; the keys come from the environment, or are
# derived from SECRET_KEY (so a dev checkout works without extra setup).
RESIDENT_ID_KEY = os.environ.get("RESIDENT_ID_KEY", "")
if not RESIDENT_ID_KEY and not DEBUG:
    # Deriving it from SECRET_KEY would make every stored ID unreadable after a key rotation.
    raise ImproperlyConfigured("RESIDENT_ID_KEY must be set when DEBUG=0 (keep it safe: "
                               "stored resident ID numbers cannot be read without it)")
if RESIDENT_ID_KEY:
    from apps.core.keys import key_material_bytes

    _material = key_material_bytes(RESIDENT_ID_KEY)
    if _material < 32:
        raise ImproperlyConfigured(
            f"RESIDENT_ID_KEY must hold at least 32 bytes of key material, this one holds "
            f"{_material} (hex or base64 is decoded first). Generate one with: python -c "
            f"'import secrets; print(secrets.token_urlsafe(32))'")

# The gazette imported by `make demo` (also by `import_gazette` without a PATH).
GAZETTE_PATH = Path(
    os.environ.get(
        "GAZETTE_PATH", BASE_DIR.parent / "shared" / "seeds" / "quzhou-gazette-2020-06-07.txt"
    )
)

# Outgoing notices (written notice / SMS): dotted path of the sender class.
NOTICE_SENDER = os.environ.get("NOTICE_SENDER", "apps.core.notices.LoggingSender")

# Uploaded import files wait here (private, random names, bound to the uploader) between
# upload and the worker's import; removed on use and after 24 h (apps.core.uploads).
IMPORT_DIR = Path(os.environ.get("IMPORT_DIR", BASE_DIR / "var" / "imports"))

IMPORT_EXPORT_USE_TRANSACTIONS = True
# Only staff who may add records may import them; exports need the view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No resident ID number in any log line: request logs show its digest (issue 11 §4).
    "filters": {"no_resident_ids": {"()": "apps.core.logfilters.ResidentIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_resident_ids"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Every admin export neutralises formula-like text and keeps amounts numeric (issue 11 §2).
# (Format classes only: importing them needs no app registry.)
# Import formats: CSV and XLSX only (the choosers label them 'CSV 文件', 'Excel (XLSX)').
from apps.core.exporting import EXPORT_FORMATS, IMPORT_FORMATS  # noqa: E402, F401
