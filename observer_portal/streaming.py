"""Streamed downloads that fail half-way must not look like a finished file.

Once the first chunk is out, the status line (200) and the headers are gone: an error
page is no longer possible, and a server that simply stopped would leave a short file
that opens like a complete one. So a failure mid-stream

1. is logged here, with the traceback and the download's name (WSGI servers log it too,
   but without saying which export it was);
2. writes one last line saying that the file is incomplete, for whoever opens a file
   that some client or proxy saved anyway (curl, a proxy that ignores the abort);
3. is raised again, so the server drops the connection without the final empty chunk
   of `Transfer-Encoding: chunked` (gunicorn and Werkzeug both do so). That is what
   a person notices: browsers mark the download "Failed" instead of saving it as
   done. It needs HTTP/1.1 on every hop - see `proxy_http_version` in the nginx
   sample: over HTTP/1.0 the closed connection would mark a normal end of file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

log = logging.getLogger("observer_portal.streaming")


def fail_visibly(chunks: Iterable[str], *, name: str, failure_line: str) -> Iterator[str]:
    """Yield `chunks`; on an error, log it, yield `failure_line`, then raise it again."""
    try:
        yield from chunks
    except Exception as error:  # GeneratorExit (the client went away) is not an Exception
        log.exception("The download %s failed part-way; the client gets an incomplete file", name)
        yield failure_line
        raise error
