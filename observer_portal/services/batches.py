"""A long result read in batches: flat memory whatever its size, and PostgreSQL's
server-side cursor closed however the reading ends (done, failed, or the client went away)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session


def in_batches(session: Session, stmt: Select, size: int) -> Iterator[list[Row]]:
    result = session.execute(stmt.execution_options(yield_per=size))
    try:
        batch: list[Row] = []
        for row in result:
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch
    finally:
        result.close()
