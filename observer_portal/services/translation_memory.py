"""Translation memory: a text is sent to a machine translation service at most once
per language pair; afterwards the stored result is reused."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from observer_portal.models import TranslationMemory, TranslationOrigin
from observer_portal.services.machine_translation import MachineTranslator


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lookup(session: Session, text: str, source: str, target: str) -> str | None:
    return session.scalar(
        select(TranslationMemory.target_text).where(
            TranslationMemory.source_lang == source,
            TranslationMemory.target_lang == target,
            TranslationMemory.source_hash == text_hash(text),
        )
    )


def remember(
    session: Session,
    text: str,
    translated: str,
    source: str,
    target: str,
    origin: TranslationOrigin,
    provider: str = "",
) -> None:
    """Store a translation; a human translation replaces a machine one for the same text."""
    key = (
        TranslationMemory.source_lang == source,
        TranslationMemory.target_lang == target,
        TranslationMemory.source_hash == text_hash(text),
    )
    existing = session.scalar(select(TranslationMemory).where(*key))
    if existing is not None:
        if origin == TranslationOrigin.HUMAN or existing.origin != TranslationOrigin.HUMAN:
            existing.target_text, existing.origin, existing.provider = translated, origin, provider
        return
    entry = TranslationMemory(
        source_lang=source,
        target_lang=target,
        source_hash=text_hash(text),
        source_text=text,
        target_text=translated,
        origin=origin,
        provider=provider,
    )
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:  # someone stored the same text meanwhile: theirs is as good
        pass


def translate_cached(session: Session, translator: MachineTranslator, text: str, source: str, target: str) -> str:
    """The memory's answer if there is one, else the machine's (which is then remembered)."""
    cached = lookup(session, text, source, target)
    if cached is not None:
        return cached
    translated = translator.translate(text, source, target)
    remember(session, text, translated, source, target, TranslationOrigin.MACHINE, translator.provider)
    return translated
