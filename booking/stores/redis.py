"""The Redis booking store: one truth for any number of worker processes and machines.

Each write is one round trip: one Redis Function (``redis_functions``) that checks
everything, judges time on the server's clock, and writes all of it or nothing. Keys are
named in ``redis_keys``, records are serialized in ``records``; this module is the
transport. ``RedisClusterBookingStore`` runs the same functions on a Redis Cluster.

When Redis cannot be reached or does not answer, every method raises
``StoreUnavailable`` (for a write whose answer was lost, with ``outcome_unknown``: the
function may have run, completely). Run Redis with ``maxmemory-policy noeviction``.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.exceptions import RedisClusterException
from redis.retry import Retry

from booking.domain import Hold, HoldStatus, Order, PartitionStats, Sale, ShowClaims
from booking.errors import DuplicateRequest, StoreUnavailable, error_from_code
from booking.stores import records
from booking.stores.base import BookingStore, Clock, HoldRequest, OrderRequest, SeatClaim
from booking.stores.records import MICROSECOND, csv, from_us, to_us
from booking.stores.redis_functions import FUNCTIONS, LIBRARY
from booking.stores.redis_keys import TOUCHED, Keys, queues
from bookmyshow.redis_cluster import cluster_client

logger = logging.getLogger(__name__)

RETENTION = timedelta(days=1)  # ended holds and orders stay readable this long
RETENTION_US = RETENTION // MICROSECOND
SHOW_KEYS_TTL_MS = int(timedelta(days=8).total_seconds() * 1000)
FACTS_CACHE_SIZE = 50_000
DUPLICATE = DuplicateRequest.code


def _us(delta: timedelta) -> int:
    return delta // MICROSECOND


def guarded[F: Callable[..., Any]](*, write: bool) -> Callable[[F], F]:
    """Turn any Redis failure into ``StoreUnavailable``; a write's outcome is then
    unknown, since the function may have run before the answer was lost."""

    def decorate(method: F) -> F:
        @wraps(method)
        def wrapper(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except (redis.RedisError, RedisClusterException) as exc:
                logger.warning("Booking store failed in %s: %s", method.__name__, exc)
                raise StoreUnavailable(outcome_unknown=write) from exc

        return wrapper  # type: ignore[return-value]

    return decorate


@dataclass(frozen=True, slots=True)
class Facts:
    """What never changes about a hold or order: where it lives and whom it counts for."""

    show_id: str
    user_id: int
    client: str

    @property
    def pointer(self) -> str:
        return f"{self.show_id}|{self.user_id}|{self.client}"

    @classmethod
    def parse(cls, pointer: str) -> "Facts":
        show_id, user_id, client = pointer.split("|", 2)
        return cls(show_id, int(user_id), client)


@dataclass(frozen=True, slots=True)
class Reply:
    code: str
    now: datetime
    detail: str
    fields: dict[str, str]

    @classmethod
    def parse(cls, raw: list) -> "Reply":
        code, now, detail, flat = raw
        return cls(code, from_us(now), detail, dict(zip(flat[::2], flat[1::2], strict=True)))


class RedisBookingStore(BookingStore):
    backend_name = "redis"
    # On a single server the functions write the cross-show indexes themselves.
    indexes_in_functions = True

    def __init__(
        self, location: str, options: dict | None = None, *, clock: Clock | None = None
    ) -> None:
        super().__init__(clock=clock)
        options = options or {}
        self.keys = Keys(options.get("KEY_PREFIX", "bms"))
        self.client = self._connect(location, options)
        self._facts: dict[str, Facts] = {}
        self.check_eviction_policy()

    @staticmethod
    def _connect(location: str, options: dict) -> Any:
        return redis.Redis.from_url(location, **RedisBookingStore._client_options(options))

    @staticmethod
    def _client_options(options: dict) -> dict[str, Any]:
        return {
            "decode_responses": True,
            "socket_connect_timeout": options.get("CONNECT_TIMEOUT", 0.5),
            "socket_timeout": options.get("SOCKET_TIMEOUT", 1.0),
            # A write whose answer was lost may have run: never send it again by itself.
            "retry": Retry(NoBackoff(), 0),
            "health_check_interval": 15,
        }

    def check_eviction_policy(self) -> None:
        """Warn loudly unless Redis keeps every key: evicting a hold frees its seats."""
        try:
            policies = self._eviction_policies()
        except redis.RedisError as exc:
            logger.warning(
                "Could not read Redis maxmemory-policy (%s); it must be noeviction, or "
                "Redis may drop holds under memory pressure.",
                exc,
            )
            return
        wrong = sorted({policy for policy in policies if policy != "noeviction"})
        if wrong:
            logger.error(
                "Redis maxmemory-policy is %s: set it to noeviction, or Redis may drop "
                "holds under memory pressure and free their seats.",
                ", ".join(wrong),
            )

    def _eviction_policies(self) -> list[str]:
        return [self.client.config_get("maxmemory-policy")["maxmemory-policy"]]

    def _server_now(self) -> datetime:
        seconds, micros = self.client.time()
        return from_us(seconds * 1_000_000 + micros)

    # -- running functions ----------------------------------------------------------------

    def _clock(self) -> str:
        """The functions' clock argument: empty for the server's own ``TIME``."""
        return "" if self.clock is None else str(to_us(self.clock()))

    def _load_library(self) -> None:
        """Load the functions (a restarted Redis, or a new one, has not got them)."""
        try:
            self.client.function_load(LIBRARY)
        except redis.exceptions.ResponseError as exc:
            if "already exists" not in str(exc):  # another process loaded it first
                raise

    def _run(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return self._run_many([(name, keys, args)])[0]

    def _run_many(self, calls: list[tuple[str, list[str], list[Any]]]) -> list[Any]:
        """Several functions in one round trip (one pipeline). A function the server does
        not know never ran: the library is loaded and the calls are sent again."""

        def send() -> list[Any]:
            if len(calls) == 1:  # a pipeline costs more than it saves for a single call
                name, keys, args = calls[0]
                try:
                    return [self.client.fcall(FUNCTIONS[name], len(keys), *keys, *args)]
                except redis.exceptions.ResponseError as exc:
                    return [exc]
            pipe = self.client.pipeline(transaction=False)
            for name, keys, args in calls:
                pipe.execute_command("FCALL", FUNCTIONS[name], len(keys), *keys, *args)
            return pipe.execute(raise_on_error=False)

        results = send()
        if any(_unknown_function(result) for result in results):
            self._load_library()
            results = send()
        for result in results:
            if isinstance(result, Exception):
                raise result
        return results

    def _step(
        self,
        name: str,
        facts: Facts,
        records_keys: list[str],
        args: list[Any],
        *,
        index: tuple[str, str] | None = None,
    ) -> Reply:
        """Run one write function on the show of ``facts``, acting for its user and
        client address, on the records named; raise the error it reports. ``index``
        (kind, record id) names the record a creating step indexes: the function writes
        its indexes on a single server; on a cluster they are written here, after it
        succeeded (a repeat writes them again, so a lost index write is repaired by the
        retry)."""
        show = self.keys.show(facts.show_id)
        keys = [show.claims, show.versions, show.counts, *records_keys]
        if index is not None and self.indexes_in_functions:
            keys += self._index_keys(*index, facts.user_id)
        args = [self._clock(), facts.user_id, facts.client, *args]
        reply = Reply.parse(self._run(name, keys, args))
        if reply.code not in ("OK", DUPLICATE):
            raise error_from_code(reply.code, reply.detail)
        if index is not None and not self.indexes_in_functions:
            self._index_after(*index, facts, reply)
        return reply

    def _index_keys(self, kind: str, record_id: str, user_id: int) -> list[str]:
        return [
            self.keys.pointer(kind, record_id),
            self.keys.index(kind),
            self.keys.user_index(kind, user_id),
            self.keys.index("show"),
        ]

    def _index_after(self, kind: str, record_id: str, facts: Facts, reply: Reply) -> None:
        """What ``index`` in the functions does, as single-key commands (one pipeline) for a
        cluster, where the index keys live on other slots than the show's."""
        now = to_us(reply.now)
        ends = int(reply.fields["live"]) if reply.fields else int(reply.detail)
        retention = RETENTION_US
        pointer, index, user_index, shows = self._index_keys(kind, record_id, facts.user_id)
        member = f"{facts.show_id}|{record_id}"
        pipe = self.client.pipeline(transaction=False)
        pipe.set(pointer, facts.pointer, px=(ends - now + retention) // 1000)
        pipe.zadd(index, {member: ends})
        pipe.zadd(user_index, {member: ends})
        pipe.pexpire(user_index, SHOW_KEYS_TTL_MS)
        pipe.zadd(shows, {facts.show_id: now})
        if member.endswith("0"):  # one write in 16 trims, as the functions do
            for key in (index, user_index):
                pipe.zremrangebyscore(key, "-inf", f"({now - 2 * retention}")
        pipe.execute()

    # -- facts of existing records --------------------------------------------------------

    def _remember(self, record_id: str, facts: Facts) -> None:
        if len(self._facts) >= FACTS_CACHE_SIZE:
            self._facts.clear()
        self._facts[record_id] = facts

    def _facts_of(self, kind: str, record_ids: Iterable[str]) -> dict[str, Facts]:
        """Where each record lives, from this process's memory or the pointers (one round
        trip for those not remembered). Records without a pointer are left out."""
        found = {i: self._facts[i] for i in record_ids if i in self._facts}
        missing = [i for i in record_ids if i not in found]
        if missing:
            pipe = self.client.pipeline(transaction=False)
            for record_id in missing:
                pipe.get(self.keys.pointer(kind, record_id))
            for record_id, pointer in zip(missing, pipe.execute(), strict=True):
                if pointer:
                    found[record_id] = Facts.parse(pointer)
                    self._remember(record_id, found[record_id])
        return found

    def _require(self, kind: str, record_id: str) -> Facts:
        facts = self._facts_of(kind, [record_id]).get(record_id)
        if facts is None:
            raise error_from_code(f"{kind.upper()}_NOT_FOUND")
        return facts

    # -- holds ----------------------------------------------------------------------------

    @guarded(write=True)
    def _hold_create(self, request: HoldRequest) -> Hold:
        claim, show = request.claim, self.keys.show(request.show_id)
        facts = Facts(request.show_id, request.user_id, request.client)
        reply = self._step(
            "HOLD_CREATE",
            facts,
            [show.hold(request.hold_id)],
            [
                request.hold_id,
                csv(claim.seat_ids),
                csv(claim.tiers),
                _among(claim.unavailable, claim.seat_ids),
                claim.user_limit,
                claim.client_limit,
                _us(request.ttl),
                to_us(claim.sales_close_at),
                SHOW_KEYS_TTL_MS,
                RETENTION_US,
                request.show_id,
                str(claim.amount),
                request.fingerprint,
            ],
            index=("hold", request.hold_id),
        )
        self._remember(request.hold_id, facts)
        if reply.code == DUPLICATE:
            existing = records.hold_from_fields(reply.fields)
            raise DuplicateRequest(existing.at(reply.now), existing.fingerprint)
        return Hold(  # the function said only when it expires; the rest is the request's
            hold_id=request.hold_id,
            user_id=request.user_id,
            show_id=request.show_id,
            seat_ids=claim.seat_ids,
            status=HoldStatus.HELD,
            created_at=reply.now,
            expires_at=from_us(reply.detail),
            amount=claim.amount,
            as_of=reply.now,
        )

    @guarded(write=True)
    def hold_change_seats(self, *, hold_id: str, user_id: int, claim: SeatClaim) -> Hold:
        facts = self._require("hold", hold_id)
        reply = self._step(
            "HOLD_CHANGE",
            facts,
            [self.keys.show(facts.show_id).hold(hold_id)],
            [
                user_id,
                csv(claim.seat_ids),
                csv(claim.tiers),
                str(claim.amount),
                _among(claim.unavailable, claim.seat_ids),
                claim.user_limit,
                claim.client_limit,
                to_us(claim.sales_close_at),
            ],
        )
        return records.hold_from_fields(reply.fields).at(reply.now)

    @guarded(write=True)
    def hold_release(self, *, hold_id: str, user_id: int | None) -> Hold:
        facts = self._require("hold", hold_id)
        reply = self._step(
            "HOLD_RELEASE",
            facts,
            [self.keys.show(facts.show_id).hold(hold_id)],
            ["" if user_id is None else user_id, "RELEASED"],
        )
        return records.hold_from_fields(reply.fields).at(reply.now)

    # -- orders ---------------------------------------------------------------------------

    @guarded(write=True)
    def _order_create(self, request: OrderRequest) -> Order:
        facts = self._require("hold", request.hold_id)
        show = self.keys.show(facts.show_id)
        fields = records.order_fields(
            order_id=request.order_id,
            hold_id=request.hold_id,
            user_id=facts.user_id,
            client=facts.client,
            show=request.show,
            seat_ids=request.seat_ids,
            tiers=(),  # the function copies the hold's seats, tiers, user and client
            tickets_amount=request.tickets_amount,
            convenience_fee=request.convenience_fee,
            customer=request.customer,
            fingerprint=request.fingerprint,
        )
        for copied in ("seats", "tiers", "user", "client"):
            del fields[copied]
        reply = self._step(
            "ORDER_CREATE",
            facts,
            [show.hold(request.hold_id), show.order(request.order_id)],
            [
                request.user_id,
                csv(request.seat_ids),
                _among(request.unavailable, request.seat_ids),
                _us(request.ttl),
                to_us(request.sales_close_at),
                SHOW_KEYS_TTL_MS,
                RETENTION_US,
                facts.show_id,
                request.order_id,
                *_flat(fields),
            ],
            index=("order", request.order_id),
        )
        self._remember(request.order_id, facts)
        order = records.order_from_fields(reply.fields)
        if reply.code == DUPLICATE:
            raise DuplicateRequest(order.at(reply.now), order.fingerprint)
        return order.at(reply.now)

    def _order_step(self, name: str, order_id: str, args: list[Any]) -> Order:
        facts = self._require("order", order_id)
        reply = self._step(name, facts, [self.keys.show(facts.show_id).order(order_id)], args)
        return records.order_from_fields(reply.fields).at(reply.now)

    @guarded(write=True)
    def order_cancel(self, *, order_id: str, user_id: int | None) -> Order:
        return self._order_step(
            "ORDER_CANCEL", order_id, ["" if user_id is None else user_id, "CANCELLED"]
        )

    @guarded(write=True)
    def order_payment_start(
        self, *, order_id: str, user_id: int, unavailable: Collection[str], grace: timedelta
    ) -> Order:
        return self._order_step(
            "ORDER_PAYMENT_START", order_id, [user_id, csv(sorted(unavailable)), _us(grace)]
        )

    @guarded(write=True)
    def order_payment_fail(self, *, order_id: str) -> Order:
        return self._order_step("ORDER_PAYMENT_FAIL", order_id, ["", "CANCELLED"])

    @guarded(write=True)
    def sale_record(self, sale: Sale) -> None:
        # The order's pointer may be gone (a restarted Redis): the sale is recorded anyway.
        known = self._facts_of("order", [sale.order_id]).get(sale.order_id)
        facts = known or Facts(sale.show_id, sale.user_id, "")
        show = self.keys.show(sale.show_id)
        self._step(
            "SALE_RECORD",
            facts,
            [show.order(sale.order_id), show.released(sale.order_id)],
            [sale.order_id, csv(sale.seat_ids), SHOW_KEYS_TTL_MS],
        )

    @guarded(write=True)
    def sale_release(self, sale: Sale) -> None:
        known = self._facts_of("order", [sale.order_id]).get(sale.order_id)
        facts = known or Facts(sale.show_id, sale.user_id, "")
        self._step(
            "SALE_RELEASE",
            facts,
            [self.keys.show(sale.show_id).released(sale.order_id)],
            [sale.order_id, csv(sorted(sale.seat_ids)), SHOW_KEYS_TTL_MS],
        )

    # -- reads ----------------------------------------------------------------------------

    def _read_records(self, kind: str, located: dict[str, str]) -> list[tuple[dict, datetime]]:
        """Records by id -> show id, one function call per show, in one round trip."""
        by_show: dict[str, list[str]] = defaultdict(list)
        for record_id, show_id in located.items():
            by_show[show_id].append(record_id)
        calls = [
            (
                "RECORDS_READ",
                [getattr(self.keys.show(show_id), kind)(i) for i in ids],
                [self._clock()],
            )
            for show_id, ids in by_show.items()
        ]
        found = []
        for now, *fields_lists in self._run_many(calls) if calls else []:
            for flat in fields_lists:
                if flat:
                    found.append((dict(zip(flat[::2], flat[1::2], strict=True)), from_us(now)))
        return found

    def _holds(self, located: dict[str, str]) -> list[Hold]:
        return [
            records.hold_from_fields(fields).at(now)
            for fields, now in self._read_records("hold", located)
        ]

    def _orders(self, located: dict[str, str]) -> list[Order]:
        return [
            records.order_from_fields(fields).at(now)
            for fields, now in self._read_records("order", located)
        ]

    def _located(self, kind: str, ids: Collection[str]) -> dict[str, str]:
        return {i: facts.show_id for i, facts in self._facts_of(kind, ids).items()}

    def _indexed(self, key: str) -> dict[str, str]:
        """Records named in an index, by id -> show id."""
        members = self.client.zrange(key, 0, -1)
        return {record_id: show_id for show_id, record_id in (m.split("|") for m in members)}

    @guarded(write=False)
    def holds_get(self, hold_ids: Collection[str]) -> dict[str, Hold]:
        return {hold.hold_id: hold for hold in self._holds(self._located("hold", hold_ids))}

    @guarded(write=False)
    def orders_get(self, order_ids: Collection[str]) -> dict[str, Order]:
        located = self._located("order", order_ids)
        return {order.order_id: order for order in self._orders(located)}

    @guarded(write=False)
    def user_holds(self, user_id: int) -> list[Hold]:
        return self._holds(self._indexed(self.keys.user_index("hold", user_id)))

    @guarded(write=False)
    def user_orders(self, user_id: int) -> list[Order]:
        return self._orders(self._indexed(self.keys.user_index("order", user_id)))

    @guarded(write=False)
    def holds_list(self) -> list[Hold]:
        return self._holds(self._indexed(self.keys.index("hold")))

    @guarded(write=False)
    def orders_list(self) -> list[Order]:
        return self._orders(self._indexed(self.keys.index("order")))

    @guarded(write=False)
    def shows_claims(self, show_ids: Collection[str]) -> dict[str, ShowClaims]:
        ids = list(show_ids)
        calls = [
            ("CLAIMS_READ", [self.keys.show(i).claims, self.keys.show(i).counts], [self._clock()])
            for i in ids
        ]
        found = {}
        for show_id, (now, version, flat) in zip(ids, self._run_many(calls), strict=True):
            held, sold = set(), set()
            for seat, value in zip(flat[::2], flat[1::2], strict=True):
                if seat == TOUCHED:
                    continue
                until = int(value.rsplit("|", 1)[1])
                if until == 0:
                    sold.add(seat)
                elif until > int(now):
                    held.add(seat)
            found[show_id] = ShowClaims(
                held=frozenset(held),
                sold=frozenset(sold),
                version=int(version),
                as_of=from_us(now),
            )
        return found

    @guarded(write=False)
    def seats_claimed(self, show_id: str, seat_ids: Collection[str]) -> frozenset[str]:
        seats = list(seat_ids)
        if not seats:
            return frozenset()
        claims = self.keys.show(show_id).claims
        return frozenset(self._run("SEATS_CLAIMED", [claims], [self._clock(), *seats]))

    @guarded(write=False)
    def seat_versions(self, show_id: str) -> dict[str, int]:
        versions = self.client.hgetall(self.keys.show(show_id).versions)
        return {seat: int(version) for seat, version in versions.items()}

    @guarded(write=False)
    def queue_stats(self) -> list[PartitionStats]:
        show_ids = sorted(self.client.zrange(self.keys.index("show"), 0, -1))
        pipe = self.client.pipeline(transaction=False)
        for show_id in show_ids:
            pipe.hgetall(self.keys.show(show_id).counts)
        return [
            PartitionStats(
                show_id=show_id,
                tier=tier,
                waiting=None,
                processed=int(count),
                rejected=None,
                longest_wait_seconds=None,
            )
            for show_id, counts in zip(show_ids, pipe.execute(), strict=True)
            for tier, count in queues(counts)
        ]

    @guarded(write=True)
    def purge(self, *, keep_for: timedelta) -> int:
        """Forget holds and orders whose claims ended before ``now - keep_for`` (their
        indexes are scored by that end), the expired claims of their shows, and shows
        that saw no change for as long as their keys live."""
        now = to_us(self.now())
        cutoff = now - _us(keep_for)
        removed, shows = 0, set()
        for kind in ("hold", "order"):
            ended = self.client.zrangebyscore(self.keys.index(kind), "-inf", f"({cutoff}")
            if not ended:
                continue
            pipe = self.client.pipeline(transaction=False)
            pipe.zrem(self.keys.index(kind), *ended)
            for member in ended:
                show_id, record_id = member.split("|", 1)
                shows.add(show_id)
                pipe.delete(getattr(self.keys.show(show_id), kind)(record_id))
                pipe.delete(self.keys.pointer(kind, record_id))
            pipe.execute()
            removed += len(ended)
        if shows:
            self._run_many(
                [("CLAIMS_PURGE", [self.keys.show(i).claims], [self._clock()]) for i in shows]
            )
        stale = now - SHOW_KEYS_TTL_MS * 1000
        self.client.zremrangebyscore(self.keys.index("show"), "-inf", f"({stale}")
        return removed


class RedisClusterBookingStore(RedisBookingStore):
    """The same store on a Redis Cluster (``redis-cluster://host:port[,host:port…]``).

    Each function touches one show's keys only, all in the show's slot, so it runs on the
    node that owns the show. The indexes that span shows live on other slots: they are
    written right after a step that creates a hold or an order has succeeded (never for a
    refused one), and a repeat of that request writes them again.
    """

    backend_name = "redis cluster"
    indexes_in_functions = False

    @staticmethod
    def _connect(location: str, options: dict) -> Any:
        return cluster_client(location, **RedisBookingStore._client_options(options))

    def _eviction_policies(self) -> list[str]:
        replies = self.client.config_get("maxmemory-policy", target_nodes=RedisCluster.PRIMARIES)
        return [reply["maxmemory-policy"] for reply in replies.values()]


def _among(unavailable: Collection[str], seat_ids: Collection[str]) -> str:
    """The unavailable seats a step needs to know about: those it is asked to claim (a
    nearly sold-out hall has hundreds; sending them all would cost every hold)."""
    return csv(sorted(set(seat_ids) & set(unavailable)))


def _flat(fields: dict[str, str]) -> list[str]:
    return [item for pair in fields.items() for item in pair]


def _unknown_function(result: Any) -> bool:
    """Whether a reply says the server has not got the function (nothing ran)."""
    return isinstance(result, redis.exceptions.ResponseError) and (
        "Function not found" in str(result)
    )
