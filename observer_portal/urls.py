"""Absolute links (e-mails, calendar feeds) built from the configured PORTAL_BASE_URL.

`url_for(..., _external=True)` takes the host from the request, so a client that
sends `Host: evil.example` would put its own address into a volunteer's e-mail; and
outside a request it fails without SERVER_NAME. Here the address is configuration
only, and the same call works in a view, a CLI command or a job.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full address of `endpoint` as people reach the portal."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
