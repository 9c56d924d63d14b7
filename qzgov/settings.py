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
    # Development only: a per-checkout key, never used when DEBUG=0.
    _key_file = BASE_DIR / "var" / "dev-secret-key"
    if not _key_file.exists():
        import secrets

        _key_file.parent.mkdir(exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(64))
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "apps.core",
    "apps.gazette",
    "apps.awards",
    "apps.personnel",
    "apps.regulations",
    "apps.doctors",
    "apps.subsidies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "apps.core.authority.ActorMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "admin:login"

# Sessions expire after 30 minutes idle.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", "1800")
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# History pages are for reading: no revert button, and POSTs there are refused (issue 9 §4).
SIMPLE_HISTORY_REVERT_DISABLED = True

# django-axes: lock an account after 5 failed logins.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
# The account locks, not the address: behind the office proxy every login shares one IP,
# so an IP lock would lock everybody (axes.W006 is silenced below for that reason).
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_VERBOSE = False
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_TIME = None  # unlocked by an administrator (axes_reset)
AXES_ENABLED = envbool("AXES_ENABLED", "1")
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Security: on by default when DEBUG=0, each overridable.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "0" if DEBUG else "1")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0" if DEBUG else "1")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "0" if DEBUG else "1")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if envbool("BEHIND_PROXY", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: eager (in-process) unless REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest job (the provincial subsidy run): a task is not redelivered
# while it is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", "21600")}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TRACK_STARTED = True

# Resident ID numbers are stored encrypted; the keys come from the environment, or are
# derived from SECRET_KEY (so a dev checkout works without extra setup).
RESIDENT_ID_KEY = os.environ.get("RESIDENT_ID_KEY", "")
if not RESIDENT_ID_KEY and not DEBUG:
    # Deriving it from SECRET_KEY would make every stored ID unreadable after a key rotation.
    raise ImproperlyConfigured("RESIDENT_ID_KEY must be set when DEBUG=0 (keep it safe: "
                               "stored resident ID numbers cannot be read without it)")

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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Every admin export neutralises formula-like text and keeps amounts numeric (issue 11 §2).
# (Format classes only: importing them needs no app registry.)
from apps.core.exporting import EXPORT_FORMATS  # noqa: E402, F401
