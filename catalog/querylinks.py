"""Links that add, change or drop one value of the page's query: the filters as links
that work without JavaScript (htmx follows the same ``href``)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

# Query values that move with every filter link: a new filter starts at the first page.
RESET_ON_CHANGE = ("page",)


@dataclass(frozen=True, slots=True)
class FilterLink:
    label: str
    url: str
    active: bool


def query_url(path: str, query: QueryDict, **changes: str | None) -> str:
    """``path`` with ``query`` changed: a value sets a name, None drops it. Names keep
    their place, as ``QueryDict`` keeps them; a page draws a few dozen of these links,
    so the query is copied as a plain dict (``QueryDict.copy`` deep-copies it)."""
    changed = dict(query.lists())
    for name in RESET_ON_CHANGE:
        changed.pop(name, None)
    for name, value in changes.items():
        if value is None:
            changed.pop(name, None)
        else:
            changed[name] = [value]
    encoded = urlencode([(name, value) for name, values in changed.items() for value in values])
    return f"{path}?{encoded}" if encoded else path


def filter_links(
    path: str, query: QueryDict, name: str, options: list[tuple[str, str]], current: str
) -> list[FilterLink]:
    """One link per (value, label) of ``options``: choosing it, or, for the value in
    use, dropping it."""
    return [
        FilterLink(
            label=label,
            url=query_url(path, query, **{name: None if value == current else value}),
            active=value == current,
        )
        for value, label in options
    ]


def clear_url(path: str, query: QueryDict, names: list[str]) -> str:
    """The page without any of the filters ``names``."""
    return query_url(path, query, **dict.fromkeys(names))
