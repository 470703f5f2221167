"""Gzip for what gains from it: every page, and API answers of a kilobyte or more.

Django's ``GZipMiddleware`` (with its random padding against BREACH, see the README's
"Compressed, with care") compresses anything from 200 bytes. Most API answers are a few
hundred bytes of JSON, where gzip costs about 60 µs, a tenth of the whole request, to
save a hundred bytes; those go as they are. Pages (a seat page, its refreshes) and large
JSON (seat maps, listings) are compressed.
"""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

SMALL_ANSWER = 1024  # bytes; below this only HTML is compressed


class CompressionMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        is_page = response.get("Content-Type", "").startswith("text/html")
        small = not response.streaming and len(response.content) < SMALL_ANSWER  # type: ignore[attr-defined]
        if small and not is_page:
            return response
        return super().process_response(request, response)
