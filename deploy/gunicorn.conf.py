"""gunicorn settings for `make serve` and the systemd unit: several workers, one JSON line
per request on stdout (method, path without the query string, status, duration: no
personal data), and a graceful timeout for redeploys."""

import json
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WORKERS", max(2, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("THREADS", "1"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
    }
)
