"""A visitor's badge: a code the portal signed, printed as a QR code and as digits.

A USB scanner at the desk types the code into the search field and presses Enter: the
search finds exactly that visitor, already chosen, and one submit registers the visit.
The code is digits only (scanners type through the desk's keyboard layout, and letters
come out differently on a Russian or Kazakh layout): "77", the visitor's number in eight
digits, and ten digits of an HMAC-SHA256 with the portal's secret key — nobody makes a
badge for someone else by changing the number, and a badge shows no name to whoever
photographs it. Holding a badge counts as holding the card: it opens a visitor registered
by another centre, as a card number typed at the desk does.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import segno
from flask import current_app
from markupsafe import Markup

PREFIX = "77"
BADGE = re.compile(rf"^{PREFIX}(\d{{8}})(\d{{10}})$")


def _signature(visitor_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"visitor-badge:{visitor_id}".encode(), hashlib.sha256).digest()
    return str(int.from_bytes(digest[:8], "big") % 10**10).zfill(10)


def badge_code(visitor_id: int) -> str:
    return f"{PREFIX}{visitor_id:08d}{_signature(visitor_id)}"


def visitor_of(code: str) -> int | None:
    """The visitor a typed or scanned code is the badge of; None for anything else."""
    match = BADGE.match("".join(code.split()))
    if match is None:
        return None
    visitor_id = int(match.group(1))
    return visitor_id if hmac.compare_digest(match.group(2), _signature(visitor_id)) else None


def badge_svg(code: str) -> Markup:
    """The code as an inline SVG QR code (no file, no network), with its digits as its title."""
    qr = segno.make(code, micro=False, error="m")
    svg = qr.svg_inline(scale=6, border=2, dark="#000", light="#fff", title=code, svgclass="badge-qr")
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's SVG of our own digits
