"""Requests per second for the public briefing page, with the page cache on and off,
against a trivial Flask view.

Three servers run side by side under gunicorn with the same worker count on 127.0.0.1: the
trivial view (`bench/trivial_app.py`), the portal with its page cache, and the portal with
PAGE_CACHE=off. Each round loads each of them in turn with `wrk` from loopback; the ratios
of each round are kept and their medians printed (a shared 2-core box is noisy, a ratio
measured in the same minute is not). wrk sends `Accept-Language: de`, as a German browser
does, and no cookie: a reader who is not signed in.

    .venv/bin/python bench/briefing_rps.py [--workers 2] [--seconds 10] [--connections 20] [--rounds 3] [--database-url URL]

Needs `wrk` (`make bench-deps`). With no --database-url a fresh SQLite file with the demo
data is used.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
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
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", "Accept-Language: de", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)$", out, re.MULTILINE).group(1)
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"errors while loading {url}:\n{out}")
    return rps, p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
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
    targets = (
        ("trivial Flask view", "bench.trivial_app:app", "/", {}),
        ("briefing, page cache on", "app:app", path, {"PAGE_CACHE": "memory"}),
        ("briefing, page cache off", "app:app", path, {"PAGE_CACHE": "off"}),
    )
    servers, urls = [], {}
    try:
        for name, app, url_path, extra in targets:
            port = free_port()
            servers.append(gunicorn(app, port, args.workers, {**env, **extra}))
            urls[name] = f"http://127.0.0.1:{port}{url_path}"
        for url in urls.values():
            wait_until_up(url)
            wrk(url, 2, args.connections)  # warm-up
        rounds: list[dict[str, tuple[float, str]]] = []
        for _ in range(args.rounds):  # alternating: every target once per round
            rounds.append({name: wrk(url, args.seconds, args.connections) for name, url in urls.items()})
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)

    backend = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"gunicorn {args.workers} workers, wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{args.rounds} rounds, database {backend}"
    )
    for name in urls:
        rps = statistics.median(r[name][0] for r in rounds)
        p50 = ", ".join(r[name][1] for r in rounds)
        print(f"  {name:<26} {rps:>9.0f} requests/s (median)   median latency per round {p50}")
    trivial = "trivial Flask view"
    for name in list(urls)[1:]:
        ratios = [r[name][0] / r[trivial][0] for r in rounds]
        print(
            f"  ratio {name} / trivial: {statistics.median(ratios):.2f} (rounds: {', '.join(f'{x:.2f}' for x in ratios)})"
        )


if __name__ == "__main__":
    main()
