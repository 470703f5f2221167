"""HTTP access to the Lambda read API: the only module that speaks HTTP to it.

One pooled ``requests.Session``, explicit connect and read timeouts, bounded retries with
backoff on connection errors and gateway errors (502/503/504) for these idempotent GETs,
and a circuit breaker. Callers get parsed JSON objects or one of two errors:
:class:`LambdaNotFound` for the service's own 400/404 answers, :class:`CatalogUnavailable`
for everything else.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from catalog.errors import CatalogUnavailable

logger = logging.getLogger(__name__)


class LambdaNotFound(Exception):
    """The service said the id (or date) does not exist or is malformed (404 or 400)."""


class CircuitBreaker:
    """Stops asking a service that keeps failing, so no request waits on its timeouts.

    After ``failures`` failed calls in a row the breaker opens: every call is refused at
    once for ``cooldown`` seconds. Then one call is let through as a trial; its success
    closes the breaker, its failure opens it for another cool-down. Per process: each
    worker learns of an outage from its own few calls.
    """

    def __init__(self, *, failures: int, cooldown: float, clock: Callable[[], float]):
        self.failures = failures
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._failed = 0
        self._open_until = 0.0
        self._trial_running = False

    def admit(self) -> None:
        """Let a call through, or raise ``CatalogUnavailable`` (with the seconds left of
        the cool-down as its ``retry_after``) while the breaker is open."""
        with self._lock:
            if self._failed < self.failures:
                return
            left = self._open_until - self.clock()
            if left <= 0 and not self._trial_running:
                self._trial_running = True
                return
        error = CatalogUnavailable()
        error.retry_after = max(1, round(left)) if left > 0 else 1
        raise error

    def succeeded(self) -> None:
        with self._lock:
            self._failed = 0
            self._trial_running = False

    def failed(self) -> None:
        with self._lock:
            self._failed += 1
            self._trial_running = False
            if self._failed >= self.failures:
                if self._open_until <= self.clock():
                    logger.warning(
                        "Catalog API failed %d times in a row: not asking it for %.0f s",
                        self._failed,
                        self.cooldown,
                    )
                self._open_until = self.clock() + self.cooldown


class LambdaClient:
    def __init__(
        self,
        *,
        base_url: str,
        connect_timeout: float,
        read_timeout: float,
        retries: int,
        breaker: CircuitBreaker,
        backoff_factor: float = 0.2,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.breaker = breaker
        retry = Retry(
            total=retries,
            connect=retries,
            read=0,  # a read timeout already cost the full read timeout; do not multiply it
            status=retries,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            backoff_factor=backoff_factor,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json"})
        self.session.mount("http://", HTTPAdapter(max_retries=retry, pool_maxsize=20))
        self.session.mount("https://", HTTPAdapter(max_retries=retry, pool_maxsize=20))

    def get_json(
        self, path: str, params: dict[str, Any] | None = None, *, fresh: bool = False
    ) -> dict[str, Any]:
        """The service's JSON object at ``path``. ``fresh`` asks every cache on the way
        (a gateway's, a proxy's) to pass the request on (``Cache-Control: no-cache``).

        Raises ``LambdaNotFound`` or ``CatalogUnavailable`` (at once while the breaker is
        open)."""
        self.breaker.admit()
        try:
            body = self._get(path, params, fresh=fresh)
        except LambdaNotFound:
            self.breaker.succeeded()  # the service answered
            raise
        except BaseException:  # whatever it was, a trial call must not stay "running"
            self.breaker.failed()
            raise
        self.breaker.succeeded()
        return body

    def _get(self, path: str, params: dict[str, Any] | None, *, fresh: bool) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        headers = {"Cache-Control": "no-cache"} if fresh else None
        try:
            response = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            logger.warning("Catalog API request to %s failed: %s", url, exc)
            raise CatalogUnavailable() from exc
        if response.status_code in (400, 404):
            raise LambdaNotFound(path)
        if response.status_code != 200:
            logger.warning("Catalog API answered %s for %s", response.status_code, url)
            raise CatalogUnavailable()
        try:
            body = response.json()
        except ValueError as exc:
            logger.warning("Catalog API sent a body that is not JSON for %s", url)
            raise CatalogUnavailable() from exc
        if not isinstance(body, dict):
            logger.warning("Catalog API sent JSON that is not an object for %s", url)
            raise CatalogUnavailable()
        return body
