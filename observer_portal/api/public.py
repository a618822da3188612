"""Public resources: the centres, their published briefings in any of the five languages
(with figures and the state of each translation), and — with a token — the missions and
media outlets. The same services as the public pages; a briefing answers with an ETag and
304 to a conditional GET."""

from __future__ import annotations

import hashlib
import json

from flask import Response, abort, request, url_for
from sqlalchemy import select

from observer_portal.api import PROBLEM, schemas
from observer_portal.api import ApiBlueprint as Blueprint
from observer_portal.extensions import db
from observer_portal.i18n import content_chain, reader_locale
from observer_portal.labels import TOPIC_LABELS
from observer_portal.lazy_text import _l
from observer_portal.models import BriefingTopic, Organisation, TokenScope
from observer_portal.permissions import public
from observer_portal.services import briefings as briefing_service
from observer_portal.services.centres import all_centres
from observer_portal.services.markdown_text import render_markdown

bp = Blueprint("api_public", __name__, url_prefix="/api/v1", description="Centres, briefings, missions and outlets")
PAGE_SIZE = 50


@bp.route("/centres")
@public
@bp.arguments(schemas.LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.CentreList)
def centres(locale):
    """The open centres, named in the caller's language."""
    return {
        "items": [
            {
                "slug": c.slug,
                "name": str(c.name),
                "region": str(c.region),
                "address": str(c.address),
                "opening_hours": str(c.opening_hours),
                "phone": c.phone,
                "email": c.email,
                "timezone": c.timezone,
                "language": c.language,
            }
            for c in all_centres(db.session)
        ]
    }


def _summary(briefing, locale: str) -> dict:
    text = briefing_service.text_for(briefing, locale, content_chain(locale))
    return {
        "centre": briefing.centre.slug,
        "slug": briefing.slug,
        "topic": briefing.topic.value,
        "topic_label": str(TOPIC_LABELS[briefing.topic]),
        "title": text.title,
        "locale": text.locale,
        "translation_state": briefing_service.translation_state(briefing, locale),
        "updated_at": max(briefing.updated_at, text.updated_at),
        "url": url_for("api_public.briefing", centre=briefing.centre.slug, slug=briefing.slug, locale=locale),
    }


@bp.route("/briefings")
@public
@bp.arguments(schemas.BriefingQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.BriefingPage)
def briefings(locale, centre, topic, before):
    """Published briefings, newest first, 50 a page; `next` is the next page's `before`."""
    locale = locale or reader_locale()
    items, next_cursor = briefing_service.published_briefings(
        db.session,
        centre_slug=centre,
        topic=BriefingTopic(topic) if topic else None,
        before_id=before,
        size=PAGE_SIZE,
    )
    return {"items": [_summary(b, locale) for b in items], "next": next_cursor}


@bp.route("/briefings/<centre>/<slug>")
@public
@bp.arguments(schemas.LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.Briefing)
@bp.alt_response(304, description="Not modified since the ETag given")
@bp.alt_response(404, **PROBLEM)
def briefing(centre, slug, locale):
    """One published briefing in `locale` (else the caller's language): its text — the
    caller's language when it has one, else the fallback chain's — figures and state."""
    locale = locale or reader_locale()
    found = briefing_service.find_briefing(db.session, centre, slug)
    if found is None or not found.published or not found.centre.active:
        abort(404, description=_l("There is no such briefing."))
    text = briefing_service.text_for(found, locale, content_chain(locale))
    body = {
        **_summary(found, locale),
        "body_markdown": text.body,
        "body_html": str(render_markdown(text.body)),
        "figures": [
            {"label": label, "value": format(figure.value, "f"), "unit": unit}
            for figure in found.figures
            for label, unit in (text.figure_label(figure),)
        ],
        "available_locales": sorted({t.locale for t in found.translations}),
    }
    # the ETag of what is answered, whole: another translation, a new release's labels or
    # HTML make another tag (weak comparison, as RFC 9110 asks of If-None-Match)
    tag = hashlib.blake2b(json.dumps(body, sort_keys=True, default=str).encode(), digest_size=12).hexdigest()
    headers = {"ETag": f'"{tag}"', "Cache-Control": "no-cache", "Vary": "Accept-Language, Authorization"}
    if request.if_none_match.contains_weak(tag):
        return Response(status=304, headers=headers)
    return body, 200, headers


@bp.route("/organisations")
@bp.secured(scope=TokenScope.READ)
@bp.arguments(schemas.LocaleQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.OrganisationList)
def organisations(locale):
    """The confirmed missions and media outlets, named in the caller's language.

    Any signed-in role; token permission `read`."""
    rows = db.session.scalars(select(Organisation).where(Organisation.confirmed.is_(True)))
    return {"items": sorted(({"name": o.label, "kind": o.kind.value} for o in rows), key=lambda o: o["name"])}
