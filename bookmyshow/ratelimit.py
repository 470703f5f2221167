"""Rate limits shared by every worker process: hold changes, sign-ups and log-ins.

Counters live in the ``ratelimit`` cache, which is Redis whenever the booking store is
(so four workers count together) and process memory otherwise. Each limit is a window
that opens at the first attempt and lasts the rate's period; an attempt over the limit
raises ``RateLimited`` with the seconds until the window closes. Checks are cheap and run
before the work they protect (a password hash, a seat claim).

If the counter store cannot be reached the attempt is allowed and a warning logged: the
booking store then fails on its own, and log-in stays possible.
"""

import contextlib
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import caches

from bookmyshow.errors import DomainError

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A counter holds the window's start (ms) times SHIFT plus the attempts, so one atomic
# increment both counts and tells when the window opened.
SHIFT = 1_000_000


class RateLimited(DomainError):
    status_code = 429
    code = "RATE_LIMITED"
    message = "Too many attempts. Please wait a moment and try again."
    retry_after: int

    def __init__(self, retry_after: int, message: str | None = None):
        super().__init__(message, details={"retryAfter": retry_after})
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, rate: str) -> "Rate":
        """DRF's throttle syntax: ``30/min``, ``5/hour``, ``10/s``, ``100/day``."""
        count, _, period = rate.partition("/")
        try:
            return cls(limit=int(count), seconds=PERIODS[period.strip()[:1].lower()])
        except (ValueError, KeyError):
            raise ValueError(f"Not a rate: {rate!r} (write it like 30/min)") from None


def rate_limit_hit(*, scope: str, ident: str, rate: str, message: str | None = None) -> None:
    """Count one attempt of ``ident`` (a user id, an address, a username) against
    ``rate`` in ``scope``. Raises ``RateLimited`` once the window's limit is used up."""
    limit = Rate.parse(rate)
    key = f"rl:{scope}:{ident}"
    now_ms = int(time.time() * 1000)
    try:
        counters = caches["ratelimit"]
        counters.add(key, now_ms * SHIFT, timeout=limit.seconds)
        value = counters.incr(key)
    except ValueError:  # the window closed between add and incr: this attempt opens one
        return
    except Exception as exc:
        logger.warning("Rate limit counters unavailable (%s); allowing %s", exc, key)
        return
    started_ms, attempts = divmod(value, SHIFT)
    if not started_ms:
        # The window's key expired between the backend's existence check and its INCR
        # (Django's Redis ``incr``), which then made a counter with no start and no
        # expiry: drop it, so the next attempt opens a proper window.
        with contextlib.suppress(Exception):
            counters.delete(key)
        return
    if attempts > limit.limit:
        # Within the window's length whatever this worker's clock says against the one
        # that opened it (a request that read the clock first, a server whose clock is off).
        remaining = math.ceil((started_ms + limit.seconds * 1000 - now_ms) / 1000)
        raise RateLimited(min(limit.seconds, max(1, remaining)), message)
