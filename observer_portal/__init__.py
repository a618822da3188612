"""Observer Portal: a multilingual portal for a centre assisting election observers and media."""

from __future__ import annotations

import logging
import mimetypes
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from observer_portal.config import build_config
from observer_portal.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

mimetypes.add_type("application/manifest+json", ".webmanifest")  # the web app manifest (static/)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="static",
    )
    settings = build_config(app.instance_path, _environ_with(config))
    app.config.update(settings)
    if config:
        app.config.update(config)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _init_extensions(app)
    from observer_portal.paging import IdConverter

    app.url_map.converters["int"] = IdConverter  # before the routes are added: ids beyond INTEGER are a 404
    _register_blueprints(app)

    from observer_portal.auth.sessions import init_sessions
    from observer_portal.cli import register_cli
    from observer_portal.errors import init_errors
    from observer_portal.http_caching import init_http_caching
    from observer_portal.jobs import init_jobs
    from observer_portal.permissions import init_permissions
    from observer_portal.security import init_security
    from observer_portal.templating import init_templating
    from observer_portal.unit_of_work import init_unit_of_work

    init_unit_of_work(app)  # first: its after_request hook runs after every other one
    init_jobs(app)
    init_sessions(app)
    init_permissions(app)
    init_security(app)
    init_http_caching(app)
    init_errors(app)
    init_templating(app)
    register_cli(app)
    from observer_portal.api.identity import identify_api_caller
    from observer_portal.auth.sessions import nobody_without_a_cookie
    from observer_portal.security import allow_large_uploads

    hooks = app.before_request_funcs.setdefault(None, [])
    # the token's owner first: the rate limit counts per token, the access check reads the owner
    hooks.insert(0, identify_api_caller)
    hooks.insert(0, nobody_without_a_cookie)
    hooks.insert(0, allow_large_uploads)  # before the body is read
    _wrap_wsgi(app)
    return app


def _wrap_wsgi(app: Flask) -> None:
    """The page cache answers before Flask; ProxyFix, outermost, tells it the real scheme."""
    from observer_portal.page_cache import init_page_cache
    from observer_portal.public_content import init_public_content

    init_public_content(app)
    init_page_cache(app)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]


def _environ_with(config: dict[str, Any] | None) -> dict[str, str] | None:
    """Let a test pass PORTAL_ENV / SECRET_KEY / DATABASE_URL through `config`."""
    if not config:
        return None
    import os

    environ = dict(os.environ)
    for key in ("PORTAL_ENV", "SECRET_KEY", "DATABASE_URL", "PORTAL_BASE_URL"):
        if key in config:
            environ[key] = str(config[key])
    return environ


def _init_extensions(app: Flask) -> None:
    from observer_portal import database
    from observer_portal.i18n import select_locale, select_timezone
    from observer_portal.lazy_text import init_template_gettext

    db.init_app(app)
    database.configure_sqlite(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    init_template_gettext(app)
    from observer_portal.security import retry_after_an_outage

    app.after_request(retry_after_an_outage)  # before the limiter: runs after it
    limiter.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from observer_portal.accreditations import bp as accreditations_bp
    from observer_portal.assistance import bp as assistance_bp
    from observer_portal.auth import bp as auth_bp
    from observer_portal.briefings import bp as briefings_bp
    from observer_portal.centres import bp as centres_bp
    from observer_portal.elections import bp as elections_bp
    from observer_portal.glossary import bp as glossary_bp
    from observer_portal.inventory import bp as inventory_bp
    from observer_portal.language_help import bp as language_help_bp
    from observer_portal.main import bp as main_bp
    from observer_portal.organisations import bp as organisations_bp
    from observer_portal.reports import bp as reports_bp
    from observer_portal.staff import bp as staff_bp
    from observer_portal.visits import bp as visits_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(briefings_bp)
    app.register_blueprint(assistance_bp)
    app.register_blueprint(inventory_bp)
    app.register_blueprint(elections_bp)
    app.register_blueprint(centres_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(accreditations_bp)
    app.register_blueprint(language_help_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(glossary_bp)
    from observer_portal.api import init_api

    init_api(app)
