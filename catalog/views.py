"""The moviegoer's browsing pages: what is showing in the visitor's city, search, and a
movie. Filters are links (htmx swaps the listing in place and keeps the URL)."""

from dataclasses import replace

from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from bookmyshow.clients import HtmxHttpRequest
from catalog import finding
from catalog.domain import FORMATS, MovieCard
from catalog.finding import MovieFilters, MovieStatus
from catalog.querylinks import clear_url, filter_links, query_url
from catalog.sources import get_catalog
from catalog.visitor import (
    city_choices,
    city_current,
    city_find,
    city_prompt,
    city_remember,
    city_required,
)

HOME_ROW_SIZE = 12  # movies per row on the home page; "See all" lists the rest
RESULTS_PAGE_SIZE = 24
SUGGESTIONS = 8
MOVIE_FILTERS = ("q", "language", "genre", "format", "status")
FILTER_LABELS = {"q": "Search", "language": "Language", "genre": "Genre", "format": "Format"}


def _query(request: HtmxHttpRequest) -> QueryDict:
    """The page's query without ``city`` (the visitor's city stands for it)."""
    query = request.GET.copy()
    query.pop("city", None)
    return query


def _movie_filters(request: HtmxHttpRequest) -> tuple[MovieFilters, finding.Facets]:
    facets = finding.facets_get()
    filters = finding.movie_filters_parse(
        _query(request), facets=facets, city=city_current(request)
    )
    return filters, facets


def _filter_context(
    request: HtmxHttpRequest, filters: MovieFilters, facets: finding.Facets, movies
) -> dict:
    """The filter links (language, genre, format), the filters in use with links that
    drop each one, and a link that drops them all."""
    path, query = request.path, _query(request)
    used_formats = {name for movie in movies for name in movie.formats}
    groups = [
        ("Language", "language", facets.languages, filters.language),
        ("Genre", "genre", facets.genres, filters.genre),
        ("Format", "format", [f for f in FORMATS if f in used_formats], filters.format),
    ]
    return {
        "filter_groups": [
            (title, filter_links(path, query, name, [(v, v) for v in values], current))
            for title, name, values, current in groups
            if values
        ],
        "active_filters": [
            (FILTER_LABELS.get(name, name), value, query_url(path, query, **{name: None}))
            for name, value in filters.active()
            if name != "status"
        ],
        "clear_url": clear_url(path, query, list(MOVIE_FILTERS)),
    }


def _render(request: HtmxHttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The page, or only its ``partial`` for htmx."""
    return render(request, f"{template}#{partial}" if request.htmx else template, context)


@require_GET
@city_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Now showing in the visitor's city and coming soon, each row cut at
    ``HOME_ROW_SIZE`` with a link to all of them."""
    filters, facets = _movie_filters(request)
    filters = replace(filters, q="", status=None)
    movies = get_catalog().movies_all()
    query = _query(request)
    rows = []
    for status in (MovieStatus.NOW_SHOWING, MovieStatus.COMING_SOON):
        found = finding.movies_find(replace(filters, status=status), movies=movies)
        see_all = query_url(reverse("catalog:movie-list"), query, status=status.value)
        rows.append(
            {
                "status": status,
                "coming_soon": status is MovieStatus.COMING_SOON,
                "movies": found[:HOME_ROW_SIZE],
                "total": len(found),
                "see_all": see_all,
            }
        )
    context = {
        "today": timezone.localdate(),
        "filters": filters,
        "rows": rows,
        "found_any": any(row["total"] for row in rows),
        **_filter_context(request, filters, facets, movies),
    }
    return _render(request, "catalog/home.html", "listing", context)


@require_GET
@city_required
def movie_list(request: HtmxHttpRequest) -> HttpResponse:
    """Search results and whole rows ("See all"), page by page: works without
    JavaScript; htmx swaps the results in place."""
    filters, facets = _movie_filters(request)
    movies = get_catalog().movies_all()
    found = finding.movies_find(filters, movies=movies)
    page = Paginator(found, RESULTS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query(request)
    context = {
        "today": timezone.localdate(),
        "filters": filters,
        "page": page,
        "total": len(found),
        "previous_url": (
            query_url(request.path, query, page=str(page.previous_page_number()))
            if page.has_previous()
            else None
        ),
        "next_url": (
            query_url(request.path, query, page=str(page.next_page_number()))
            if page.has_next()
            else None
        ),
        "status_links": filter_links(
            request.path,
            query,
            "status",
            [(status.value, status.label) for status in MovieStatus],
            filters.status.value if filters.status else "",
        ),
        **_filter_context(request, filters, facets, movies),
    }
    return _render(request, "catalog/movie_list.html", "results", context)


@require_GET
def search_suggest(request: HtmxHttpRequest) -> HttpResponse:
    """The header's instant results: the best few movies for ``q`` (in the visitor's
    city once chosen), as options of the search box's list."""
    q = " ".join(request.GET.get("q", "").split())[: finding.MAX_QUERY_LENGTH]
    movies: list[MovieCard] = []
    if q:
        movies = finding.movies_find(MovieFilters(city=city_current(request), q=q))
    return render(
        request,
        "catalog/search_suggest.html",
        {"q": q, "movies": movies[:SUGGESTIONS], "more": len(movies) > SUGGESTIONS},
    )


@require_GET
def city_choose(request: HtmxHttpRequest) -> HttpResponse:
    """The header's city form: remembers ``?city=`` and goes back to ``next`` (this
    site's own pages only). Without a known city, it lists the cities."""
    cities = get_catalog().cities()
    city = city_find(request.GET.get("city", ""), cities)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = reverse("catalog:home")
    if city is None:
        return render(
            request, "catalog/choose_city.html", {"choices": city_choices(request, cities)}
        )
    city_remember(request, city)
    return redirect(target)


@require_GET
def movie_detail(request: HtmxHttpRequest, movie_id: str) -> HttpResponse:
    movie = get_catalog().movie_get(movie_id=movie_id)
    if prompt := city_prompt(request):
        return prompt
    today = timezone.localdate()
    city = city_current(request)
    showing = get_catalog().movies_showing(city=city)
    return render(
        request,
        "catalog/movie_detail.html",
        {
            "movie": movie,
            "today": today,
            "coming_soon": movie.release_date is not None and movie.release_date > today,
            "showing_here": showing is None or movie.movie_id in showing,
        },
    )
