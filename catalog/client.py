"""HTTP access to the Lambda read API: the only module that speaks HTTP to it.

One pooled ``requests.Session``, explicit connect and read timeouts, bounded retries with
backoff on connection errors and gateway errors (502/503/504) for these idempotent GETs.
Callers get parsed JSON objects or one of two errors: :class:`LambdaNotFound` for the
service's own 400/404 answers, :class:`CatalogUnavailable` for everything else.
"""

import logging
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from catalog.errors import CatalogUnavailable

logger = logging.getLogger(__name__)


class LambdaNotFound(Exception):
    """The service said the id (or date) does not exist or is malformed (404 or 400)."""


class LambdaClient:
    def __init__(
        self,
        *,
        base_url: str,
        connect_timeout: float,
        read_timeout: float,
        retries: int,
        backoff_factor: float = 0.2,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
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

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
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
