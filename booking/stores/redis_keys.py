"""Every key the Redis booking store uses, named in one place.

A show's keys carry the hash tag ``{show:<id>}``, so a Redis Cluster keeps them on one
slot and a function may touch all of them. Those are the only keys a function touches,
apart from the indexes below on a single Redis server.

Indexes span shows, so on a cluster they live on other slots: a pointer from a hold or
order id to its show, user and client address (``<p>:hold:<id>``); sorted sets of
holds, orders and shows for staff and the sweeper; and each user's holds and orders
(``<p>:{user:<id>}:holds``, tagged by user so a user's two indexes share a slot). On a
single server the functions write them in the same atomic step; on a cluster they are
written right after a step succeeds, and only then.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ShowKeys:
    base: str

    @property
    def claims(self) -> str:
        """Hash: seat -> ``<owner id>|<until µs>`` (until 0: sold), and ``~`` -> when the
        show's keys last had their lifetime renewed."""
        return f"{self.base}claims"

    @property
    def versions(self) -> str:
        """Hash: seat -> the show's version when the seat's claim last changed."""
        return f"{self.base}versions"

    @property
    def counts(self) -> str:
        """Hash: ``*`` -> the show's version (it counts every change of a seat's claim);
        ``q:<tier>`` -> requests processed (the show's booking queues); ``u:<user id>`` and
        ``c:<client address>`` -> the live claims of one user and of one client address
        (``<owner id>:<seats>:<until µs>`` entries joined by ``;``), for the seat limits."""
        return f"{self.base}counts"

    def hold(self, hold_id: str) -> str:
        return f"{self.base}hold:{hold_id}"

    def order(self, order_id: str) -> str:
        return f"{self.base}order:{order_id}"

    def released(self, order_id: str) -> str:
        """Set: seats of a sale that were cancelled and put back on sale."""
        return f"{self.base}released:{order_id}"


def queues(counts: dict[str, str]) -> list[tuple[str, str]]:
    """(tier, requests processed) from a show's ``counts``, whose ``q:<tier>`` fields hold
    them, in tier order."""
    return sorted((field[2:], count) for field, count in counts.items() if field[:2] == "q:")


# The field of a show's ``claims`` that says when its keys last had their lifetime renewed.
TOUCHED = "~"


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str

    def show(self, show_id: str) -> ShowKeys:
        return ShowKeys(f"{self.prefix}:{{show:{show_id}}}:")

    def pointer(self, kind: str, record_id: str) -> str:
        """String: ``<show id>|<user id>|<client>`` of a hold or order."""
        return f"{self.prefix}:{kind}:{record_id}"

    def index(self, kind: str) -> str:
        """Sorted set of ``<show id>|<id>`` scored by when the record ends (``holds``,
        ``orders``), or of show ids scored by their last change (``shows``)."""
        return f"{self.prefix}:{kind}s"

    def user_index(self, kind: str, user_id: int) -> str:
        return f"{self.prefix}:{{user:{user_id}}}:{kind}s"
