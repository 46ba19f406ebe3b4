"""A Redis cache that degrades instead of failing while Redis is down.

Everything the portal keeps in the cache can be lost or recomputed: sessions also live
in the database (``cached_db``), the monitor's aggregates are computed again, and a rate
limit whose counters cannot be read lets the request through (docs/adr/0008). So a
request must never fail because Redis does not answer: the cache then behaves like one
that forgets everything at once (a write succeeds and is gone, a read finds nothing),
and a warning says so (once a minute per process, not once per call).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY_SECONDS = 60


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; while Redis is unreachable it behaves like an empty cache."""

    _last_warning = 0.0

    def _unavailable(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning >= WARN_EVERY_SECONDS:
            ResilientRedisCache._last_warning = now
            logger.warning(
                "Cache unavailable (%s: %s): reads find nothing, writes are dropped, rate limits are not enforced",
                operation,
                type(exc).__name__,
            )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as exc:
            self._unavailable("add", exc)
            # Stored and forgotten at once. allauth's rate limiter takes its lock with add():
            # False would refuse every request as "too many" for as long as Redis is down.
            return True

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as exc:
            self._unavailable("get", exc)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE as exc:
            self._unavailable("set", exc)
            return None

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as exc:
            self._unavailable("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as exc:
            self._unavailable("delete", exc)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as exc:
            self._unavailable("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as exc:
            self._unavailable("has_key", exc)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as exc:
            self._unavailable("incr", exc)
            # As for a missing key: callers that count fall back to add(), which is dropped.
            raise ValueError(f"Key '{key}' not found: the cache is unavailable") from exc

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as exc:
            self._unavailable("set_many", exc)
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE as exc:
            self._unavailable("delete_many", exc)
            return None

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE as exc:
            self._unavailable("clear", exc)
            return False
