"""Configuration classes, read from the environment once, here and nowhere else."""

import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

# Secrets that must never reach production: the development default and obvious placeholders.
WEAK_SECRET_KEYS = {"", "dev", "change-me", "changeme", "secret", "development-only-secret-key"}


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret-key")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'crm.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")

    # Flask-Limiter: in memory by default, shared through Redis when it is configured.
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_ATTEMPTS_PER_MINUTE = 10
    LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR = 20
    # Requests a minute one API token may make (crm.api.auth).
    API_REQUESTS_PER_MINUTE = int(os.environ.get("CRM_API_REQUESTS_PER_MINUTE", "120"))
    # Webhooks go to addresses on the internet only, unless a receiver lives in the
    # foundation's own network (crm.webhooks.addresses).
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = _env_bool("CRM_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES")
    # Two-factor sign-in: this many wrong codes for one account within these minutes stop its
    # code checks until the oldest falls out of the window (never a permanent lock); the
    # password step is good for these seconds; a remembered browser skips the code these days.
    TWO_FACTOR_FAILURES = 5
    TWO_FACTOR_FAILURE_MINUTES = 15
    TWO_FACTOR_PENDING_SECONDS = 300
    TWO_FACTOR_REMEMBER_DAYS = 30
    # The name authenticator apps show beside the account.
    TWO_FACTOR_ISSUER = os.environ.get("CRM_TWO_FACTOR_ISSUER", "Foundation CRM")

    # Passwords: werkzeug's scrypt (memory-hard; never a fast hash).
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 12
    # A password-reset link works this many hours; a person may ask for this many an hour.
    PASSWORD_RESET_HOURS = int(os.environ.get("CRM_PASSWORD_RESET_HOURS", "2"))
    PASSWORD_RESET_REQUESTS_PER_HOUR = 5
    # A portal invitation link works this many days.
    INVITATION_DAYS = int(os.environ.get("CRM_INVITATION_DAYS", "7"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    HSTS = False  # Strict-Transport-Security: production only (served over HTTPS)
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("CRM_TIMEZONE", "Africa/Casablanca")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("ar", "fr", "en")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "crm@localhost")
    # Where the application is reached from outside: absolute links in reminder emails and
    # calendar feeds, which are read away from any request.
    CRM_BASE_URL = os.environ.get("CRM_BASE_URL", "http://127.0.0.1:5000")

    # Background jobs: "rq" (a real queue, with `flask crm worker`) when Redis is configured,
    # otherwise "thread" (in the application process); "inline" runs them in the request.
    JOB_RUNNER = os.environ.get("CRM_JOB_RUNNER") or ("rq" if REDIS_URL else "thread")

    # Mailings leave at most this many emails a minute (0: no limit), so that the mail
    # server and the receiving providers do not take them for spam.
    MAILINGS_PER_MINUTE = int(os.environ.get("CRM_MAILINGS_PER_MINUTE", "120"))

    ITEMS_PER_PAGE = 25
    # Calls for applications: applications filed (or changed) an hour from one address, and
    # the version of the privacy notice applicants accept (change it when its text changes).
    APPLICATIONS_PER_HOUR = 10
    PRIVACY_NOTICE_VERSION = "2026-12"
    # The largest request accepted (an attendee file is read up to 20 MB); beyond, a 413 page.
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    # Uploaded documents live here, outside the web root (only crm/static is served).
    DOCUMENTS_FOLDER = os.environ.get("CRM_DOCUMENTS_FOLDER", str(INSTANCE_DIR / "documents"))
    # The largest document accepted, measured by reading the file, never from its headers.
    DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    # Where document bytes go: "local" (the folder above) or "s3" (a private bucket of an
    # S3-compatible store, created beforehand by an administrator; endpoint is host:port).
    DOCUMENTS_STORE = os.environ.get("CRM_DOCUMENTS_STORE", "local")
    DOCUMENTS_S3_ENDPOINT = os.environ.get("CRM_DOCUMENTS_S3_ENDPOINT", "")  # "s3.example.org"
    DOCUMENTS_S3_BUCKET = os.environ.get("CRM_DOCUMENTS_S3_BUCKET", "")
    DOCUMENTS_S3_ACCESS_KEY = os.environ.get("CRM_DOCUMENTS_S3_ACCESS_KEY", "")
    DOCUMENTS_S3_SECRET_KEY = os.environ.get("CRM_DOCUMENTS_S3_SECRET_KEY", "")
    DOCUMENTS_S3_REGION = os.environ.get("CRM_DOCUMENTS_S3_REGION", "")
    DOCUMENTS_S3_SECURE = _env_bool("CRM_DOCUMENTS_S3_SECURE", default=True)
    # How many reverse proxies (nginx, a load balancer) stand before the app, 0 when none.
    PROXY_COUNT = int(os.environ.get("CRM_PROXY_COUNT", "0"))
    PROPAGATE_EXCEPTIONS = False


class DevelopmentConfig(Config):
    DEBUG = False  # `make run` serves with the production-like error pages


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("CRM_TEST_DATABASE_URL") or "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False  # the tests that prove CSRF turn it back on
    BABEL_DEFAULT_LOCALE = "en"  # tests that check French or Arabic ask for them
    JOB_RUNNER = "inline"  # the tests of the thread and RQ runners ask for them
    MAILINGS_PER_MINUTE = 0  # the pace is tested on its own
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # the tests' receiver is on 127.0.0.1
    REDIS_URL = ""
    # Never the instance folder; the suite gives each run a folder of its own.
    DOCUMENTS_FOLDER = os.path.join(tempfile.gettempdir(), "crm-test-documents")
    DOCUMENTS_STORE = "local"  # never a bucket named in the developer's environment
    # A cheap scrypt cost keeps the suite fast; the algorithm stays the same.
    PASSWORD_HASH_METHOD = "scrypt:128:8:1"
    PROPAGATE_EXCEPTIONS = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    HSTS = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a missing or placeholder secret key, and say why."""
        key = os.environ.get("SECRET_KEY", "")
        if key.strip().lower() in WEAK_SECRET_KEYS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY is missing or too weak for production: set it to a random value of "
                "at least 32 characters, for instance the output of "
                "python -c 'import secrets; print(secrets.token_hex(32))'"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The configuration class named by CRM_ENV (development when unset)."""
    name = os.environ.get("CRM_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"CRM_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
