"""``{% load money %}``: ``{{ amount|rupees }}`` (₹412.50) and ``{{ price|rupees:"compact" }}``
(₹250 for whole rupees), both by ``bookmyshow.money``'s one rule."""

from decimal import Decimal

from django import template

from bookmyshow import money

register = template.Library()


@register.filter
def rupees(value: Decimal | int | str, style: str = "") -> str:
    if style not in ("", "compact"):
        raise template.TemplateSyntaxError(f"rupees: unknown style {style!r}")
    return money.rupees(value, compact=style == "compact")
