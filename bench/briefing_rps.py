"""Requests per second for the briefing detail page, against a trivial Flask view.

Both run under gunicorn with the same worker count on 127.0.0.1 and are loaded with
`wrk` from loopback (bounded in time). The ratio is what to compare between machines:
absolute numbers on a shared 2-core box are noisy.

    .venv/bin/python bench/briefing_rps.py [--workers 2] [--seconds 10] [--connections 20] [--database-url URL]

Needs `wrk` (Debian package `wrk`). With no --database-url a fresh SQLite file with the
demo data is used.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def gunicorn(app: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=ROOT,
        env=env,
    )


def wrk(url: str, seconds: int, connections: int) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"errors while loading {url}:\n{out}")
    return rps, p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    tmp = tempfile.mkdtemp(prefix="portal-bench-")
    env = dict(os.environ)
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        SESSION_COOKIE_SECURE="0",
        PORTAL_BASE_URL="http://127.0.0.1",
        DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
    )
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "app", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )

    path = "/briefings/atyrau/atyrau-overview?lang=de"
    results = {}
    for name, app, url_path in (
        ("trivial Flask view", "bench.trivial_app:app", "/"),
        ("briefing detail", "app:app", path),
    ):
        port = free_port()
        server = gunicorn(app, port, args.workers, env)
        try:
            url = f"http://127.0.0.1:{port}{url_path}"
            wait_until_up(url)
            wrk(url, 2, args.connections)  # warm-up
            results[name] = wrk(url, args.seconds, args.connections)
        finally:
            server.terminate()
            server.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)

    backend = env["DATABASE_URL"].split(":", 1)[0]
    print(f"gunicorn {args.workers} workers, wrk -t2 -c{args.connections} -d{args.seconds}s, database {backend}")
    for name, (rps, p50) in results.items():
        print(f"  {name:<20} {rps:>9.0f} requests/s   median latency {p50}")
    ratio = results["briefing detail"][0] / results["trivial Flask view"][0]
    print(f"  ratio briefing/trivial: {ratio:.2f}")


if __name__ == "__main__":
    main()
