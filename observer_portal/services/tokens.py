"""Personal access tokens: created with a name, scopes and an expiry and shown once, kept
as their SHA-256, listed with their last use, revoked by their owner; `authenticate` turns
the token of an `Authorization: Bearer` header into its token row (or None)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from observer_portal.lazy_text import _l
from observer_portal.models import PersonalToken, Role, TokenScope, User
from observer_portal.models.base import utcnow
from observer_portal.services import ServiceError
from observer_portal.services.audit import record

PREFIX = "opt_"  # "observer portal token": secret scanners and people can tell what it is
EXPIRY_DAYS = (7, 30, 90, 365)
MAX_ACTIVE = 20  # per person
MAX_NAME = 80
LAST_USE_PRECISION = timedelta(minutes=1)  # a busy client does not write on every request

#: The scopes each role may give a token (a token never does more than its owner's pages).
SCOPES_BY_ROLE: dict[Role, tuple[TokenScope, ...]] = {
    Role.OBSERVER: (TokenScope.READ, TokenScope.REQUESTS),
    Role.MEDIA: (TokenScope.READ, TokenScope.REQUESTS),
    Role.VOLUNTEER: (TokenScope.READ, TokenScope.VOLUNTEER),
    Role.COORDINATOR: (TokenScope.READ, TokenScope.VOLUNTEER, TokenScope.COORDINATOR),
    Role.ADMIN: (TokenScope.READ, TokenScope.VOLUNTEER, TokenScope.COORDINATOR),
}


@dataclass(frozen=True)
class NewToken:
    token: PersonalToken
    secret: str  # shown once, never stored


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(session: Session, owner: User, name: str, scopes: list[str], days: int) -> NewToken:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ServiceError(_l("Give the token a name of at most %(n)s characters.", n=MAX_NAME), field="name")
    allowed = {scope.value for scope in SCOPES_BY_ROLE[owner.role]}
    if not scopes or not set(scopes) <= allowed:
        raise ServiceError(_l("Choose at least one of the permissions offered."), field="scopes")
    if days not in EXPIRY_DAYS:
        raise ServiceError(_l("Choose one of the periods offered."), field="days")
    active = session.scalar(
        select(func.count())
        .select_from(PersonalToken)
        .where(
            PersonalToken.user_id == owner.id,
            PersonalToken.revoked_at.is_(None),
            PersonalToken.expires_at > utcnow(),
        )
    )
    if active >= MAX_ACTIVE:
        raise ServiceError(_l("You have %(n)s tokens in use: revoke one first.", n=MAX_ACTIVE))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = PersonalToken(
        user_id=owner.id,
        name=name,
        digest=digest_of(secret),
        hint=secret[: len(PREFIX) + 4],
        scopes=[scope.value for scope in TokenScope if scope.value in scopes],
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    record(session, owner, "token.created", None, name=name, scopes=token.scopes, days=days)
    return NewToken(token, secret)


def tokens_of(session: Session, owner: User) -> list[PersonalToken]:
    return list(
        session.scalars(
            select(PersonalToken).where(PersonalToken.user_id == owner.id).order_by(PersonalToken.id.desc())
        )
    )


def revoke_token(session: Session, owner: User, token_id: int) -> PersonalToken:
    token = session.get(PersonalToken, token_id)
    if token is None or token.user_id != owner.id:
        raise ServiceError(_l("This token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(session, owner, "token.revoked", None, name=token.name)
    return token


def authenticate(session: Session, secret: str) -> PersonalToken | None:
    """The live token `secret` is, with its owner (None: unknown, expired, revoked, or its
    owner's account closed). Its last use is written at most once a minute."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = session.scalar(select(PersonalToken).where(PersonalToken.digest == digest_of(secret)))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        session.execute(update(PersonalToken).where(PersonalToken.id == token.id).values(last_used_at=now))
    return token
