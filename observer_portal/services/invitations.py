"""Invitations: an imported observer or journalist gets an e-mail, in their language, with a
link that lets them set a password and have an account bound to their profile — with every
visit and request the centre already registered for them.

The link is signed (itsdangerous, with the app's secret key and its own salt) and carries
the invitation's id and a random secret; only the secret's SHA-256 is stored. The secret is
made by the job that sends the e-mail, so it never passes through the queue; sending again
makes a new one (the older link stops working). A link works once, until it expires
(INVITATION_DAYS), and only for the profile it was made for. A typed accreditation number
never gives anyone a profile: only the e-mail the Commission's list gave receives a link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from observer_portal.i18n import LOCALES
from observer_portal.lazy_text import _l
from observer_portal.models import Invitation, Role, User, VisitorKind, VisitorProfile
from observer_portal.models.base import utcnow
from observer_portal.security import hash_password
from observer_portal.services import ServiceError
from observer_portal.services.audit import record

SALT = "observer-portal-invitation"
CHUNK = 900


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _days() -> int:
    return int(current_app.config.get("INVITATION_DAYS", 14))


def invitable(actor_centre_id: int | None):
    """Conditions on VisitorProfile: imported or registered at the centre (every centre for
    None), with an e-mail address, no account, not erased."""
    conditions = [
        VisitorProfile.user_id.is_(None),
        VisitorProfile.contact_email != "",
        VisitorProfile.full_name != "",
        VisitorProfile.centre_id.is_not(None),
    ]
    if actor_centre_id is not None:
        conditions.append(VisitorProfile.centre_id == actor_centre_id)
    return conditions


def can_send() -> bool:
    """Invitations need e-mail: an SMTP server, or the console of a development run."""
    return bool(current_app.config.get("MAIL_SERVER")) or current_app.config.get("MAIL_BACKEND") == "console"


def revoke(session: Session, visitor_id: int) -> None:
    """Unused links of this person stop working (a newer one, or a corrected address)."""
    session.execute(
        update(Invitation)
        .where(Invitation.visitor_id == visitor_id, Invitation.used_at.is_(None), Invitation.expires_at > utcnow())
        .values(expires_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def _languages(session: Session, visitor_ids: list[int]) -> dict[int, str]:
    """Each person's e-mail language: the first portal language on their list (in the list's
    order), else their centre's own language, else English."""
    from observer_portal.models import Centre, VisitorLanguage

    chosen: dict[int, str] = {}
    spoken = select(VisitorLanguage.visitor_id, VisitorLanguage.language).where(
        VisitorLanguage.visitor_id.in_(visitor_ids), VisitorLanguage.language.in_(list(LOCALES))
    )
    for visitor_id, code in session.execute(spoken.order_by(VisitorLanguage.id)):
        chosen.setdefault(visitor_id, code)
    centres = select(VisitorProfile.id, Centre.language).join(Centre, Centre.id == VisitorProfile.centre_id)
    for visitor_id, code in session.execute(centres.where(VisitorProfile.id.in_(visitor_ids))):
        chosen.setdefault(visitor_id, code)
    return chosen


def invite(session: Session, actor: User | None, visitor_ids: list[int]) -> list[int]:
    """New invitations, a few statements per 900 people (earlier unused ones stop working);
    the ids to send, after commit."""
    now, created = utcnow(), []
    for start in range(0, len(visitor_ids), CHUNK):
        chunk = visitor_ids[start : start + CHUNK]
        session.execute(
            update(Invitation)
            .where(Invitation.visitor_id.in_(chunk), Invitation.used_at.is_(None), Invitation.expires_at > now)
            .values(expires_at=now),
            execution_options={"synchronize_session": False},
        )
        languages = _languages(session, chunk)
        addresses = session.execute(
            select(VisitorProfile.id, VisitorProfile.contact_email).where(VisitorProfile.id.in_(chunk))
        )
        rows = [
            {
                "visitor_id": visitor_id,
                "email": address,
                "locale": languages.get(visitor_id, "en"),
                "secret_hash": _digest(secrets.token_urlsafe(32)),  # replaced by the sending job's secret
                "created_by_id": actor.id if actor else None,
                "created_at": now,
                "expires_at": now + timedelta(days=_days()),
            }
            for visitor_id, address in addresses
        ]
        if rows:
            created += session.scalars(
                insert(Invitation).returning(Invitation.id, sort_by_parameter_order=True), rows
            ).all()
    if created:
        record(session, actor, "invitation.sent", None, people=len(created))
    return list(created)


def invite_selected(session: Session, actor: User, centre_id: int | None, visitor_ids: list[int]) -> list[int]:
    chosen = select(VisitorProfile.id).where(VisitorProfile.id.in_(visitor_ids[:CHUNK]), *invitable(centre_id))
    return invite(session, actor, list(session.scalars(chosen)))


#: people invited by one press of "everyone": the page answers well within a proxy's timeout
EVERYONE_BATCH = 2000


def invite_everyone_waiting(session: Session, actor: User, centre_id: int | None) -> tuple[list[int], int]:
    """The next EVERYONE_BATCH people of the centre who can be invited and never were; and
    how many remain after them."""
    never = ~select(Invitation.id).where(Invitation.visitor_id == VisitorProfile.id).exists()
    waiting = list(
        session.scalars(select(VisitorProfile.id).where(*invitable(centre_id), never).order_by(VisitorProfile.id))
    )
    return invite(session, actor, waiting[:EVERYONE_BATCH]), max(0, len(waiting) - EVERYONE_BATCH)


def imported_profile(session: Session, email: str) -> VisitorProfile | None:
    """The imported person (no account yet) whose list gave this e-mail address."""
    from observer_portal.services.accounts import normalise_email

    return session.scalar(
        select(VisitorProfile).where(*invitable(None), VisitorProfile.contact_email == normalise_email(email)).limit(1)
    )


def sign_up_or_invite(session: Session, data) -> User | list[int]:
    """Sign-up as it was, unless the address is an imported person's: then that person gets
    an invitation at that address (the ids to send), and no second profile is made."""
    from observer_portal.services.accounts import email_taken, sign_up

    profile = None if email_taken(session, data.email) else imported_profile(session, data.email)
    if profile is None:
        return sign_up(session, data)
    pending = select(Invitation.id).where(
        Invitation.visitor_id == profile.id, Invitation.used_at.is_(None), Invitation.expires_at > utcnow()
    )
    if session.scalar(pending.limit(1)) is not None:
        return []  # a link is on its way already: a stranger's sign-up must not replace it
    return invite(session, None, [profile.id])


def link_for(session: Session, invitation_id: int) -> tuple[Invitation, str] | None:
    """A fresh secret for this invitation (its hash stored) and the signed token of its link;
    None when it is used or expired. Called by the job that sends it."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        return None
    secret = secrets.token_urlsafe(32)
    invitation.secret_hash = _digest(secret)
    return invitation, _serializer().dumps({"i": invitation.id, "s": secret})


def _refused() -> ServiceError:
    return ServiceError(
        _l(
            "This link is not valid any more: it was used already, replaced by a newer one, or it expired. Ask the centre to invite you again."
        )
    )


def open_invitation(session: Session, token: str) -> Invitation:
    """The invitation behind a link, or ServiceError: forged, altered, reused or expired."""
    try:
        payload = _serializer().loads(token, max_age=_days() * 86400)
        invitation_id, secret = int(payload["i"]), str(payload["s"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise _refused() from None
    invitation = session.get(Invitation, invitation_id)
    if (
        invitation is None
        or not hmac.compare_digest(invitation.secret_hash, _digest(secret))
        or invitation.used_at is not None
        or invitation.expires_at <= utcnow()
        or invitation.visitor.user_id is not None
        or not invitation.visitor.full_name
    ):
        raise _refused()
    return invitation


def accept(session: Session, token: str, password: str) -> User:
    """The account, bound to the invited profile; the link is used up."""
    from observer_portal.services.accounts import _check_password, email_taken

    invitation = open_invitation(session, token)
    # the link is used up first, conditionally: two tabs submitting at once make one account
    claimed = session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.used_at.is_(None)).values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not claimed:
        raise _refused()
    if email_taken(session, invitation.email):
        raise ServiceError(_l("An account with this e-mail address already exists. Sign in instead."))
    _check_password(password, invitation.email)
    profile = invitation.visitor
    user = User(
        email=invitation.email,
        display_name=profile.full_name,
        role=Role.OBSERVER if profile.kind == VisitorKind.OBSERVER else Role.MEDIA,
        centre_id=profile.centre_id,
        password_hash=hash_password(password),
        preferred_locale=invitation.locale,
        password_changed_at=utcnow(),
    )
    session.add(user)
    profile.user = user
    session.flush()
    record(session, user, "invitation.accepted", user)
    return user


def send(session: Session, invitation_id: int) -> bool:
    """The job: a new secret, then the e-mail in the invitee's language (raises when the mail
    server refuses: the queue retries)."""
    from flask_mailman import EmailMessage

    from observer_portal.urls import absolute_url

    made = link_for(session, invitation_id)
    if made is None:
        return False
    invitation, token = made
    session.commit()
    centre = invitation.visitor.centre
    with force_locale(invitation.locale):
        subject = str(_l("Your account at the Observer Portal"))
        body = str(
            _l(
                "Hello %(name)s,\n\nyou are on the list of accredited observers and journalists of the %(centre)s. "
                "Open this link to set a password; your account will show the visits and requests the centre "
                "registered for you:\n\n%(link)s\n\nThe link works once and for %(days)s days. If you did not "
                "expect this e-mail, ignore it.",
                name=invitation.visitor.full_name,
                centre=centre.name if centre else "",
                link=absolute_url("auth.accept_invitation", token=token),
                days=_days(),
            )
        )
    EmailMessage(subject=subject, body=body, to=[invitation.email]).send()
    return True


@dataclass(frozen=True)
class Invitee:
    profile: VisitorProfile
    last: Invitation | None  # the newest invitation, if any


def invitees_page(session: Session, centre_id: int | None, after: tuple[str, int] | None, size: int):
    """The people a coordinator can invite, alphabetically (keyset), each with their newest
    invitation (one query for the page's invitations)."""
    from observer_portal.services.visitor_registry import ALPHABETICAL

    stmt = ALPHABETICAL.window(select(VisitorProfile).where(*invitable(centre_id)), after, size)
    rows, cursor = ALPHABETICAL.split(list(session.scalars(stmt)), size, lambda p: (p.full_name, p.id))
    newest: dict[int, Invitation] = {}
    chosen = select(Invitation).where(Invitation.visitor_id.in_([p.id for p in rows])).order_by(Invitation.id)
    for invitation in session.scalars(chosen):
        newest[invitation.visitor_id] = invitation
    return [Invitee(profile, newest.get(profile.id)) for profile in rows], cursor
