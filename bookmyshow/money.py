"""Money: one rounding rule and one way to write an amount, everywhere.

Amounts are ``Decimal`` rupees rounded to the paisa, half up (₹412.505 is ₹412.51, never
₹412.50 one place and ₹412.51 another). Every price the catalog reads, every amount the
booking engine computes, every number the API sends and every amount a page or ticket
shows goes through :func:`money`; nothing rounds to whole rupees.
"""

from decimal import ROUND_HALF_UP, Decimal

PAISA = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """``value`` in rupees, rounded to the paisa, half up."""
    return Decimal(value).quantize(PAISA, rounding=ROUND_HALF_UP)


def rupees(value: Decimal | int | str, *, compact: bool = False) -> str:
    """An amount as people in India read it: ``₹412.50``, ``₹7,200.00``, ``₹1,25,000.00``
    (thousands, then lakhs and crores, grouped as Indian digits are). ``compact`` leaves
    out ``.00`` from whole rupees (``₹250``, for prices beside seats), never the paise of
    any other amount."""
    amount = money(value)
    sign, whole, paise = "-" if amount < 0 else "", *f"{abs(amount):.2f}".split(".")
    written = f"{sign}₹{_indian_grouping(whole)}"
    if compact and paise == "00":
        return written
    return f"{written}.{paise}"


def _indian_grouping(digits: str) -> str:
    """``1234567`` as ``12,34,567``: the last three digits, then pairs."""
    head, last_three = digits[:-3], digits[-3:]
    pairs: list[str] = []
    while head:
        head, pair = head[:-2], head[-2:]
        pairs.insert(0, pair)
    return ",".join([*pairs, last_three])


def money_split[K](total: Decimal, weights: dict[K, Decimal]) -> dict[K, Decimal]:
    """``total`` shared out by ``weights``, each share rounded to the paisa, and the
    shares adding up to ``total`` exactly (the paise rounding loses go to the largest
    shares first). Equal shares for weights that are all zero."""
    if not weights:
        return {}
    if not any(weights.values()):
        weights = dict.fromkeys(weights, Decimal(1))
    whole = sum(weights.values(), Decimal(0))
    shares = {key: money(total * weight / whole) for key, weight in weights.items()}
    left = money(total) - sum(shares.values(), Decimal(0))
    step = PAISA if left > 0 else -PAISA
    for key in sorted(weights, key=lambda k: weights[k], reverse=True):
        if not left:
            break
        shares[key] += step
        left -= step
    return shares
