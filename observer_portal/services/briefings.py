"""Briefings: publishing, editing with history, translations and their review states."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from observer_portal import policies
from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.models import (
    Briefing,
    BriefingTopic,
    BriefingTranslation,
    BriefingVersion,
    Centre,
    ReviewState,
    TranslationOrigin,
    TranslationWish,
    User,
)
from observer_portal.models.base import utcnow
from observer_portal.paging import Keyset
from observer_portal.services import ServiceError
from observer_portal.services.audit import record
from observer_portal.services.briefing_figures import FigureInput, apply_figures, labels_kept
from observer_portal.services.briefing_versions import rebase_translations, snapshot
from observer_portal.services.machine_translation import MachineTranslator
from observer_portal.services.markdown_text import translate_markdown
from observer_portal.services.translation_memory import remember, translate_cached

# States a reader or a reviewer sees for one locale of one briefing.
ORIGINAL, REVIEWED, MACHINE_DRAFT, HUMAN_DRAFT, OUTDATED, MISSING = (
    "original",
    "reviewed",
    "machine_draft",
    "human_draft",
    "outdated",
    "missing",
)


@dataclass
class BriefingInput:
    slug: str
    topic: BriefingTopic
    title: str
    body: str
    original_locale: str
    figures: list[FigureInput] = field(default_factory=list)


def _with_content():
    return (selectinload(Briefing.translations), selectinload(Briefing.figures))


def translation_state(briefing: Briefing, locale: str) -> str:
    if locale == briefing.original_locale:
        return ORIGINAL
    translation = briefing.translation(locale)
    if translation is None:
        return MISSING
    if translation.is_outdated:
        return OUTDATED
    if translation.state == ReviewState.REVIEWED:
        return REVIEWED
    return MACHINE_DRAFT if translation.origin == TranslationOrigin.MACHINE else HUMAN_DRAFT


def text_for(briefing: Briefing, locale: str, chain: tuple[str, ...] = ()) -> BriefingTranslation:
    """The text to show a reader of `locale`: theirs when there is one (a draft says so);
    else the first language of their fallback `chain` whose text a person has reviewed and
    that is up to date (or the original); else the original, which is authoritative."""
    own = briefing.translation(locale)
    if own is not None:
        return own
    for code in chain:
        if translation_state(briefing, code) in (ORIGINAL, REVIEWED):
            return briefing.translation(code) or briefing.original
    return briefing.original


def other_languages(briefing: Briefing, shown: str, reader: str) -> list[str]:
    """The languages the briefing can also be read in (the original and every translation),
    but the one shown and the reader's own, in the portal's order of languages."""
    available = {text.locale for text in briefing.translations}  # the original is one of them
    return [code for code in LOCALES if code in available and code not in (shown, reader)]


# ---------------------------------------------------------------- reading


NEWEST_FIRST = Keyset((Briefing.id,), descending=True)


def published_briefings(
    session: Session, *, centre_slug: str | None, topic: BriefingTopic | None, before_id: int | None, size: int
) -> tuple[list[Briefing], int | None]:
    """Published briefings, newest first, keyset-paginated, with their texts (3 queries)."""
    stmt = (
        select(Briefing)
        .join(Centre, Briefing.centre_id == Centre.id)
        .where(Briefing.published.is_(True), Centre.active.is_(True))  # a closed-down centre's are gone too
        .options(selectinload(Briefing.translations))
    )
    if centre_slug:
        stmt = stmt.where(Centre.slug == centre_slug)
    if topic:
        stmt = stmt.where(Briefing.topic == topic)
    items, next_cursor = NEWEST_FIRST.page(session, stmt, before_id, size)
    for briefing in items:
        _link_back(briefing, figures=False)
    return items, next_cursor


def find_briefing(session: Session, centre_slug: str, slug: str) -> Briefing | None:
    """One briefing with its centre, texts and figures: three queries whatever their number.
    Everything a page reads is loaded (the texts' and figures' way back to the briefing
    included): the public content cache keeps it after its session is closed."""
    briefing = session.scalar(
        select(Briefing)
        .join(Centre, Briefing.centre_id == Centre.id)
        .where(Centre.slug == centre_slug, Briefing.slug == slug)
        .options(*_with_content())
    )
    if briefing is not None:
        _link_back(briefing)
    return briefing


def _link_back(briefing: Briefing, *, figures: bool = True) -> None:
    for child in (*briefing.translations, *(briefing.figures if figures else ())):
        set_committed_value(child, "briefing", briefing)


def get_briefing(session: Session, briefing_id: int) -> Briefing | None:
    return session.scalar(select(Briefing).where(Briefing.id == briefing_id).options(*_with_content()))


def centre_briefings(
    session: Session, centre_id: int | None, *, before_id: int | None = None, size: int = 25
) -> tuple[list[Briefing], int | None]:
    """A page of a centre's briefings (all centres for None), drafts included, for staff:
    newest first, keyset-paginated, with their texts and figures (three queries a page)."""
    stmt = select(Briefing).options(*_with_content())
    if centre_id is not None:
        stmt = stmt.where(Briefing.centre_id == centre_id)
    return NEWEST_FIRST.page(session, stmt, before_id, size)


def wish_counts(session: Session, briefing_ids: list[int]) -> dict[tuple[int, str], int]:
    if not briefing_ids:
        return {}
    rows = session.execute(
        select(TranslationWish.briefing_id, TranslationWish.locale, func.count())
        .where(TranslationWish.briefing_id.in_(briefing_ids))
        .group_by(TranslationWish.briefing_id, TranslationWish.locale)
    )
    return {(briefing_id, locale): count for briefing_id, locale, count in rows}


# ---------------------------------------------------------------- writing


def _check_input(session: Session, centre_id: int, data: BriefingInput, briefing_id: int | None = None) -> None:
    if data.original_locale not in LOCALES:
        raise ServiceError(_l("Choose a language from the list."), field="original_locale")
    clash = select(Briefing.id).where(Briefing.centre_id == centre_id, Briefing.slug == data.slug)
    if briefing_id is not None:
        clash = clash.where(Briefing.id != briefing_id)
    if session.scalar(clash):
        raise ServiceError(_l("Another briefing of this centre already uses this address."), field="slug")


def create_briefing(session: Session, actor: User | None, centre_id: int, data: BriefingInput) -> Briefing:
    _check_input(session, centre_id, data)
    briefing = Briefing(
        centre_id=centre_id,
        slug=data.slug,
        topic=data.topic,
        original_locale=data.original_locale,
        version=1,
        created_by_id=actor.id if actor else None,
        figures=[],
        translations=[],
    )
    apply_figures(briefing, data.figures)
    original = BriefingTranslation(
        locale=data.original_locale,
        title=data.title.strip(),
        body=one_newline(data.body),
        origin=TranslationOrigin.ORIGINAL,
        state=ReviewState.REVIEWED,
        source_version=1,
        updated_by_id=actor.id if actor else None,
    )
    briefing.translations.append(original)
    session.add(briefing)
    session.flush()
    snapshot(session, actor, briefing, original)
    record(session, actor, "briefing.created", briefing)
    return briefing


def update_briefing(session: Session, actor: User, briefing: Briefing, data: BriefingInput) -> bool:
    """Save the original; returns True when the text or figures changed (a new version)."""
    if data.original_locale != briefing.original_locale:
        raise ServiceError(_l("The original language of a briefing cannot change."), field="original_locale")
    _check_input(session, briefing.centre_id, data, briefing.id)
    original = briefing.original
    briefing.slug, briefing.topic = data.slug, data.topic
    changed = apply_figures(briefing, data.figures)
    body = one_newline(data.body)
    if (original.title, original.body) != (data.title.strip(), body):
        original.title, original.body = data.title.strip(), body
        changed = True
    if changed:
        briefing.version += 1
        original.source_version = briefing.version
        original.updated_by_id = actor.id
        session.flush()
        snapshot(session, actor, briefing, original)
        rebase_translations(session, briefing, original)
    record(session, actor, "briefing.updated", briefing, version=briefing.version)
    return changed


def one_newline(text: str) -> str:
    """Browsers send CRLF from a textarea: an unchanged text saved again is the same text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def set_published(session: Session, actor: User, briefing: Briefing, published: bool) -> None:
    if briefing.published != published:
        briefing.published = published
        record(session, actor, "briefing.published" if published else "briefing.unpublished", briefing)


def save_translation(
    session: Session,
    actor: User,
    briefing: Briefing,
    locale: str,
    *,
    title: str,
    body: str,
    figure_labels: dict[str, dict[str, str]],
    reviewed: bool,
) -> BriefingTranslation:
    """A person's translation: stored as human work, marked reviewed when they say so."""
    body = one_newline(body)
    if not policies.can_translate_briefing(actor, briefing, locale):
        raise ServiceError(_l("You cannot translate this briefing into that language."))
    translation = briefing.translation(locale)
    labels = labels_kept(briefing, translation, figure_labels)
    if translation is None:
        translation = BriefingTranslation(locale=locale, origin=TranslationOrigin.HUMAN, title="", body="")
        briefing.translations.append(translation)
    translation.title, translation.body, translation.figure_labels = title.strip(), body, labels
    translation.origin = TranslationOrigin.HUMAN
    translation.source_version = briefing.version
    translation.updated_by_id = actor.id
    if reviewed:
        translation.state = ReviewState.REVIEWED
        translation.reviewed_by_id, translation.reviewed_at = actor.id, utcnow()
    else:
        translation.state = ReviewState.DRAFT
    session.flush()
    snapshot(session, actor, briefing, translation)
    if reviewed:
        original = briefing.original
        remember(session, original.body, body, briefing.original_locale, locale, TranslationOrigin.HUMAN)
    record(session, actor, "briefing.translation_saved", briefing, locale=locale, reviewed=reviewed)
    return translation


def machine_draft(
    session: Session, actor: User, briefing: Briefing, locale: str, translator: MachineTranslator
) -> BriefingTranslation:
    """Make (or refresh) a machine draft. Raises MachineTranslationError and writes nothing on failure."""
    if not policies.can_translate_briefing(actor, briefing, locale):
        raise ServiceError(_l("You cannot translate this briefing into that language."))
    existing = briefing.translation(locale)
    if existing is not None and existing.state == ReviewState.REVIEWED and not existing.is_outdated:
        raise ServiceError(
            _l("This translation has been reviewed. Edit it instead of replacing it with a machine draft.")
        )
    original, source = briefing.original, briefing.original_locale

    def line(text: str) -> str:
        return translate_cached(session, translator, text, source, locale)

    # Everything is translated before anything is written: a failure half-way loses nothing.
    title = line(original.title)
    body = translate_markdown(original.body, line)
    labels = labels_kept(
        briefing,
        existing,
        {
            figure.key: {"label": line(figure.label), "unit": line(figure.unit) if figure.unit else ""}
            for figure in briefing.figures
        },
    )
    if existing is None:
        existing = BriefingTranslation(locale=locale, title="", body="", origin=TranslationOrigin.MACHINE)
        briefing.translations.append(existing)
    existing.title, existing.body, existing.figure_labels = title, body, labels
    existing.origin, existing.state = TranslationOrigin.MACHINE, ReviewState.DRAFT
    existing.source_version = briefing.version
    existing.updated_by_id = actor.id
    existing.reviewed_by_id, existing.reviewed_at = None, None
    session.flush()
    snapshot(session, actor, briefing, existing)
    record(session, actor, "briefing.machine_draft", briefing, locale=locale, provider=translator.provider)
    return existing


def record_wish(session: Session, user: User, briefing: Briefing, locale: str) -> bool:
    """Remember that `user` wants this briefing in `locale`; False if they had asked already."""
    if locale not in LOCALES or translation_state(briefing, locale) not in (MISSING, OUTDATED):
        raise ServiceError(_l("This briefing is already available in that language."))
    exists = session.scalar(
        select(TranslationWish.id).where(
            TranslationWish.briefing_id == briefing.id,
            TranslationWish.locale == locale,
            TranslationWish.requested_by_id == user.id,
        )
    )
    if exists:
        return False
    session.add(TranslationWish(briefing_id=briefing.id, locale=locale, requested_by_id=user.id))
    return True


def restore_version(session: Session, actor: User, briefing: Briefing, version_id: int) -> None:
    version = session.get(BriefingVersion, version_id)
    if version is None or version.briefing_id != briefing.id:
        raise ServiceError(_l("That version does not exist."))
    if version.locale == briefing.original_locale:
        figures = [
            FigureInput(f["label"], Decimal(f["value"]), f.get("unit", ""), str(f.get("id", "")))
            for f in version.figures
        ]
        data = BriefingInput(
            slug=briefing.slug,
            topic=briefing.topic,
            title=version.title,
            body=version.body,
            original_locale=briefing.original_locale,
            figures=figures,
        )
        update_briefing(session, actor, briefing, data)
    else:
        labels = {str(f["id"]): {k: v for k, v in f.items() if k != "id"} for f in version.figures}
        restored = save_translation(
            session,
            actor,
            briefing,
            version.locale,
            title=version.title,
            body=version.body,
            figure_labels=labels,
            reviewed=False,
        )
        # the restored words were made from the original as it was then: outdated unless it is so again
        restored.source_version = version.source_version
        rebase_translations(session, briefing, briefing.original)
    record(session, actor, "briefing.restored", briefing, locale=version.locale, version_id=version.id)
