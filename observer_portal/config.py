"""Settings read from the environment, validated once at start-up.

`PORTAL_ENV` picks the profile: `production` (the default: strict), `development`
(`make run`: a generated secret key kept in `instance/`, cookies without `Secure`)
or `testing`.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    """Raised when the environment cannot produce a safe configuration."""


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs given in the usual short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret(instance_path: Path) -> str:
    """A per-checkout random key so `make run` needs no setup and never ships a known key."""
    key_file = instance_path / "dev-secret-key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _translator(value: str) -> str:
    provider = value.strip().lower() or "none"
    allowed = ("none", "libre", "mymemory", "deepl")
    if provider == "google":
        raise ConfigError(
            "TRANSLATOR=google is not offered: it read Google Translate's web page, not an API. "
            "Use libre (a LibreTranslate server of your own), deepl or mymemory."
        )
    if provider not in allowed:
        raise ConfigError(f"TRANSLATOR must be one of {', '.join(allowed)}, not {provider!r}")
    return provider


def _retention_days(value: str) -> int:
    try:
        days = int(value.strip() or "0")
    except ValueError:
        days = -1
    if days < 0:
        raise ConfigError(f"RETENTION_DAYS must be a whole number of days (0 keeps data), not {value!r}")
    return days


def _hour(value: str) -> int:
    try:
        hour = int(value.strip())
    except ValueError:
        hour = -1
    if not 0 <= hour <= 23:
        raise ConfigError(f"DAILY_REPORT_HOUR must be an hour of the day, 0 to 23, not {value!r}")
    return hour


def _languages(value: str) -> list[str]:
    from observer_portal.i18n import SPOKEN_LANGUAGES

    codes = [code.strip().lower() for code in value.split(",") if code.strip()]
    unknown = [code for code in codes if code not in SPOKEN_LANGUAGES]
    if unknown or len(codes) < 2:
        raise ConfigError(f"TRANSLATION_LANGUAGES needs two or more of {', '.join(SPOKEN_LANGUAGES)}; got {value!r}")
    return codes


#: Which languages a reader's language falls back to for content that is not (yet) in it.
DEFAULT_CONTENT_FALLBACKS = "kk:ru,en;ru:en;de:en;fr:en"


def _content_fallbacks(value: str) -> dict[str, tuple[str, ...]]:
    """`kk:ru,en;de:en`: a Kazakh reader gets Russian, then English; a German reader English."""
    from observer_portal.i18n import LOCALES

    chains: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (piece.strip() for piece in value.split(";"))):
        reader, separator, rest = part.partition(":")
        chain = tuple(code.strip().lower() for code in rest.split(",") if code.strip())
        codes = (reader.strip().lower(), *chain)
        if not separator or any(code not in LOCALES for code in codes) or len(set(codes)) != len(codes):
            raise ConfigError(
                f"CONTENT_FALLBACKS is LOCALE:LOCALE,… separated by ';' with locales of {', '.join(LOCALES)}; "
                f"got {part!r}"
            )
        chains[codes[0]] = chain
    return chains


#: Where links in e-mails and calendar feeds point outside production, when not set.
DEFAULT_BASE_URLS = {"development": "http://127.0.0.1:5000", "testing": "http://localhost"}


def _base_url(value: str, profile: str) -> str:
    """The portal's public address: absolute links never come from the request's Host header."""
    value = value.strip()
    if not value:
        if profile == "production":
            raise ConfigError(
                "PORTAL_BASE_URL is not set. Set it to the address people use, e.g. https://portal.example.org "
                "(links in e-mails and calendar feeds are built from it)."
            )
        return DEFAULT_BASE_URLS[profile]
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"PORTAL_BASE_URL must be an http(s) address without query or fragment, not {value!r}")
    if profile == "production" and parts.scheme != "https" and parts.hostname not in ("localhost", "127.0.0.1"):
        raise ConfigError("PORTAL_BASE_URL must use https in production.")
    return value.rstrip("/")


def build_config(instance_path: str, environ: dict[str, str] | None = None) -> dict:
    """Return the Flask config mapping for the given environment variables."""
    env = dict(os.environ if environ is None else environ)
    profile = env.get("PORTAL_ENV", "production").strip().lower()
    if profile not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {profile!r}")
    production = profile == "production"

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))"), '
                "or use PORTAL_ENV=development for a local run."
            )
        secret_key = _development_secret(Path(instance_path))
    elif production and len(secret_key) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters long in production.")

    default_db = "sqlite:///" + str(Path(instance_path) / "observer_portal.sqlite3")
    database_url = normalise_database_url(env.get("DATABASE_URL") or default_db)

    if _translator(env.get("TRANSLATOR", "none")) == "libre" and not env.get("TRANSLATOR_URL"):
        raise ConfigError("TRANSLATOR=libre needs TRANSLATOR_URL, the address of your LibreTranslate server.")
    if _translator(env.get("TRANSLATOR", "none")) == "deepl" and not env.get("TRANSLATOR_API_KEY"):
        raise ConfigError("TRANSLATOR=deepl needs TRANSLATOR_API_KEY, your DeepL API key.")

    base_url = _base_url(env.get("PORTAL_BASE_URL", ""), profile)
    secure_cookies = _bool(env.get("SESSION_COOKIE_SECURE"), production)
    idle_minutes = int(env.get("SESSION_IDLE_MINUTES", "120"))
    absolute_hours = int(env.get("SESSION_ABSOLUTE_HOURS", "12"))

    return {
        "PORTAL_ENV": profile,
        "TESTING": profile == "testing",
        "SECRET_KEY": secret_key,
        # Old keys still accepted for existing sessions while a new SECRET_KEY is rolled out.
        "SECRET_KEY_FALLBACKS": [k for k in env.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()],
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Sessions: short idle timeout (refreshed on each request), absolute cap checked
        # in auth.sessions, no remember-me cookie at all.
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=idle_minutes),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=absolute_hours),
        "SESSION_COOKIE_NAME": "__Host-portal" if secure_cookies else "portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_DURATION": timedelta(days=1),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "WTF_CSRF_ENABLED": _bool(env.get("WTF_CSRF_ENABLED"), True),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_I18N_ENABLED": True,
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024))),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # what one API token (or one address without a token) may ask (Flask-Limiter's syntax)
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "300/minute"),
        # Redis away: count in each process's memory (logged) rather than refuse every sign-in;
        # short socket timeouts: a hanging Redis costs a sign-in (two limits) about a second at most
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        if env.get("RATELIMIT_STORAGE_URI", "").startswith(("redis://", "rediss://"))
        else {},
        # public pages drawn for readers who are not signed in (http_caching.py, page_cache.py):
        # "memory" (each process), a redis:// URL (shared; the rate limits' Redis by default), "off"
        "PAGE_CACHE": env.get("PAGE_CACHE")
        or (
            env["RATELIMIT_STORAGE_URI"]
            if env.get("RATELIMIT_STORAGE_URI", "").startswith(("redis://", "rediss://"))
            else "memory"
        ),
        # the active election, open centres and published briefings kept per process and page version
        "CONTENT_CACHE": _bool(env.get("CONTENT_CACHE"), True),
        "PAGE_CACHE_SECONDS": int(env.get("PAGE_CACHE_SECONDS", "600")),
        "PAGE_CACHE_MAX_ENTRIES": int(env.get("PAGE_CACHE_MAX_ENTRIES", "2000")),
        "PAGE_CACHE_MAX_BYTES": int(env.get("PAGE_CACHE_MAX_BYTES", str(64 * 1024 * 1024))),
        # how long a shared cache in front (the nginx sample's micro-cache) may keep a public page
        "SHARED_CACHE_SECONDS": int(env.get("SHARED_CACHE_SECONDS", "5")),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "5 per minute;30 per hour"),
        "SIGNUP_RATE_LIMIT": env.get("SIGNUP_RATE_LIMIT", "10 per hour"),
        # front-desk searches and refused registrations per person (a busy desk does a few a minute)
        "CARD_LOOKUP_RATE_LIMIT": env.get("CARD_LOOKUP_RATE_LIMIT", "30 per minute;300 per hour"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": env.get("DEFAULT_TIMEZONE", "Asia/Atyrau"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        # argon2id; the defaults are argon2-cffi's RFC 9106 low-memory profile (64 MiB, t=3).
        "ARGON2_TIME_COST": int(env.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(env.get("ARGON2_MEMORY_COST", "65536")),
        "ARGON2_PARALLELISM": int(env.get("ARGON2_PARALLELISM", "4")),
        "PAGE_SIZE": int(env.get("PAGE_SIZE", "25")),
        "TRANSLATOR": _translator(env.get("TRANSLATOR", "none")),
        # Languages offered for translation and interpretation requests (any two form a pair).
        "TRANSLATION_LANGUAGES": _languages(env.get("TRANSLATION_LANGUAGES", "en,de,fr,ru,kk")),
        "CONTENT_FALLBACKS": _content_fallbacks(env.get("CONTENT_FALLBACKS", DEFAULT_CONTENT_FALLBACKS)),
        "TRANSLATOR_URL": env.get("TRANSLATOR_URL", ""),
        "TRANSLATOR_API_KEY": env.get("TRANSLATOR_API_KEY", ""),
        "TRANSLATOR_TIMEOUT": float(env.get("TRANSLATOR_TIMEOUT", "10")),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PORTAL_BASE_URL": base_url,
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # E-mail copies of notifications (optional): Flask-Mailman settings, always with a timeout.
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        # also under test: mail goes to a real (local) SMTP server; `make run` without a server
        # prints it (invitations) in the worker's output instead
        "MAIL_BACKEND": "console" if profile == "development" and not env.get("MAIL_SERVER") else "smtp",
        "INVITATION_DAYS": int(env.get("INVITATION_DAYS", "14")),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), False),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL"), False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "observer-portal@localhost"),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", "5")),
        # the job queue (observer_portal/jobs.py): SQLite file by default, redis:// in production,
        # "immediate" (run in-process at once, through Huey) under test
        "JOB_QUEUE_URL": env.get("JOB_QUEUE_URL")
        or ("immediate" if profile == "testing" else "sqlite:///" + str(Path(instance_path) / "jobs.sqlite3")),
        # an e-mail claimed by a worker that never finished it (killed) is sent again after this
        "JOB_CLAIM_TIMEOUT": int(env.get("JOB_CLAIM_TIMEOUT", "300")),
        # the first retry of an e-mail the server refused waits this long, each next one twice as long
        "JOB_RETRY_DELAY": int(env.get("JOB_RETRY_DELAY", "30")),
        "BACKUP_DIR": env.get("BACKUP_DIR") or str(Path(instance_path) / "backups"),
        # visitors last seen longer ago than this lose their personal data, every night (0: never)
        "RETENTION_DAYS": _retention_days(env.get("RETENTION_DAYS", "0")),
        # the daily report goes out once a centre's own clock has passed this hour (0-23)
        "DAILY_REPORT_HOUR": _hour(env.get("DAILY_REPORT_HOUR", "21")),
    }
