"""The app factory and its configuration errors."""

from __future__ import annotations

import pytest

from observer_portal import create_app
from observer_portal.config import ConfigError, build_config, normalise_database_url
from tests.helpers import TEST_SECRET

BASE = "https://observers.example.org"


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        build_config(str(tmp_path), {"PORTAL_ENV": "production"})


def test_production_is_the_default_profile(tmp_path):
    with pytest.raises(ConfigError):
        build_config(str(tmp_path), {})


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="at least 32"):
        build_config(str(tmp_path), {"SECRET_KEY": "short"})


def test_unknown_profile_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        build_config(str(tmp_path), {"PORTAL_ENV": "staging", "SECRET_KEY": TEST_SECRET})


def test_create_app_raises_without_secret_in_production(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(ConfigError):
        create_app()


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    first = build_config(str(tmp_path), {"PORTAL_ENV": "development"})["SECRET_KEY"]
    second = build_config(str(tmp_path), {"PORTAL_ENV": "development"})["SECRET_KEY"]
    assert first == second
    assert len(first) >= 40
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o077 == 0


def test_production_cookies_are_secure_httponly_lax(tmp_path):
    config = build_config(str(tmp_path), {"SECRET_KEY": TEST_SECRET, "PORTAL_BASE_URL": BASE})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["PERMANENT_SESSION_LIFETIME"].total_seconds() <= 12 * 3600


def test_default_database_is_sqlite_in_instance_folder(tmp_path):
    config = build_config(str(tmp_path), {"SECRET_KEY": TEST_SECRET, "PORTAL_BASE_URL": BASE})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/observer_portal.sqlite3"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_uses_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_argon2_defaults_meet_the_asvs_bar(tmp_path):
    config = build_config(str(tmp_path), {"SECRET_KEY": TEST_SECRET, "PORTAL_BASE_URL": BASE})
    assert config["ARGON2_MEMORY_COST"] >= 19 * 1024
    assert config["ARGON2_TIME_COST"] >= 2


def test_testing_app_has_extensions_and_blueprints(app):
    assert {"sqlalchemy", "migrate", "babel", "csrf", "limiter"} <= set(app.extensions)
    assert {"main", "auth", "staff"} <= set(app.blueprints)
    assert app.config["WTF_CSRF_ENABLED"] is True


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"TRANSLATOR": "google"}, "not an API"),
        ({"TRANSLATOR": "deepl"}, "TRANSLATOR_API_KEY"),
        ({"TRANSLATOR": "libre"}, "TRANSLATOR_URL"),
        ({"TRANSLATOR": "babelfish"}, "TRANSLATOR must be one of"),
    ],
)
def test_a_translation_provider_that_cannot_work_is_refused_at_start_with_the_reason(tmp_path, settings, message):
    with pytest.raises(ConfigError, match=message):
        build_config(str(tmp_path), {"PORTAL_ENV": "development", **settings})


@pytest.mark.parametrize("value", ["-1", "ninety", "1.5"])
def test_a_retention_period_that_is_not_whole_days_is_refused(tmp_path, value):
    with pytest.raises(ConfigError, match="RETENTION_DAYS"):
        build_config(str(tmp_path), {"PORTAL_ENV": "development", "RETENTION_DAYS": value})
