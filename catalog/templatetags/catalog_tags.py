"""``{% load catalog_tags %}``: ``{{ count|votes }}`` writes a vote count as people read it
(950, 4.2K, 96.5K, 1.2M); ``{{ movie.movie_id|movie_url }}`` is a movie's page."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.filter
def votes(count: int | None) -> str:
    if not count:
        return "0"
    for size, suffix in ((1_000_000, "M"), (1_000, "K")):
        if count >= size:
            return f"{count / size:.1f}".removesuffix(".0") + suffix
    return str(count)


_SAMPLE_ID = "00000000-0000-4000-8000-000000000000"


@lru_cache(maxsize=16)
def _movie_url_parts(urlconf: str | None, prefix: str) -> tuple[str, str]:
    head, tail = reverse("catalog:movie-detail", args=[_SAMPLE_ID], urlconf=urlconf).split(
        _SAMPLE_ID
    )
    return head, tail


@register.filter
def movie_url(movie_id: str) -> str:
    """``{% url 'catalog:movie-detail' movie_id %}`` for a canonical id, reversed once per
    URLconf rather than once per card: a grid of two dozen movies spent 40% of its time
    reversing URLs."""
    head, tail = _movie_url_parts(get_urlconf(), get_script_prefix())
    return f"{head}{movie_id}{tail}"
