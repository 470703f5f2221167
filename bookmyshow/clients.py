"""Who is asking: the logged-in user, and the client address that per-address limits
count against."""

import ipaddress

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

UNKNOWN = "unknown"


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for type checking)."""

    htmx: HtmxDetails


def user_id(request: HttpRequest | Request) -> int:
    """The id of the logged-in user making the request. Views call it behind a login
    check (``login_required``, DRF's ``IsAuthenticated``), so an anonymous caller here
    is refused as a last resort, never served."""
    identifier = request.user.id
    if identifier is None:
        raise PermissionDenied("Log in first.")
    return identifier


def client_address(request: HttpRequest | Request) -> str:
    """The address of the client that sent ``request``.

    It is the socket peer, unless ``TRUSTED_PROXY_COUNT`` says how many proxies in front
    of the site append to ``X-Forwarded-For``: then it is the entry the outermost trusted
    proxy saw. Entries further left are the client's own claims and are never trusted.
    An IPv6 address counts as its /64 network, since one customer line gets a whole /64.
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address_key(address)


def address_key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return UNKNOWN
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
