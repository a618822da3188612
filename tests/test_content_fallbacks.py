"""Content in a language the reader reads (issue 18): a briefing not yet in the reader's
language is shown in the first language of their fallback chain that a person has reviewed
(kk → ru → en, de and fr → en; CONTENT_FALLBACKS), with a notice naming the language shown,
links to every language it exists in, and the request for their own one click away."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from observer_portal.config import ConfigError, _content_fallbacks
from observer_portal.extensions import db
from observer_portal.models import Centre, User
from observer_portal.services.briefings import save_translation
from tests.briefing_helpers import make_briefing
from tests.helpers import make_centre, make_user

PAGE = "/briefings/atyrau/atyrau-overview"


def translate(briefing, locale: str, title: str, *, reviewed: bool = True) -> None:
    coordinator = db.session.scalar(select(User).where(User.role == "coordinator")) or make_user("coordinator")
    save_translation(
        db.session, coordinator, briefing, locale, title=title, body=f"{title}.", figure_labels={}, reviewed=reviewed
    )
    db.session.commit()


@pytest.fixture
def briefing(app):
    """An English briefing with a reviewed Russian translation."""
    with app.app_context():
        found = make_briefing(make_centre("atyrau"))
        translate(found, "ru", "Обзор региона")
        return found.id


def test_a_kazakh_reader_gets_the_reviewed_russian_text_named_with_links_and_the_request(app, client, briefing):
    html = client.get(f"{PAGE}?lang=kk").get_data(as_text=True)
    assert "<h1>Обзор региона</h1>" in html
    assert '<article class="briefing" lang="ru">' in html  # read aloud as Russian
    assert "Бұл анықтама әзірге мына тілде жоқ: қазақ тілі. Ол мына тілде көрсетілген: орыс тілі." in html
    assert f'href="{PAGE}?lang=en" lang="en" hreflang="en">English</a>' in html  # the original, one click
    assert "?lang=ru" not in html.split('class="other-languages"')[1].split("</nav>")[0]  # the one shown
    assert "/login?next=" in html  # signed in, one click asks for Kazakh (briefings/_wish.html)


def test_an_unreviewed_text_is_skipped_in_the_chain_and_the_original_is_shown(app, client):
    with app.app_context():
        found = make_briefing(make_centre("atyrau"))
        translate(found, "ru", "Машинный обзор", reviewed=False)
    html = client.get(f"{PAGE}?lang=kk").get_data(as_text=True)
    assert "<h1>Atyrau region: overview</h1>" in html
    assert "Ол мына тілде көрсетілген: ағылшын тілі." in html
    assert 'lang="ru" hreflang="ru">Русский</a>' in html  # still offered, as one of the languages it exists in


def test_a_reader_with_their_own_text_gets_it_and_a_german_reader_falls_back_to_english(app, client, briefing):
    assert "<h1>Обзор региона</h1>" in client.get(f"{PAGE}?lang=ru").get_data(as_text=True)
    german = client.get(f"{PAGE}?lang=de").get_data(as_text=True)
    assert "<h1>Atyrau region: overview</h1>" in german
    assert "Es wird auf Englisch angezeigt." in german


def test_the_chain_is_a_setting(app, make_app, briefing):
    russian_first = make_app(CONTENT_FALLBACKS=_content_fallbacks("de:ru,en")).test_client()
    assert "<h1>Обзор региона</h1>" in russian_first.get(f"{PAGE}?lang=de").get_data(as_text=True)
    for wrong in ("kk:xx", "kk", "kk:kk", "kk:ru,ru"):
        with pytest.raises(ConfigError):
            _content_fallbacks(wrong)
    assert _content_fallbacks("kk:ru,en; de:en") == {"kk": ("ru", "en"), "de": ("en",)}


def test_names_of_places_follow_the_chain_too(app):
    """A centre named in Russian and English only reads in Russian to a Kazakh reader."""
    with app.app_context():
        centre = make_centre("aktau")
        centre.names = {"en": "Aktau Centre", "ru": "Центр Актау"}
        centre.language = "en"
        db.session.commit()
        with app.test_request_context("/?lang=kk"):
            from flask_babel import force_locale

            with force_locale("kk"):
                assert db.session.get(Centre, centre.id).name == "Центр Актау"
