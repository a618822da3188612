"""Template helpers: the language switcher, locale-aware formatting, page titles."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import urlencode

import flask_babel
from babel.dates import format_date as babel_format_date
from flask import Flask, request
from flask_babel import get_locale

from observer_portal import labels, navigation, policies
from observer_portal.forms import PROFICIENCY_LABELS, form_problems
from observer_portal.i18n import LOCALES, country_name, language_in_sentence, language_name
from observer_portal.lazy_text import local_number
from observer_portal.models.glossary import GlossaryStatus
from observer_portal.page_chrome import page_chrome, page_url
from observer_portal.services import machine_drafts
from observer_portal.services.markdown_text import render_markdown
from observer_portal.services.notifications import target as notification_target
from observer_portal.services.workflow import Action
from observer_portal.timezones import when


def language_links() -> list[tuple[str, str, str]]:
    """The switcher: (code, name in itself, the current page in that language — its GET
    parameters kept, `lang` replaced), the query read once."""
    kept = urlencode([(key, value) for key, value in request.args.items(multi=True) if key != "lang"])
    start = f"{request.path}?{kept}&lang=" if kept else f"{request.path}?lang="
    return [(code, name, start + code) for code, name in LOCALES.items()]


def local_date(value, format: str = "medium") -> str:
    """The `dateformat` filter: Flask-Babel's `format_date`, remembered per day, style and
    language for days (a datetime is converted to the reader's zone first, as before)."""
    if isinstance(value, datetime):
        return flask_babel.format_date(value, format)
    return _day_text(value, format, str(get_locale() or "en"))


@lru_cache(maxsize=1024)
def _day_text(day, format: str, locale_id: str) -> str:
    return babel_format_date(day, format=format, locale=locale_id)


def current_locale_code() -> str:
    return str(get_locale() or "en")


def unread_notifications() -> dict:
    """Read with the signed-in user (a count kept by triggers on notifications): no query."""
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return {"unread_notifications": current_user.unread_notifications}
    return {"unread_notifications": 0}


def short_day(day, skeleton: str = "MMMd") -> str:
    """A day as the reader's language abbreviates it, by default without the year: "Nov 14",
    "14. Nov.", "14 нояб." (a chart's axis)."""
    from babel.dates import format_skeleton

    return format_skeleton(skeleton, day, locale=str(get_locale() or "en"))


def briefing_text(briefing):
    """The text of a briefing the reader reads: theirs, else the original (services.briefings)."""
    from observer_portal.i18n import content_chain
    from observer_portal.services.briefings import text_for

    locale = current_locale_code()
    return text_for(briefing, locale, content_chain(locale))


def time_zone_label(name: str) -> str:
    """An IANA time zone as the reader's language names it: "Атырау (GMT+05:00)"."""
    from datetime import UTC, datetime

    from babel.dates import get_timezone, get_timezone_gmt, get_timezone_location

    try:
        zone = get_timezone(name)
    except LookupError:
        return name
    locale = get_locale()
    city = get_timezone_location(zone, locale=locale, return_city=True)
    return f"{city} ({get_timezone_gmt(datetime.now(UTC).astimezone(zone), 'long', locale=locale)})"


def current_election():
    """The active election, read once per request; None when there is none, or when the
    database is away — a page that needs nothing else (the sign-in form, an error page)
    still renders. The request's transaction is then dead: it is rolled back and marked so
    nothing is committed (a commit would fail as a 500 after the page was drawn)."""
    from flask import g
    from sqlalchemy.exc import SQLAlchemyError

    from observer_portal.extensions import db
    from observer_portal.public_content import cached
    from observer_portal.services.elections import active_election

    if "portal_election" not in g:
        election = None
        if not g.get("database_down"):
            try:
                election = cached("active election", active_election)
            except SQLAlchemyError:
                g.database_down = g.uow_discarded = True
                try:
                    db.session.rollback()
                except SQLAlchemyError:
                    pass  # the connection is gone: nothing to undo
        g.portal_election = election
    return g.portal_election


def init_templating(app: Flask) -> None:
    app.context_processor(unread_notifications)
    app.jinja_env.globals.update(
        main_menu=navigation.menu,
        briefing_text=briefing_text,
        LOCALES=LOCALES,
        language_links=language_links,
        page_chrome=page_chrome,
        page_url=page_url,
        current_locale_code=current_locale_code,
        language_name=language_name,
        language_in_sentence=language_in_sentence,
        country_name=country_name,
        format_number=local_number,
        unroutable_message=labels.unroutable_message,
        PROFICIENCY_LABELS=PROFICIENCY_LABELS,
        form_problems=form_problems,
        notification_target=notification_target,
        actions_for=policies.actions_for,
        may_work_on=policies.may_work_on,
        can_manage_item=policies.can_manage_item,
        current_election=current_election,
        machine_draft_failure=machine_drafts.failure_message,
        Action=Action,
        GlossaryStatus=GlossaryStatus,
        **{name: value for name, value in vars(labels).items() if name.endswith(("_LABELS", "_BUTTONS", "_TITLES"))},
    )
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["dateformat"] = local_date
    app.jinja_env.filters["short_day"] = short_day
    app.jinja_env.filters["time_zone"] = time_zone_label
    app.jinja_env.filters["purpose_label"] = lambda code: labels.PURPOSE_LABELS.get(code, code)
    app.jinja_env.filters.update(language_name=language_name, country_name=country_name, markdown=render_markdown)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
