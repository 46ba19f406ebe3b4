"""A database of a test's own next to the test database, for tests that play an operator:
a first deployment on an empty database, a backup restored into a new one.

With PostgreSQL (``DATABASE_URL``, as CI runs) it is ``<name><suffix>`` on the same server,
made and dropped through the maintenance database (``benchmarks.databases``); without it,
a SQLite file in the test's temporary folder."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from benchmarks.databases import bench_database_url, drop_database, recreate_database


def postgres_url() -> str:
    """The PostgreSQL server the suite runs on, or "" under SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


@contextlib.contextmanager
def own_database(suffix: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own; yields its URL and drops it afterwards."""
    base = postgres_url()
    if not base:
        yield f"sqlite:///{tmp_path / f'westland{suffix}.sqlite3'}"
        return
    url, name = bench_database_url(base, suffix)
    recreate_database(url, name)
    try:
        yield url
    finally:
        drop_database(url, name)
