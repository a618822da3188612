"""Accreditation list import at scale: write an XLSX of N people (Cyrillic and Latin names,
missions, countries, e-mails, phones, languages), then time the preview (read + check every
row, writes nothing) and the import (all rows, one transaction) on a fresh SQLite database,
with the peak memory of each (tracemalloc) at N and at N/4 to show it grows with the list's
own size only. Each phase runs --repeat times on a fresh database; the median is printed.

    .venv/bin/python bench/accreditation_import.py [--rows 20000] [--repeat 3]

Targets (issue 15): 20,000 rows preview in under 10 s and import in under 30 s.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = ["Айгуль", "Иван", "Anna", "Pierre", "Nodira", "Jonas", "Марат", "Claire", "Bakyt", "Elif"]
LAST = ["Серикова", "Петров", "Müller", "Lambert", "Karimova", "Berg", "Оспанов", "Dubois", "Osmonov", "Demir"]
MISSIONS = ["OSCE/ODIHR Election Observation Mission", "Миссия наблюдателей от СНГ", "SCO Observer Mission"]
COUNTRIES = ["DE", "Россия", "France", "Казахстан", "KG", "Türkei"]


def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(15)  # noqa: S311 - reproducible benchmark data
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["ФИО", "Номер аккредитации", "Организация", "Гражданство", "E-mail", "Телефон", "Языки"])
    for n in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        sheet.append(
            [
                f"{first} {last} {n}",
                f"ACC-{n:06d}",
                rng.choice(MISSIONS),
                rng.choice(COUNTRIES),
                f"person{n}@example.org",
                f"+7 701 {n:07d}",
                rng.choice(["ru, en", "de", "fr; en", "kk, ru"]),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_once(data: bytes, trace: bool) -> tuple[float, float]:
    """(preview, import) on a fresh database: seconds, or with `trace` peak MiB (tracemalloc
    slows Python down several times: timings and memory come from separate runs)."""
    from flask_migrate import upgrade

    from observer_portal import create_app
    from observer_portal.extensions import db
    from observer_portal.models import AccreditationImport, VisitorKind
    from observer_portal.services import accreditations
    from observer_portal.services.accreditation_files import read_table
    from observer_portal.services.accreditation_rows import guess_mapping
    from observer_portal.services.centres import CentreInput, create_centre

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(
            {"PORTAL_ENV": "testing", "SECRET_KEY": "x" * 40, "DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url}
        )
        with app.app_context():
            upgrade()
            centre = create_centre(db.session, None, CentreInput(slug="atyrau", names={"en": "A"}, regions={"en": "A"}))
            table = read_table("list.xlsx", data)
            upload = AccreditationImport(
                centre_id=centre.id,
                filename="list.xlsx",
                data=data,
                mapping=guess_mapping(table.header),
                default_kind=VisitorKind.OBSERVER,
            )
            db.session.add(upload)
            db.session.commit()

            if trace:
                tracemalloc.start()
            started = time.perf_counter()
            result = accreditations.preview(db.session, upload)
            preview = tracemalloc.get_traced_memory()[1] / 2**20 if trace else time.perf_counter() - started
            if trace:
                tracemalloc.reset_peak()
            if result.problems:
                raise SystemExit(f"unexpected problems: {result.problems[:3]}")
            started = time.perf_counter()
            accreditations.run_import(db.session, None, upload)
            db.session.commit()
            done = tracemalloc.get_traced_memory()[1] / 2**20 if trace else time.perf_counter() - started
            if trace:
                tracemalloc.stop()
            db.session.remove()
            db.engine.dispose()
    return preview, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("PORTAL_ENV", "testing")
    for rows in (args.rows // 4, args.rows):
        data = workbook(rows)
        runs = [run_once(data, trace=False) for _ in range(args.repeat)]
        preview_s, import_s = (statistics.median(run[i] for run in runs) for i in range(2))
        preview_mib, import_mib = run_once(data, trace=True)
        print(
            f"{rows:>7,} rows ({len(data) / 2**20:.1f} MiB xlsx): preview {preview_s:.1f} s "
            f"(peak {preview_mib:.0f} MiB), import {import_s:.1f} s (peak {import_mib:.0f} MiB)"
        )


if __name__ == "__main__":
    main()
