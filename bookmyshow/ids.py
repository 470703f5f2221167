"""Canonical ids: every id that enters the site is spelled one way.

Every id of the project (movies, theatres, shows, holds, orders) is a UUID. The Lambda
catalog accepts a UUID in any letter case and echoes it back as sent, so ``F368…`` and
``f368…`` would be two shows to anything keyed on the string. Ids are therefore turned
into their canonical spelling (lower-case, hyphenated) where they enter: URL paths, JSON
bodies, forms and the catalog's answers. Anything that is not a UUID is refused.
"""

import re

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_UUID = re.compile(UUID_PATTERN)


def canonical_id(raw: object) -> str | None:
    """The canonical spelling of a UUID written in any letter case, or None for anything
    else (including a UUID with surrounding whitespace or a trailing newline)."""
    if isinstance(raw, str) and _UUID.fullmatch(raw):
        return raw.lower()
    return None
