"""``{% load fragments %}``: ``{% include_memo "catalog/movie_grid.html" movies=row.movies
today=today %}`` renders a template from the values it is given, and only those, and keeps
the HTML in the process for the next page that gives the same values.

A listing page draws the same card grid, filter bar or cinema list for every visitor who
asks for the same thing, and drawing them was most of a page's cost at catalog size. The
memo is keyed by the values themselves (frozen dataclasses, strings, dates, compared in
full), not by a name or a clock, so it cannot serve a fragment whose data has changed:
a movie edited, a show's availability moved, another day, another filter, and the key
is another key. What a fragment shows must therefore come from its values alone (no
``request``, ``user``, ``now`` or ``csrf_token``), and each value must be hashable
(lists are taken as tuples).
"""

from functools import lru_cache
from typing import Any

from django import template
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString

register = template.Library()

FRAGMENTS_KEPT = 2048  # a card grid is about 8 KB: at most some 16 MB per process


def _frozen(value: Any) -> Any:
    """``value`` as a key: lists (and the lists in tuples) become tuples."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


@lru_cache(maxsize=FRAGMENTS_KEPT)
def _fragment(
    template_name: str, links_root: tuple[str | None, str], values: tuple[tuple[str, Any], ...]
) -> SafeString:
    """The rendered fragment. ``links_root`` (the URLconf and script prefix) is in the key
    because the links a fragment reverses depend on it."""
    return SafeString(get_template(template_name).render(dict(values)))


@register.simple_tag
def include_memo(template_name: str, **values: Any) -> SafeString:
    links_root = (get_urlconf(), get_script_prefix())
    frozen = tuple(sorted((name, _frozen(value)) for name, value in values.items()))
    return _fragment(template_name, links_root, frozen)


@receiver(file_changed)
def _template_edited(sender: Any, file_path: Any, **kwargs: Any) -> None:
    """``runserver`` keeps the process when a template changes; the memo must not keep
    the old drawing."""
    _fragment.cache_clear()
