"""Cities: the one rule for naming a city, and for finding it at the end of an address."""

import re

from django.utils.text import slugify

from catalog.domain import City

OTHER = City(slug="other", name="Other")

# Cities an address from the Lambda may end in, with the other names people write them by.
KNOWN_CITIES: dict[str, tuple[str, ...]] = {
    "Mumbai": ("Bombay", "Navi Mumbai", "Thane"),
    "Delhi": ("New Delhi", "Delhi NCR"),
    "Bengaluru": ("Bangalore",),
    "Hyderabad": ("Secunderabad",),
    "Chennai": ("Madras",),
    "Kolkata": ("Calcutta",),
    "Pune": (),
    "Ahmedabad": (),
    "Jaipur": (),
    "Lucknow": (),
    "Chandigarh": (),
    "Kochi": ("Cochin",),
    "Gurugram": ("Gurgaon",),
    "Noida": (),
    "Indore": (),
    "Bhopal": (),
    "Nagpur": (),
    "Surat": (),
    "Coimbatore": (),
    "Visakhapatnam": ("Vizag",),
    "Goa": ("Panaji", "Panjim"),
    "Thiruvananthapuram": ("Trivandrum",),
    "Mysuru": ("Mysore",),
    "Vadodara": ("Baroda",),
}
_BY_SPELLING = {
    spelling.casefold(): name
    for name, others in KNOWN_CITIES.items()
    for spelling in (name, *others)
}
# What may follow the city at an address's end: a PIN code, a state, "India".
_TAIL = re.compile(r"[\s,.-]*(\d{3}\s?\d{3})?[\s,.]*$")


def city_of(name: str) -> City:
    """The city called ``name`` (a theatre's city, as entered); blank is Other."""
    name = " ".join(name.split())
    slug = slugify(name)
    return City(slug=slug, name=name) if slug else OTHER


def city_from_address(address: str) -> City:
    """The known city an address ends in ("Lower Parel, Mumbai 400013" is Mumbai,
    "Indiranagar, Bangalore" is Bengaluru), else Other. Only the last part or two of the
    address count ("..., Mumbai, Maharashtra" and "..., Pune, India" too)."""
    parts = [part.strip() for part in _TAIL.sub("", address or "").split(",") if part.strip()]
    for part in reversed(parts[-3:]):
        words = _TAIL.sub("", part)
        name = _BY_SPELLING.get(words.casefold())
        if name is None and " " in words:  # "Lower Parel Mumbai"
            name = _BY_SPELLING.get(words.rsplit(" ", 1)[-1].casefold())
        if name is not None:
            return city_of(name)
    return OTHER


def known_cities() -> tuple[City, ...]:
    """Every city an address could be found in, by name, and Other."""
    return (*sorted(city_of(name) for name in KNOWN_CITIES), OTHER)
