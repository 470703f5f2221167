"""Who is asking: the client address that per-address limits count against."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def client_address(request: HttpRequest) -> str:
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
