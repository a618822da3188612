"""Public pages a cache can hold (http_caching.py) and the page cache in front of Flask
(page_cache.py): no cookie and no session for readers who are not signed in, Vary, ETag and
304, and a cache that never serves a page older than the last committed change — in every
language, after a briefing is saved, published or unpublished, translated, and after a
centre is edited. The cache tests commit for real, as production does: the version the
cache reads is the committed one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import inspect, select, text

from observer_portal.extensions import db
from observer_portal.i18n import LOCALES
from observer_portal.models import PUBLIC_TABLES, Briefing, Centre, PageVersion, User
from observer_portal.page_cache import Entry, MemoryStore
from tests.briefing_helpers import make_briefing
from tests.helpers import make_centre, make_user, post_form, sign_in_directly

DETAIL = "/briefings/atyrau/atyrau-overview"
PUBLIC_PAGES = ("/", "/briefings/", DETAIL)
NONCE = re.compile(r"'nonce-([^']+)'")


def _app_with_a_briefing(make_app, page_cache: str):
    """An app on the shared database that keeps content per page version, with a briefing."""
    app = make_app(PAGE_CACHE=page_cache, CONTENT_CACHE=True)
    with app.app_context():
        make_briefing(make_centre("atyrau", name="Atyrau centre"))
    return app


@pytest.fixture
def cached(make_app):
    """The in-process page cache in front."""
    return _app_with_a_briefing(make_app, "memory")


def _client_of(app, user):
    """A client signed in as `user` (made in another application context)."""
    client = app.test_client()
    with app.app_context():
        sign_in_directly(client, db.session.get(User, inspect(user).identity[0]))
    return client


def _get(client, path, locale, **headers):
    return client.get(path, headers={"Accept-Language": locale, **headers})


def _text(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------- headers, without the cache


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_public_page_for_a_reader_not_signed_in_sets_no_cookie_and_may_be_shared(app, client, path):
    with app.app_context():
        make_briefing(make_centre("atyrau"))
    for locale in LOCALES:
        for response in (
            _get(client, path, locale),
            client.get(path, query_string={"lang": locale}, headers={"Accept-Language": locale}),
        ):
            assert response.status_code == 200
            assert response.headers.getlist("Set-Cookie") == []
            assert f'<html lang="{locale}"' in _text(response)
            cache_control = response.headers["Cache-Control"]
            assert "public" in cache_control
            assert "s-maxage=" in cache_control
            assert "max-age=0" in cache_control
            assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response.headers["Vary"].split(",")}
            assert response.headers["ETag"]
            assert response.headers["Last-Modified"]
            assert "csrf_token" not in _text(response)
    assert client.get_cookie("portal_session") is None


def test_every_page_says_its_language_may_come_from_accept_language(app, client, login_as):
    staff, _ = login_as("coordinator")
    for who, path in ((client, "/login"), (client, "/signup"), (staff, "/visits/log"), (staff, "/account")):
        assert "Accept-Language" in who.get(path).headers["Vary"], path


def test_a_conditional_request_that_still_matches_gets_304(app, client):
    with app.app_context():
        make_briefing(make_centre("atyrau"))
    first = _get(client, DETAIL, "de")
    etag = first.headers["ETag"]
    again = _get(client, DETAIL, "de", **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert "Content-Type" not in again.headers
    assert _get(client, DETAIL, "fr", **{"If-None-Match": etag}).status_code == 200  # another language, another page
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    earlier = format_datetime(datetime(2020, 1, 1, tzinfo=UTC), usegmt=True)
    assert _get(client, DETAIL, "de", **{"If-Modified-Since": later}).status_code == 304
    assert _get(client, DETAIL, "de", **{"If-Modified-Since": earlier}).status_code == 200
    with app.app_context():  # a change: the old copy no longer matches
        briefing = db.session.scalar(select(Briefing))
        briefing.original.body = "Changed."
        db.session.commit()
    assert _get(client, DETAIL, "de", **{"If-None-Match": etag}).status_code == 200


def test_choosing_a_language_is_remembered_in_a_cookie_of_its_own_only_when_it_changes_something(app, client):
    assert client.get("/?lang=de", headers={"Accept-Language": "de"}).headers.getlist("Set-Cookie") == []
    response = client.get("/?lang=kk", headers={"Accept-Language": "de"})
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    assert cookies[0].startswith("lang=kk;")
    assert "HttpOnly" in cookies[0]
    assert "public" not in response.headers.get("Cache-Control", "")
    assert '<html lang="kk"' in _text(client.get("/", headers={"Accept-Language": "de"}))
    assert client.get_cookie("portal_session") is None


def test_a_signed_in_reader_gets_a_personal_page_never_stored(app, login_as):
    with app.app_context():
        make_briefing(make_centre("atyrau"))
    staff, _ = login_as("observer")
    response = staff.get(DETAIL)
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert "public" not in response.headers["Cache-Control"]


# ---------------------------------------------------------------- the page cache


def _warm(client, paths=PUBLIC_PAGES) -> dict:
    return {(path, locale): _text(_get(client, path, locale)) for path in paths for locale in LOCALES}


def test_the_second_reader_is_served_from_the_cache_without_a_cookie_and_with_a_fresh_nonce(cached):
    client = cached.test_client()
    cache = cached.wsgi_app
    first = _get(client, DETAIL, "de")
    assert cache.misses == 1
    assert cache.hits == 0
    second, third = _get(client, DETAIL, "de"), _get(client, DETAIL, "de")
    assert cache.hits == 2
    assert _text(second) == _text(first) == _text(third)
    for response in (second, third):
        assert response.headers.getlist("Set-Cookie") == []
        assert response.headers["ETag"] == first.headers["ETag"]
        assert "public" in response.headers["Cache-Control"]
    nonces = {NONCE.search(r.headers["Content-Security-Policy"]).group(1) for r in (first, second, third)}
    assert len(nonces) == 3
    head = client.head(DETAIL, headers={"Accept-Language": "de"})
    assert head.status_code == 200
    assert head.get_data() == b""
    assert cache.hits == 3
    not_modified = _get(client, DETAIL, "de", **{"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified.get_data() == b""
    assert cache.hits == 4


def test_each_language_is_its_own_page(cached):
    client = cached.test_client()
    pages = _warm(client, (DETAIL,))
    again = _warm(client, (DETAIL,))
    assert pages == again
    assert cached.wsgi_app.hits == len(LOCALES)
    for locale in LOCALES:
        assert f'<html lang="{locale}"' in pages[(DETAIL, locale)]


def _warm_reader_and_editor(app):
    """A reader who has read every public page in every language (all cached), a signed-in
    coordinator, and the briefing's id."""
    reader = app.test_client()
    _warm(reader)
    with app.app_context():
        coordinator = make_user("coordinator")
        briefing_id = db.session.scalar(select(Briefing.id))
    return reader, _client_of(app, coordinator), briefing_id


def test_a_saved_briefing_is_on_the_very_next_request_in_every_language(cached):
    reader, editor, briefing_id = _warm_reader_and_editor(cached)
    form = post_form(editor, f"/briefings/{briefing_id}/edit", {}, page=f"/briefings/{briefing_id}/edit")
    assert form.status_code == 422  # an empty form is refused: nothing changed, nothing invalidated
    with cached.app_context():
        briefing = db.session.get(Briefing, briefing_id)
        data = {
            "title": "Atyrau region: overview",
            "slug": briefing.slug,
            "topic": briefing.topic.value,
            "original_locale": "en",
            "body": "The region votes at **262 polling stations**.",
        }
        for i, figure in enumerate(briefing.figures):
            data |= {
                f"figures-{i}-key": figure.key,
                f"figures-{i}-label": figure.label,
                f"figures-{i}-value": str(int(figure.value)),
                f"figures-{i}-unit": figure.unit,
            }
    assert post_form(editor, f"/briefings/{briefing_id}/edit", data).status_code == 302
    for locale in LOCALES:
        page = _text(_get(reader, DETAIL, locale))
        assert "<strong>262 polling stations</strong>" in page, locale


def test_publishing_and_unpublishing_show_on_the_very_next_request(cached):
    reader, editor, briefing_id = _warm_reader_and_editor(cached)
    assert post_form(editor, f"/briefings/{briefing_id}/unpublish", {}, page="/briefings/manage").status_code == 302
    for locale in LOCALES:
        assert _get(reader, DETAIL, locale).status_code == 404
        assert "atyrau-overview" not in _text(_get(reader, "/briefings/", locale))
    assert post_form(editor, f"/briefings/{briefing_id}/publish", {}, page="/briefings/manage").status_code == 302
    for locale in LOCALES:
        assert _get(reader, DETAIL, locale).status_code == 200
        assert "atyrau-overview" in _text(_get(reader, "/briefings/", locale))


def test_a_new_translation_is_on_the_very_next_request(cached):
    reader = cached.test_client()
    before = _warm(reader, (DETAIL,))
    assert "Atyrau heute" not in before[(DETAIL, "de")]
    with cached.app_context():
        translator = make_user("coordinator")
        briefing = db.session.scalar(select(Briefing))
        briefing_id, key = briefing.id, briefing.figures[0].key
    editor = _client_of(cached, translator)
    response = post_form(
        editor,
        f"/briefings/{briefing_id}/translate/de",
        {
            "title": "Atyrau heute",
            "body": "Die Region wählt in **262** Wahllokalen.",
            "figures-0-figure_id": key,
            "figures-0-label": "Wähler",
            "save_reviewed": "1",
        },
    )
    assert response.status_code == 302
    german = _text(_get(reader, DETAIL, "de"))
    assert "Atyrau heute" in german
    assert "<strong>262</strong>" in german
    french = _text(_get(reader, DETAIL, "fr"))  # drawn again: it now offers the German text too
    assert "Atyrau heute" not in french
    offered = 'class="other-languages"'
    assert offered in french
    assert 'hreflang="de">Deutsch</a>' in french.split(offered)[1]
    assert offered not in before[(DETAIL, "fr")]


def test_a_centre_edit_is_on_the_very_next_request_in_every_language(cached):
    reader = cached.test_client()
    _warm(reader, ("/",))
    with cached.app_context():
        centre = db.session.scalar(select(Centre))
        centre.hours = {"en": "Daily 8:00-20:00", "ru": "Ежедневно 8:00-20:00"}
        db.session.commit()  # as a job or the command line would: no request involved
    for locale in LOCALES:
        page = _text(_get(reader, "/", locale))
        # Kazakh readers fall back to Russian first (CONTENT_FALLBACKS)
        assert ("Ежедневно 8:00-20:00" if locale in ("ru", "kk") else "Daily 8:00-20:00") in page, locale


def test_a_signed_in_reader_never_receives_a_cached_page(cached):
    reader = cached.test_client()
    _warm(reader)
    hits = cached.wsgi_app.hits
    with cached.app_context():
        observer = make_user("observer")
    person = _client_of(cached, observer)
    for path in PUBLIC_PAGES:
        response = person.get(path, headers={"Accept-Language": "de"})
        assert "Abmelden" in _text(response)  # "Sign out": the page drawn for them
        assert response.headers["Cache-Control"] == "no-store"
    assert cached.wsgi_app.hits == hits
    stranger = cached.test_client()  # a remember-me cookie alone keeps the cache out too
    stranger.set_cookie("remember_token", "x")
    stranger.get(DETAIL, headers={"Accept-Language": "de"})
    assert cached.wsgi_app.hits == hits


def test_responses_that_set_a_cookie_or_read_unknown_parameters_are_not_stored(cached):
    client = cached.test_client()
    for _ in range(2):
        response = client.get(f"{DETAIL}?lang=kk", headers={"Accept-Language": "de"})
        assert response.headers.getlist("Set-Cookie")  # the language cookie, sent again each time
        client.delete_cookie("lang")
    for n in range(3):
        assert client.get(f"{DETAIL}?utm={n}", headers={"Accept-Language": "de"}).status_code == 200
    assert cached.wsgi_app.hits == 0
    assert len(cached.extensions["page_cache"]) == 0


def test_with_the_database_away_nothing_is_served_from_the_cache(cached, tmp_path):
    from sqlalchemy import create_engine

    client = cached.test_client()
    drawn = _text(_get(client, DETAIL, "de"))
    cache = cached.wsgi_app
    cache._engine = create_engine(f"sqlite:///{tmp_path}/no-such-folder/portal.db")  # the version cannot be read
    assert _text(_get(client, DETAIL, "de")) == drawn  # drawn by Flask (its own engine still works)
    assert cache.hits == 0
    assert cache.misses == 1


def test_the_cache_is_shared_by_workers_through_redis(make_app, redis_url):
    first, second = (make_app(PAGE_CACHE=redis_url, CONTENT_CACHE=True) for _ in range(2))  # two workers, one Redis
    with first.app_context():
        make_briefing(make_centre("atyrau"))
    drawn = _text(_get(first.test_client(), DETAIL, "de"))
    assert first.wsgi_app.misses == 1
    assert _text(_get(second.test_client(), DETAIL, "de")) == drawn
    assert second.wsgi_app.hits == 1
    with first.app_context():
        briefing = db.session.scalar(select(Briefing))
        briefing.original.title = "Atyrau: the new overview"
        db.session.commit()
    assert "Atyrau: the new overview" in _text(_get(second.test_client(), DETAIL, "de"))
    assert second.wsgi_app.hits == 1


@pytest.fixture
def content_only(make_app):
    """The page cache off, the content kept per version still on (PAGE_CACHE=off in production)."""
    return _app_with_a_briefing(make_app, "off")


def test_kept_content_serves_every_state_of_a_translation_and_follows_each_change(content_only):
    """The content cache keeps the briefing after its session is closed: every state a page can
    show is drawn from it (nothing left to load), and each change is on the next request."""
    from observer_portal.models import ReviewState, TranslationOrigin
    from observer_portal.models.briefing import BriefingTranslation

    app, reader = content_only, content_only.test_client()
    states = {
        "de": (TranslationOrigin.HUMAN, ReviewState.REVIEWED, 1, "Atyrau geprüft"),
        "fr": (TranslationOrigin.MACHINE, ReviewState.DRAFT, 1, "Aperçu automatique"),
        "ru": (TranslationOrigin.HUMAN, ReviewState.DRAFT, 1, "Обзор (черновик)"),
        "kk": (TranslationOrigin.HUMAN, ReviewState.REVIEWED, 0, "Шолу (ескі)"),  # made from an older original
    }
    assert "Atyrau geprüft" not in _text(_get(reader, DETAIL, "de"))  # kept before the translations exist
    with app.app_context():
        briefing = db.session.scalar(select(Briefing))
        for locale, (origin, state, source_version, title) in states.items():
            briefing.translations.append(
                BriefingTranslation(
                    locale=locale, title=title, body=title, origin=origin, state=state, source_version=source_version
                )
            )
        db.session.commit()
    for locale, (_origin, _state, _version, title) in states.items():
        for _ in range(2):  # drawn, then from what was kept
            page = _text(_get(reader, DETAIL, locale))
            assert f"<h1>{title}</h1>" in page, locale
    assert "<h1>Atyrau region: overview</h1>" in _text(_get(reader, DETAIL, "en"))
    with app.app_context():
        db.session.scalar(select(Briefing)).published = False
        db.session.commit()
    assert _get(reader, DETAIL, "de").status_code == 404
    assert "atyrau-overview" not in _text(_get(reader, "/briefings/", "de"))


def test_the_active_election_in_every_header_follows_each_change(content_only):
    from datetime import date

    from observer_portal.services.elections import ElectionInput, activate, create_election

    reader = content_only.test_client()
    assert "Voting day" not in _text(_get(reader, "/", "en"))
    with content_only.app_context():
        election = create_election(
            db.session, None, ElectionInput({"en": "Early presidential election"}, date(2022, 11, 20))
        )
        activate(db.session, None, election)
        db.session.commit()
    for path in PUBLIC_PAGES:
        assert "Early presidential election" in _text(_get(reader, path, "en")), path


# ---------------------------------------------------------------- the version and the store


def test_every_public_table_bumps_the_page_version_in_the_writing_transaction(app):
    """Plain SQL, no ORM event: the triggers see every writer."""
    from datetime import date

    from observer_portal.services.elections import ElectionInput, create_election

    with app.app_context():
        centre = make_centre("atyrau")
        make_briefing(centre)
        create_election(
            db.session, None, ElectionInput({"en": "Vote"}, date(2022, 11, 20))
        )  # served by every open centre
        db.session.commit()
        for table in PUBLIC_TABLES:
            before = db.session.scalar(select(PageVersion.version))
            column = "centre_id" if table == "centre_elections" else "id"
            db.session.execute(text(f'UPDATE "{table}" SET {column} = {column}'))  # noqa: S608 - our table names
            assert db.session.scalar(select(PageVersion.version)) > before, table
            db.session.rollback()
            assert db.session.scalar(select(PageVersion.version)) == before, table


def test_the_migrations_watch_exactly_the_tables_public_pages_read(app):
    from importlib.util import module_from_spec, spec_from_file_location
    from pathlib import Path

    path = Path(app.root_path).parent / "migrations" / "versions" / "0025_page_versions.py"
    spec = spec_from_file_location("page_versions_migration", path)
    migration = module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert tuple(migration.PUBLIC_TABLES) == PUBLIC_TABLES


def test_the_memory_store_is_bounded_in_entries_bytes_and_time():
    store = MemoryStore(max_entries=3, max_bytes=800, seconds=60)
    for key in "abcd":
        store.put(key, b"x" * 50)
    assert len(store) == 3
    assert store.get("a") is None
    store.get("b")  # used: kept
    store.put("e", b"x" * 50)
    assert store.get("b") is not None
    assert store.get("c") is None
    store.put("big", b"x" * 101)  # more than an eighth of the bytes: not kept
    assert store.get("big") is None
    expired = MemoryStore(max_entries=3, max_bytes=800, seconds=-1)
    expired.put("a", b"x")
    assert expired.get("a") is None
    entry = Entry([("Content-Type", "text/html; charset=utf-8")], "abc", b"<p>\n</p>")
    assert Entry.decode(entry.encode()) == entry


# ---------------------------------------------------------------- found by a hostile reader


def test_last_modified_is_the_last_change_drawn_not_the_drawing_time(cached):
    """A page drawn while a change was being committed must not look newer than the change:
    its Last-Modified is the version it was drawn from (a client sending it back after the
    change gets the page again)."""
    from email.utils import parsedate_to_datetime

    from observer_portal.http_caching import code_stamp

    client = cached.test_client()
    with cached.app_context():
        changed_at = db.session.scalar(select(PageVersion.changed_at))
    first = _get(client, DETAIL, "de")
    drawn = int(parsedate_to_datetime(first.headers["Last-Modified"]).timestamp())
    assert drawn == max(changed_at, code_stamp(cached)[1])
    assert _get(client, DETAIL, "de", **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 200
    with cached.app_context():
        db.session.scalar(select(Briefing)).original.title = "Changed"
        db.session.commit()
    later = format_datetime(datetime.now(UTC) - timedelta(seconds=1), usegmt=True)
    assert "Changed" in _text(_get(client, DETAIL, "de", **{"If-Modified-Since": later}))


def test_centres_are_in_each_readers_order_whatever_language_read_them_first(cached, make_app):
    with cached.app_context():
        make_centre("karaganda", regions={"en": "Karaganda", "ru": "Абайская область", "kk": "Абай облысы"})
        atyrau = db.session.scalar(select(Centre).where(Centre.slug == "atyrau"))
        atyrau.regions = {"en": "Atyrau", "ru": "Атырауская", "kk": "Атырау"}
        db.session.commit()
    plain = make_app()  # no caches: the order each reader must see
    kept, fresh = cached.test_client(), plain.test_client()
    order = re.compile(r'href="/centres/([a-z]+)"')
    for locale in ("kk", "en", "ru", "de", "fr", "kk"):
        assert order.findall(_text(_get(kept, "/", locale))) == order.findall(_text(_get(fresh, "/", locale))), locale
        regions = re.compile(r'<option value="(atyrau|karaganda)"')
        assert regions.findall(_text(_get(kept, "/briefings/", locale))) == regions.findall(
            _text(_get(fresh, "/briefings/", locale))
        ), locale


def test_a_closed_down_centres_briefings_leave_the_public_pages(cached, make_app):
    with cached.app_context():
        db.session.scalar(select(Centre).where(Centre.slug == "atyrau")).active = False
        db.session.commit()
    for app in (cached, make_app()):
        reader = app.test_client()
        for locale in LOCALES:
            listing = _get(reader, "/briefings/", locale)
            assert listing.status_code == 200
            assert "atyrau-overview" not in _text(listing)
            assert _get(reader, DETAIL, locale).status_code == 404


def test_a_browser_that_prefers_a_regional_german_gets_german(client):
    page = client.get("/", headers={"Accept-Language": "de-DE;q=0.9,en;q=0.8"})
    assert '<html lang="de"' in _text(page)
    assert '<html lang="kk"' in _text(client.get("/", headers={"Accept-Language": "kk-KZ, ru;q=0.5"}))


def test_signing_out_keeps_the_language_the_person_was_reading_in(app, login_as):
    client, _ = login_as("observer", preferred_locale="de")
    page = client.get("/account")
    assert '<html lang="de"' in _text(page)
    response = post_form(client, "/logout", {}, page="/account")
    assert response.status_code == 302
    assert any(c.startswith("lang=de;") for c in response.headers.getlist("Set-Cookie"))
    assert '<html lang="de"' in _text(client.get("/", headers={"Accept-Language": "en"}))


def test_a_page_refusing_its_filters_is_not_shared(app, client):
    response = client.get("/briefings/?centre=%3Cscript%3E&topic=x", headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert "public" not in response.headers.get("Cache-Control", "")
    assert "ETag" not in response.headers
