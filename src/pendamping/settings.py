"""Settings, read from environment variables only.

DATABASE_URL   sqlite:///var/pendamping.sqlite3 (default) or postgres://user:pass@host:5432/name
SECRET_KEY     default: generated on first run and kept in var/secret_key
ALLOWED_HOSTS  comma separated, default 127.0.0.1,localhost
DEBUG          1/true to turn on Django's debug pages (never in production)
HTTPS          1/true when served behind HTTPS: secure cookies, HSTS, redirect to https
VAR_DIR        where the embedded database, the secret key and uploads live (default ./var)
SESSION_IDLE_MINUTES  a session ends after this many minutes without a request (default 60)
CSRF_TRUSTED_ORIGINS  comma separated origins (https://pendamping.example.go.id) when behind a proxy
LOG_LEVEL      default WARNING
TEST_SQLITE_NAME  a file for the SQLite test database (default: in memory)
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key(var_dir: Path) -> str:
    """SECRET_KEY from the environment, else the key kept in var/secret_key, made on first run (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (a second gunicorn worker) made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = secret_key(VAR_DIR)
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
HTTPS = env_bool("HTTPS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "pendamping.core",
    "pendamping.areas",
    "pendamping.accounts",
    "pendamping.registry",
    "pendamping.targeting",
    "pendamping.kube",
    "pendamping.mentoring",
    "pendamping.puskesos",
    "pendamping.reports",
    "ninja",  # its Swagger UI files are served from our static files (no CDN)
    "pendamping.api",
    "pendamping.dci",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # compressed responses (pages stay under 100 KB over the wire). BREACH: Django's GZipMiddleware pads each
    # response at random (Heal the BREACH), CSRF tokens are masked per response, and the session cookie is
    # SameSite=Lax, so a cross-site page cannot make authenticated requests to measure. WhiteNoise's pre-compressed
    # static files (after collectstatic) pass through untouched.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pendamping.core.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pendamping.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pendamping.urls"
FORM_RENDERER = "pendamping.core.forms.Renderer"  # selects written in Python (core.forms.select_html)
WSGI_APPLICATION = "pendamping.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pendamping.core.context_processors.shell",
            ],
            "builtins": ["pendamping.core.templatetags.pendamping"],
        },
    }
]

# Database: embedded SQLite in WAL mode by default; PostgreSQL through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'pendamping.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username", "full_name", "email"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login protection: 5 failed tries lock that username for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# By username only: workers on mobile data share carrier-grade NAT addresses and a Puskesos office shares one
# address, so locking an address would lock out colleagues who did nothing wrong.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# Sessions end after inactivity.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False  # core.middleware.SessionIdleMiddleware pushes the end forward, once a minute
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# the preload directive commits nothing until the domain owner submits the domain to the browsers' list
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Language and time: Bahasa Indonesia first, English selectable; Asia/Jakarta.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# Request bodies: the API refuses a body above API_MAX_BODY_BYTES (413); Django refuses any above this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
API_MAX_BODY_BYTES = 1_048_576

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Personal data never goes to the logs: no request bodies, no query strings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}

# Policy numbers of the program: settings with the defaults of the domain, never constants in code.
PENDAMPING = {
    "AUDIT_PAGE_SIZE": 50,
    "LIST_PAGE_SIZE": 25,
    # poverty by need (seed 2.6): fakir below 50% of basic needs, miskin from 50% to 90% inclusive
    "POVERTY_FAKIR_BELOW_PERCENT": 50,
    "POVERTY_MISKIN_UP_TO_PERCENT": 90,
    # a household meeting at least this many criteria counts as poor by the checklist. BPS: 9 of 14.
    # Kepmensos 146/HUK/2013 names its 11 criteria without a count: 6 (a majority) until the Dinas Sosial sets one.
    "BPS14_POOR_THRESHOLD": 9,
    "KEPMENSOS146_POOR_THRESHOLD": 6,
    # KUBE (domain.md section 4): members per group, stimulus per member (when no StimulusRate row is set for the
    # kabupaten, year and funding source), the IKS share of profit, attachments
    "KUBE_MIN_MEMBERS": 5,
    "KUBE_MAX_MEMBERS": 20,
    "KUBE_STIMULUS_PER_MEMBER": 2_000_000,
    "KUBE_IKS_PERCENT": 10,
    "KUBE_ATTACHMENT_MAX_BYTES": 5 * 1024 * 1024,
    "KUBE_IMAGE_MAX_PIXELS": 1280,
    # a group is flagged after this many months without a progress report, or this many months of falling omzet
    "KUBE_NO_REPORT_MONTHS": 2,
    "KUBE_FALLING_OMZET_MONTHS": 3,
    # mentoring (domain.md section 5): a member attending less than this share of a group's sessions is flagged; a
    # KUBE with no contact for this many days is flagged; a key role of the group's stage not played for this many
    # days is a gap. MENTORING_KEY_ROLES (stage -> Zastrow role codes) replaces mentoring.vocab.DEFAULT_KEY_ROLES.
    "MENTORING_ATTENDANCE_THRESHOLD_PERCENT": 80,
    "MENTORING_NO_CONTACT_DAYS": 30,
    "MENTORING_ROLE_GAP_DAYS": 90,
    "MENTORING_TASK_SOON_DAYS": 7,
    # the Puskesos desk (domain.md section 6): days a case of a sector should take (PUSKESOS_CASE_DAYS_BY_SECTOR
    # overrides the default per sector), days an office has to answer a referral, days a referral's answer link works
    # the dashboard of a kabupaten is counted at most once in this many seconds per scope (0: always live)
    "DASHBOARD_CACHE_SECONDS": 300,
    "PUSKESOS_CASE_DAYS": 30,
    "PUSKESOS_CASE_DAYS_BY_SECTOR": {"perlindungan": 7, "kesehatan": 14, "adminduk": 14},
    "PUSKESOS_REFERRAL_DAYS": 14,
    "PUSKESOS_TOKEN_DAYS": 30,
    "PUSKESOS_TOKEN_RATE_PER_MINUTE": 10,
    # DCI Social Registry (docs/dci.md): a client's token lifetime, page sizes, search requests per message
    "DCI_TOKEN_SECONDS": 3600,
    "DCI_TOKEN_RATE_PER_MINUTE": 10,  # token requests a minute per client address (per gunicorn worker)
    "DCI_PAGE_SIZE": 20,
    "DCI_MAX_PAGE_SIZE": 100,
    "DCI_MAX_REQUESTS": 20,
    "DCI_SENDER_ID": "pendamping",
    # the REST API: days a token made with a password (POST /api/v1/auth/token) stays valid; page size and its limit
    "API_TOKEN_DAYS": 90,
    "API_PAGE_SIZE": 25,
    "API_MAX_PAGE_SIZE": 100,
}
