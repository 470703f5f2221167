"""Database sessions that look up only keys this site could have made.

A session cookie is whatever the client sends; Django's database backend would look any
value up as is, and PostgreSQL refuses a NUL byte in text (an error, not "no session").
A key that is not one Django makes (32 lower-case letters and digits) is no session.
"""

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

SESSION_KEY = re.compile(r"[a-z0-9]{32}")


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return key is not None and SESSION_KEY.fullmatch(key) is not None
