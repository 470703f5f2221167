"""The Redis booking store: one truth for any number of worker processes and machines.

Each change is one round trip: a pipeline that marks the request as waiting in its queues
and runs one server-side script (``redis_scripts``), which checks everything and writes
all of it or nothing. A show's keys share the hash tag ``{show:<id>}``; every key
expires (records a day after they end, a show's claims a week after its last change),
and nothing scans the keyspace on a request path: small pointer keys find a hold's or an
order's show, and sorted sets index them for staff and for the sweeper.

When Redis cannot be reached or fails mid-operation, every method raises
``StoreUnavailable``; a script either ran completely or not at all, so no partial claim
is left behind. Run Redis with ``maxmemory-policy noeviction`` (checked at start-up).
"""

import hashlib
import json
import logging
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from booking.domain import (
    Customer,
    Hold,
    HoldStatus,
    Order,
    OrderStatus,
    PartitionStats,
    ShowClaims,
    ShowSnapshot,
)
from booking.errors import (
    DuplicateRequest,
    HoldChanged,
    HoldNotActive,
    HoldNotFound,
    OrderNotFound,
    OrderNotPending,
    SeatLimitReached,
    SeatUnavailable,
    StoreUnavailable,
)
from booking.stores import redis_scripts
from booking.stores.base import BookingStore, Partition

logger = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RETENTION = timedelta(days=1)  # ended holds and orders stay readable this long
SHOW_KEYS_TTL_MS = int(timedelta(days=8).total_seconds() * 1000)


def to_us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_us(value: str | int) -> datetime:
    return EPOCH + timedelta(microseconds=int(value))


def guarded[F: Callable[..., Any]](method: F) -> F:
    """Turn any Redis failure (unreachable, timed out, erroring) into StoreUnavailable."""

    @wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except redis.RedisError as exc:
            logger.warning("Booking store failed in %s: %s", method.__name__, exc)
            raise StoreUnavailable() from exc

    return wrapper  # type: ignore[return-value]


class RedisBookingStore(BookingStore):
    backend_name = "redis"

    def __init__(self, client: redis.Redis, *, prefix: str):
        self.client = client
        self.prefix = prefix
        self._scripts = {
            name: getattr(redis_scripts, name)
            for name in (
                "HOLD_CREATE",
                "HOLD_CHANGE",
                "RECORD_END",
                "ORDER_CREATE",
                "ORDER_CONFIRM",
                "CLAIMS_PURGE",
            )
        }
        # Scripts run by their SHA (EVALSHA); Redis learns them on first use, or again
        # after a restart made it forget them.
        self._shas = {
            name: hashlib.sha1(text.encode()).hexdigest() for name, text in self._scripts.items()
        }

    @classmethod
    def from_url(cls, url: str, *, prefix: str) -> "RedisBookingStore":
        client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=0.5,
            socket_timeout=1.0,
            # A write whose answer was lost may have run: never send it again by itself.
            retry=Retry(NoBackoff(), 0),
            health_check_interval=15,
        )
        store = cls(client, prefix=prefix)
        store.check_eviction_policy()
        return store

    def check_eviction_policy(self) -> None:
        """Warn loudly unless Redis keeps every key: evicting a hold frees its seats."""
        try:
            policy = self.client.config_get("maxmemory-policy").get("maxmemory-policy")
        except redis.RedisError as exc:
            logger.warning(
                "Could not read Redis maxmemory-policy (%s); it must be "
                "noeviction, or Redis may drop holds under memory pressure.",
                exc,
            )
            return
        if policy != "noeviction":
            logger.error(
                "Redis maxmemory-policy is %r: set it to noeviction, or Redis may "
                "drop holds under memory pressure and free their seats.",
                policy,
            )

    # -- keys ---------------------------------------------------------------------------

    def _show(self, show_id: str) -> str:
        return f"{self.prefix}:{{show:{show_id}}}:"

    def _show_keys(self, show_id: str) -> tuple[str, str]:
        base = self._show(show_id)
        return f"{base}claims", f"{base}versions"

    def _queue_keys(self, partitions: Collection[Partition]) -> list[str]:
        return [f"{self._show(show)}queue:{tier}" for show, tier in sorted(set(partitions))]

    # -- running a script ---------------------------------------------------------------

    def _run(
        self,
        name: str,
        *,
        keys: list[str],
        args: list[Any],
        partitions: Collection[Partition],
        now: datetime,
        extra: Callable[[Any], None] | None = None,
    ) -> list[str]:
        """Mark the request waiting in its queues, run the script and any ``extra``
        bookkeeping (index entries that live outside the show's slot), in one round trip.
        """
        queues = self._queue_keys(partitions)
        members = [f"{show}|{tier}" for show, tier in sorted(set(partitions))]
        argv = [to_us(now), to_us(datetime.now(UTC)), len(queues), *args]

        def send(*, enqueue: bool) -> Any:
            pipe = self.client.pipeline(transaction=False)
            if enqueue and queues:
                for queue in queues:
                    pipe.hincrby(queue, "waiting", 1)
                queue_index = f"{self.prefix}:queues"
                pipe.zadd(queue_index, dict.fromkeys(members, argv[1]))
                pipe.zremrangebyscore(queue_index, "-inf", f"({argv[1] - SHOW_KEYS_TTL_MS * 1000}")
            pipe.evalsha(self._shas[name], len(keys) + len(queues), *keys, *queues, *argv)
            if extra is not None:
                extra(pipe)
            results = pipe.execute(raise_on_error=False)
            return results[len(queues) + 2 if enqueue and queues else 0]

        result = send(enqueue=True)
        if isinstance(result, redis.exceptions.NoScriptError):
            self._load_scripts()
            result = send(enqueue=False)  # the first try already counted as waiting
        if isinstance(result, Exception):
            raise result
        return self._raise_for(result)

    def _eval(self, name: str, *, keys: list[str], args: list[Any]) -> Any:
        try:
            return self.client.evalsha(self._shas[name], len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:
            self._load_scripts()
            return self.client.evalsha(self._shas[name], len(keys), *keys, *args)

    def _load_scripts(self) -> None:
        for name, text in self._scripts.items():
            self._shas[name] = self.client.script_load(text)

    @staticmethod
    def _raise_for(result: list[str]) -> list[str]:
        if result[0] == "OK":
            return result
        _, code, detail = result
        errors: dict[str, Callable[[], Exception]] = {
            "SEAT_UNAVAILABLE": lambda: SeatUnavailable(detail.split(",")),
            "SEAT_LIMIT": lambda: SeatLimitReached(int(detail or 0)),
            "HOLD_NOT_ACTIVE": lambda: HoldNotActive(detail),
            "ORDER_NOT_PENDING": lambda: OrderNotPending(detail),
            "DUPLICATE": DuplicateRequest,
            "HOLD_CHANGED": HoldChanged,
            "HOLD_NOT_FOUND": HoldNotFound,
            "ORDER_NOT_FOUND": OrderNotFound,
        }
        raise errors[code]()

    @staticmethod
    def _index(pipe: Any, key: str, member: str, ends_at: datetime, now: datetime) -> None:
        """Add ``member`` to an index scored by when its record ends, and drop the entries
        whose records have expired, so indexes stay as small as the records they list."""
        pipe.zadd(key, {member: to_us(ends_at)})
        pipe.zremrangebyscore(key, "-inf", f"({to_us(now - RETENTION)}")

    def _end(
        self,
        show_id: str,
        kind: str,
        record_id: str,
        active: str,
        ended: str,
        not_active: str,
        *,
        partitions: Collection[Partition],
        now: datetime,
    ) -> dict[str, str]:
        """End an active hold or pending order and free its seats; its fields after."""
        claims, versions = self._show_keys(show_id)
        result = self._run(
            "RECORD_END",
            keys=[claims, versions, f"{self._show(show_id)}{kind}:{record_id}"],
            args=[f"{kind}:{record_id}", active, ended, f"{kind.upper()}_NOT_FOUND", not_active],
            partitions=partitions,
            now=now,
        )
        return _pairs(result)

    # -- records ------------------------------------------------------------------------

    @staticmethod
    def _record_ttl_ms(expires_at: datetime, now: datetime) -> int:
        return max(1, int((expires_at - now + RETENTION).total_seconds() * 1000))

    @staticmethod
    def _hold_from(fields: dict[str, str]) -> Hold:
        data = json.loads(fields["data"])
        return Hold(
            hold_id=data["hold_id"],
            user_id=int(fields["user"]),
            show_id=data["show_id"],
            seat_ids=tuple(fields["seats"].split(",")),
            status=HoldStatus(fields["status"]),
            created_at=from_us(data["created"]),
            expires_at=from_us(fields["expires"]),
            amount=Decimal(fields["amount"]),
        )

    @staticmethod
    def _order_data(order: Order) -> str:
        show = order.show
        return json.dumps(
            {
                "order_id": order.order_id,
                "hold_id": order.hold_id,
                "created": to_us(order.created_at),
                "tickets": str(order.tickets_amount),
                "fee": str(order.convenience_fee),
                "customer": [order.customer.name, order.customer.email, order.customer.phone],
                "show": [
                    show.show_id,
                    show.movie_id,
                    show.movie_title,
                    show.theatre_id,
                    show.theatre_name,
                    show.screen_name,
                    to_us(show.start_time),
                ],
            }
        )

    @staticmethod
    def _order_from(fields: dict[str, str]) -> Order:
        data = json.loads(fields["data"])
        show = data["show"]
        return Order(
            order_id=data["order_id"],
            hold_id=data["hold_id"],
            user_id=int(fields["user"]),
            show=ShowSnapshot(
                show_id=show[0],
                movie_id=show[1],
                movie_title=show[2],
                theatre_id=show[3],
                theatre_name=show[4],
                screen_name=show[5],
                start_time=from_us(show[6]),
            ),
            seat_ids=tuple(fields["seats"].split(",")),
            status=OrderStatus(fields["status"]),
            created_at=from_us(data["created"]),
            expires_at=from_us(fields["expires"]),
            tickets_amount=Decimal(data["tickets"]),
            convenience_fee=Decimal(data["fee"]),
            customer=Customer(*data["customer"]),
            ticket_code=fields.get("ticket") or None,
            confirmed_at=from_us(fields["confirmed"]) if fields.get("confirmed") else None,
            idempotency_key=fields.get("idempotency_key") or None,
        )

    def _read(self, kind: str, record_id: str) -> dict[str, str] | None:
        show_id = self.client.get(f"{self.prefix}:{kind}:{record_id}")
        if show_id is None:
            return None
        fields = self.client.hgetall(f"{self._show(show_id)}{kind}:{record_id}")
        return fields or None

    def _read_many(self, kind: str, members: list[str]) -> list[dict[str, str]]:
        """Records named by index members ``<show id>|<record id>``."""
        pipe = self.client.pipeline(transaction=False)
        for member in members:
            show_id, record_id = member.split("|", 1)
            pipe.hgetall(f"{self._show(show_id)}{kind}:{record_id}")
        return [fields for fields in pipe.execute() if fields]

    # -- holds --------------------------------------------------------------------------

    @guarded
    def hold_create(
        self,
        *,
        hold,
        partitions,
        unavailable,
        seat_limit,
        now,
        expected_versions: Mapping[str, int] | None = None,
    ) -> Hold:
        claims, versions = self._show_keys(hold.show_id)
        base = self._show(hold.show_id)
        ttl = self._record_ttl_ms(hold.expires_at, now)
        data = json.dumps(
            {"hold_id": hold.hold_id, "show_id": hold.show_id, "created": to_us(hold.created_at)}
        )
        expected = ",".join(
            f"{seat}={version}" for seat, version in (expected_versions or {}).items()
        )

        def index(pipe) -> None:
            pipe.set(f"{self.prefix}:hold:{hold.hold_id}", hold.show_id, px=ttl, nx=True)
            self._index(
                pipe, f"{self.prefix}:holds", f"{hold.show_id}|{hold.hold_id}", hold.expires_at, now
            )

        self._run(
            "HOLD_CREATE",
            keys=[claims, versions, f"{base}user:{hold.user_id}", f"{base}hold:{hold.hold_id}"],
            args=[
                hold.hold_id,
                hold.user_id,
                ",".join(hold.seat_ids),
                ",".join(unavailable),
                seat_limit,
                to_us(hold.expires_at),
                data,
                str(hold.amount),
                expected,
                ttl,
                SHOW_KEYS_TTL_MS,
                base,
            ],
            partitions=partitions,
            now=now,
            extra=index,
        )
        return hold

    @guarded
    def hold_get(self, *, hold_id: str) -> Hold | None:
        fields = self._read("hold", hold_id)
        return self._hold_from(fields) if fields else None

    @guarded
    def hold_change_seats(
        self, *, show_id, hold_id, seat_ids, amount, partitions, unavailable, seat_limit, now
    ) -> Hold:
        claims, versions = self._show_keys(show_id)
        base = self._show(show_id)
        result = self._run(
            "HOLD_CHANGE",
            keys=[claims, versions, f"{base}hold:{hold_id}"],
            args=[
                hold_id,
                ",".join(seat_ids),
                ",".join(unavailable),
                seat_limit,
                str(amount),
                SHOW_KEYS_TTL_MS,
                base,
            ],
            partitions=partitions,
            now=now,
        )
        return self._hold_from(_pairs(result))

    @guarded
    def hold_release(self, *, show_id, hold_id, partitions, now) -> Hold:
        fields = self._end(
            show_id,
            "hold",
            hold_id,
            "HELD",
            "RELEASED",
            "HOLD_NOT_ACTIVE",
            partitions=partitions,
            now=now,
        )
        return self._hold_from(fields)

    # -- orders -------------------------------------------------------------------------

    @guarded
    def order_create(self, *, order, partitions, now) -> Order:
        show_id = order.show.show_id
        claims, versions = self._show_keys(show_id)
        base = self._show(show_id)
        ttl = self._record_ttl_ms(order.expires_at, now)

        def index(pipe) -> None:
            member = f"{show_id}|{order.order_id}"
            pipe.set(f"{self.prefix}:order:{order.order_id}", show_id, px=ttl, nx=True)
            user_orders = f"{self.prefix}:user-orders:{order.user_id}"
            self._index(pipe, user_orders, member, order.expires_at, now)
            pipe.pexpire(user_orders, SHOW_KEYS_TTL_MS)
            self._index(pipe, f"{self.prefix}:orders", member, order.expires_at, now)

        self._run(
            "ORDER_CREATE",
            keys=[
                claims,
                versions,
                f"{base}user:{order.user_id}",
                f"{base}hold:{order.hold_id}",
                f"{base}order:{order.order_id}",
            ],
            args=[
                order.hold_id,
                order.order_id,
                order.user_id,
                ",".join(order.seat_ids),
                to_us(order.expires_at),
                self._order_data(order),
                ttl,
                SHOW_KEYS_TTL_MS,
            ],
            partitions=partitions,
            now=now,
            extra=index,
        )
        return order

    @guarded
    def order_get(self, *, order_id: str) -> Order | None:
        fields = self._read("order", order_id)
        return self._order_from(fields) if fields else None

    @guarded
    def order_list(self, *, user_id: int) -> list[Order]:
        members = self.client.zrange(f"{self.prefix}:user-orders:{user_id}", 0, -1)
        return [self._order_from(fields) for fields in self._read_many("order", members)]

    @guarded
    def order_cancel(self, *, show_id, order_id, partitions, now) -> Order:
        fields = self._end(
            show_id,
            "order",
            order_id,
            "PAYMENT_PENDING",
            "CANCELLED",
            "ORDER_NOT_PENDING",
            partitions=partitions,
            now=now,
        )
        return self._order_from(fields)

    @guarded
    def order_confirm(
        self, *, show_id, order_id, ticket_code, idempotency_key, partitions, now
    ) -> Order:
        claims, versions = self._show_keys(show_id)
        result = self._run(
            "ORDER_CONFIRM",
            keys=[claims, versions, f"{self._show(show_id)}order:{order_id}"],
            args=[order_id, ticket_code, idempotency_key or "", SHOW_KEYS_TTL_MS],
            partitions=partitions,
            now=now,
        )
        return self._order_from(_pairs(result))

    # -- reads --------------------------------------------------------------------------

    @guarded
    def show_claims(self, *, show_id: str, now: datetime) -> ShowClaims:
        claims = self.client.hgetall(self._show_keys(show_id)[0])
        at = to_us(now)
        held, sold = set(), set()
        for seat, value in claims.items():
            expires = int(value.rsplit("|", 1)[1])
            if expires == 0:
                sold.add(seat)
            elif expires > at:
                held.add(seat)
        return ShowClaims(held=frozenset(held), sold=frozenset(sold))

    @guarded
    def seat_versions(self, *, show_id: str) -> dict[str, int]:
        versions = self.client.hgetall(self._show_keys(show_id)[1])
        return {seat: int(version) for seat, version in versions.items()}

    @guarded
    def queue_stats(self) -> list[PartitionStats]:
        partitions = sorted(self.client.zrange(f"{self.prefix}:queues", 0, -1))
        pipe = self.client.pipeline(transaction=False)
        for member in partitions:
            show_id, tier = member.split("|", 1)
            pipe.hgetall(f"{self._show(show_id)}queue:{tier}")
        stats = []
        for member, fields in zip(partitions, pipe.execute(), strict=True):
            show_id, tier = member.split("|", 1)
            stats.append(
                PartitionStats(
                    show_id=show_id,
                    tier=tier,
                    waiting=max(0, int(fields.get("waiting", 0))),
                    processed=int(fields.get("processed", 0)),
                    rejected=int(fields.get("rejected", 0)),
                    longest_wait_seconds=int(fields.get("longest_wait_us", 0)) / 1_000_000,
                )
            )
        return stats

    @guarded
    def holds_list(self) -> list[Hold]:
        members = self.client.zrange(f"{self.prefix}:holds", 0, -1)
        return [self._hold_from(fields) for fields in self._read_many("hold", members)]

    @guarded
    def orders_list(self) -> list[Order]:
        members = self.client.zrange(f"{self.prefix}:orders", 0, -1)
        return [self._order_from(fields) for fields in self._read_many("order", members)]

    @guarded
    def purge(self, *, now: datetime, keep_for: timedelta) -> int:
        """Forget holds and orders whose window ended before ``now - keep_for`` (they are
        indexed by that end), and the expired claims of their shows."""
        cutoff = to_us(now - keep_for)
        removed = 0
        shows = set()
        for kind in ("hold", "order"):
            index = f"{self.prefix}:{kind}s"
            members = self.client.zrangebyscore(index, "-inf", f"({cutoff}")
            if not members:
                continue
            pipe = self.client.pipeline(transaction=False)
            pipe.zrem(index, *members)
            for member in members:
                show_id, record_id = member.split("|", 1)
                shows.add(show_id)
                pipe.delete(
                    f"{self._show(show_id)}{kind}:{record_id}", f"{self.prefix}:{kind}:{record_id}"
                )
            pipe.execute()
            removed += len(members)
        for show_id in shows:
            self._eval("CLAIMS_PURGE", keys=[self._show_keys(show_id)[0]], args=[to_us(now)])
        return removed


def _pairs(result: list[str]) -> dict[str, str]:
    """The record fields a script returned after "OK"."""
    fields = result[1:]
    return dict(zip(fields[::2], fields[1::2], strict=True))
