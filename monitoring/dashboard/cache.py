"""The monitor's shared cache: every aggregate and page part is stored under a data
version that ``monitoring.receivers`` bumps whenever the data behind them change, and
that ``monitoring.tasks.warm_caches`` fills every night."""

from __future__ import annotations

import time

from django.core.cache import cache

VERSION_KEY = "monitoring:data-version"
# A safety net for changes that bypass save() (queryset.update()); receivers handle the rest.
CACHE_TIMEOUT = 6 * 60 * 60
# Cached values are pickled instances of this package's classes. Raise it when one moves
# or changes its fields: after a deploy, an entry of the old shape would fail to load
# (or load without a field) before its data version is even compared.
LAYOUT = 2


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock rather than 0, so that entries stored under an evicted
        # version can never be read again as current.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_version() -> None:
    """Make every cached aggregate stale (called when their data change)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def cached(name: str, key: str, compute):
    """``compute()``'s value, from the cache while the data have not changed.

    The value is stored with the data version it was computed under, so that the version
    and the value come in one round trip to the cache (a warm dashboard is two of them)."""
    cache_key = f"monitoring:{LAYOUT}:{name}:{key}"
    found = cache.get_many([VERSION_KEY, cache_key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = data_version()
    entry = found.get(cache_key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = compute()
    cache.set(cache_key, (version, value), CACHE_TIMEOUT)
    return value
