"""The visitor's city: asked for on the first visit, kept in the session and a cookie,
overridden by ``?city=`` in any URL (so a shared link shows what its sender saw) and
changeable from the header of every page.

``city_current`` is the one rule; ``CityCookieMiddleware`` writes the cookie when a
request chose a city; ``city_required`` asks for a city before a page that lists
cinemas or shows."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bookmyshow.errors import DomainError
from catalog.domain import City
from catalog.finding import city_find
from catalog.sources import get_catalog

CITY_SESSION_KEY = "city"
CITY_COOKIE = "city"
CITY_COOKIE_MAX_AGE = 365 * 24 * 3600
NO_CITIES: tuple[City, ...] = ()
_CURRENT = "_city_current"
_CHOSEN = "_city_chosen"


def city_current(request: HttpRequest) -> City | None:
    """The city ``?city=`` names (remembered from now on), else the one remembered in
    the session or the cookie, else the catalog's only city; None: ask. An unknown
    slug counts as none."""
    if hasattr(request, _CURRENT):
        return getattr(request, _CURRENT)
    cities = get_catalog().cities()
    city = None
    asked = request.GET.get("city", "")
    if asked:
        city = city_find(asked, cities)
        if city is not None:
            city_remember(request, city)
    for remembered in (request.session.get(CITY_SESSION_KEY), request.COOKIES.get(CITY_COOKIE)):
        if city is None and isinstance(remembered, str):
            city = city_find(remembered, cities)
    if city is None and len(cities) == 1:
        city = cities[0]
    setattr(request, _CURRENT, city)
    return city


def city_remember(request: HttpRequest, city: City) -> None:
    request.session[CITY_SESSION_KEY] = city.slug
    setattr(request, _CURRENT, city)
    setattr(request, _CHOSEN, city.slug)


class CityCookieMiddleware:
    """Keeps the city a request chose in a cookie, for the visits after the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        chosen = getattr(request, _CHOSEN, None)
        if chosen and request.COOKIES.get(CITY_COOKIE) != chosen:
            response.set_cookie(
                CITY_COOKIE,
                chosen,
                max_age=CITY_COOKIE_MAX_AGE,
                samesite="Lax",
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def url_without_city(request: HttpRequest) -> str:
    """The page's path and query without ``city`` (where to go after choosing one)."""
    query = request.GET.copy()
    query.pop("city", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def city_choices(request: HttpRequest, cities: tuple[City, ...]) -> list[tuple[City, str]]:
    """Each city, with this page's URL choosing it."""
    base = url_without_city(request)
    joiner = "&" if "?" in base else "?"
    return [(city, f"{base}{joiner}{urlencode({'city': city.slug})}") for city in cities]


def city_prompt(request: HttpRequest) -> HttpResponse | None:
    """The page asking for a city (links back to this page with ``?city=``, which work
    without JavaScript), or None when the city is known or there is none to choose."""
    if city_current(request) is not None:
        return None
    cities = get_catalog().cities()
    if not cities:
        return None
    return render(request, "catalog/choose_city.html", {"choices": city_choices(request, cities)})


def city_required[**P](view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """A page that lists cinemas or shows asks for a city first (``city_prompt``)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        assert isinstance(request, HttpRequest)
        return city_prompt(request) or view(*args, **kwargs)

    return wrapped


def _header_read[T](read: Callable[[], T], default: T) -> T:
    """What the header shows, or ``default`` while the catalog or the database is down:
    the page (an error page among them) says what went wrong, not its header."""
    try:
        return read()
    except (DomainError, DatabaseError):
        return default


def city_context(request: HttpRequest) -> dict:
    """Every page's header: the city (None until chosen) and the cities to choose from.
    An error page made before the request reached the session (an unreadable request)
    leaves the header's city out: nothing of such a request is read."""
    if not hasattr(request, "session"):
        return {"city": None, "cities": NO_CITIES, "city_next": "/"}
    return {
        "city": _header_read(lambda: city_current(request), None),
        "cities": _header_read(get_catalog().cities, NO_CITIES),
        "city_next": url_without_city(request),
    }
