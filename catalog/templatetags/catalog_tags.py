"""``{% load catalog_tags %}``: ``{{ count|votes }}`` writes a vote count as people read it
(950, 4.2K, 96.5K, 1.2M)."""

from django import template

register = template.Library()


@register.filter
def votes(count: int | None) -> str:
    if not count:
        return "0"
    for size, suffix in ((1_000_000, "M"), (1_000, "K")):
        if count >= size:
            return f"{count / size:.1f}".removesuffix(".0") + suffix
    return str(count)
