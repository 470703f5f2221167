"""Every change to bookings: holds, orders, payment. Validate first, then one store step.

Nothing here judges time: expiry and the sales window are decided inside the store's
atomic step, on the store's clock. Errors are the ``booking.errors`` classes; nothing
here knows about HTTP. Callers pass canonical ids (``bookmyshow.ids``).
"""

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking import picking, sales, selectors
from booking.cancellation import DEFAULT_POLICY, Policy, RefundQuote, policy_from_row, refund_quote
from booking.domain import Customer, Hold, Order, OrderStatus, ShowSnapshot
from booking.errors import (
    AlreadyCheckedIn,
    BookingError,
    CancellationClosed,
    CancellationNotAvailable,
    DuplicateSeats,
    HoldNotActive,
    HoldNotFound,
    NotYours,
    OrderNotFound,
    OrderNotPending,
    OrphanSeat,
    SeatsNotOnTicket,
    SeatUnavailable,
    StoreUnavailable,
    TicketCancelled,
    TicketNotFound,
    TooManySeats,
    UnknownSeat,
    UnknownTier,
    WholeOrderOnly,
    WrongShow,
)
from booking.models import Booking, CancellationPolicy, Refund, SoldSeat
from booking.notifications import cancellation_confirmation_queue
from booking.pricing import price_seats
from booking.seats import sales_close_at, seat_states
from booking.stores import get_store
from booking.stores.base import HoldRequest, OrderRequest, SeatClaim
from booking.tickets import ticket_code_from_scan
from bookmyshow.mail import outbox_retry
from bookmyshow.money import money
from bookmyshow.ratelimit import rate_limit_hit
from bookmyshow.signin_help import email_verified_check
from catalog.domain import Show
from catalog.errors import MovieNotFound, ShowCancelled, ShowNotFound
from catalog.sources import get_catalog

logger = logging.getLogger(__name__)

# Ids named by an idempotency key (or a form's one-time token) are derived from it, so
# a repeat names the same hold or order and finds it.
IDEMPOTENT_IDS = uuid.UUID("1b6e5f44-59c2-4a8e-9d2c-3f1f6a0c2b71")
HOLD_RATE_MESSAGE = "You are changing seats too quickly. Please wait a moment and try again."


def _idempotent(kind: str, user_id: int, key: str | None, request: str) -> tuple[str, str]:
    """The id of a new hold or order and the fingerprint of the request that makes it:
    random without a key; with one, derived from the user and the key."""
    if key is None:
        return str(uuid.uuid4()), ""
    record_id = str(uuid.uuid5(IDEMPOTENT_IDS, f"{kind}:{user_id}:{key}"))
    return record_id, hashlib.sha256(request.encode()).hexdigest()[:32]


def _checked_seats(show: Show, seat_ids: Sequence[str]) -> tuple[str, ...]:
    """The seats to claim, after every check that needs no store: count, duplicates,
    seats in the layout. Blocked and sold seats are checked by the store together with
    live claims, so one error names every unavailable seat."""
    if not 1 <= len(seat_ids) <= settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(settings.MAX_SEATS_PER_HOLD)
    if len(set(seat_ids)) != len(seat_ids):
        raise DuplicateSeats()
    unknown = [seat_id for seat_id in seat_ids if seat_id not in show.layout.seats_by_id]
    if unknown:
        raise UnknownSeat(unknown)
    return tuple(seat_ids)


def _show_recent(show_id: str) -> Show:
    """The show, with its source's seats as they stood at most
    ``BMS_SEATMAP_MAX_AGE_SECONDS`` ago: what a hold is checked against."""
    return get_catalog().show_get(show_id=show_id, max_age=settings.BMS_SEATMAP_MAX_AGE_SECONDS)


def _show_now(show_id: str) -> Show:
    """The show, with its source's seats read now, past every cache: before an order and
    a payment, when the source may have sold a seat since it was held here."""
    return get_catalog().show_get(show_id=show_id, max_age=0)


def _unavailable(show: Show) -> frozenset[str]:
    """Seats no one may claim, whatever the store says: blocked, held at the source, or
    sold (read from the database, so a store that lost its state still refuses them)."""
    return frozenset(seat_states(show, sold=sales.sold_seat_ids(show_id=show.show_id, memo=True)))


def _taken_now(show: Show) -> frozenset[str]:
    """Every seat that is not free now: ``_unavailable`` and the store's live claims."""
    claims = get_store().show_claims(show.show_id)
    sold = sales.sold_seat_ids(show_id=show.show_id, memo=True)
    return frozenset(seat_states(show, sold=sold, claims=claims))


def _orphan_rule_check(
    show: Show, seat_ids: Sequence[str], *, released: Sequence[str] = ()
) -> None:
    """Refuse a selection that strands a single seat (``booking.picking``), judged on the
    seats as they stand now, ``released`` counted as free (a hold's own seats when it
    changes them). A selection with a seat taken meanwhile is left to the store, which
    names every seat in conflict. Not atomic with the claim: two holds at once may
    together strand a seat that neither did alone. Raises ``OrphanSeat``."""
    if not settings.ORPHAN_SEAT_RULE:
        return
    # Only the selection's row segments matter: read those seats, not the whole show.
    near = {
        seat.seat_id for segment in picking.segments_with(show.layout, seat_ids) for seat in segment
    }
    claimed = get_store().seats_claimed(show.show_id, near)
    taken = ((_unavailable(show) & near) | claimed) - set(released)
    if taken.isdisjoint(seat_ids) and (
        stranded := picking.stranded_seats(show.layout, taken, seat_ids)
    ):
        raise OrphanSeat(stranded)


def _seat_claim(show: Show, seat_ids: Sequence[str]) -> SeatClaim:
    seats = _checked_seats(show, seat_ids)
    return SeatClaim(
        seat_ids=seats,
        tiers=tuple(show.layout.seats_by_id[seat].tier for seat in seats),
        amount=price_seats(show.layout, seats).total,
        unavailable=_unavailable(show),
        sales_close_at=sales_close_at(show.start_time),
        user_limit=settings.MAX_ACTIVE_SEATS_PER_USER,
        client_limit=settings.MAX_ACTIVE_SEATS_PER_CLIENT,
    )


def _seat_changes_limit(user_id: int) -> None:
    """Hold creation and seat changes share one limit per user, through every door, and
    need a verified e-mail address (an account made through the sign-up form)."""
    email_verified_check(user_id)
    rate_limit_hit(
        scope="hold", ident=str(user_id), rate=settings.HOLD_RATE_LIMIT, message=HOLD_RATE_MESSAGE
    )


def _hold_place(
    *,
    show: Show,
    user_id: int,
    client: str,
    claim: SeatClaim,
    hold_id: str,
    fingerprint: str,
) -> Hold:
    hold = get_store().hold_create(
        HoldRequest(
            hold_id=hold_id,
            user_id=user_id,
            client=client,
            show_id=show.show_id,
            claim=claim,
            ttl=timedelta(seconds=settings.HOLD_TTL_SECONDS),
            fingerprint=fingerprint,
        )
    )
    return replace(hold, together=picking.seats_together(show.layout, hold.seat_ids))


def hold_create(
    *,
    user_id: int,
    client: str,
    show_id: str,
    seat_ids: Sequence[str],
    idempotency_key: str | None = None,
) -> Hold:
    """Hold ``seat_ids`` of the show for the user, all or nothing. With an
    ``idempotency_key`` (an API client's header, a form's one-time token), a repeat of
    the same request returns the same hold, whatever its status now.

    Raises ``RateLimited``, ``ShowNotFound``, ``TooManySeats``, ``UnknownSeat``,
    ``OrphanSeat``, ``SalesClosed``, ``SeatUnavailable`` (naming every seat in
    conflict), ``SeatLimitReached`` (per user or per client address),
    ``IdempotencyKeyReused``.
    """
    _seat_changes_limit(user_id)
    show = _show_recent(show_id)
    claim = _seat_claim(show, seat_ids)
    _orphan_rule_check(show, claim.seat_ids)
    hold_id, fingerprint = _idempotent(
        "hold", user_id, idempotency_key, f"{show.show_id}|{','.join(claim.seat_ids)}"
    )
    return _hold_place(
        show=show,
        user_id=user_id,
        client=client,
        claim=claim,
        hold_id=hold_id,
        fingerprint=fingerprint,
    )


BEST_AVAILABLE_ATTEMPTS = 3


def hold_create_best(
    *,
    user_id: int,
    client: str,
    show_id: str,
    quantity: int,
    tier: str | None = None,
    idempotency_key: str | None = None,
) -> Hold:
    """Hold the best ``quantity`` free seats of the show (of ``tier``, if given), as
    ``booking.picking.best_available`` picks them: one block when there is one, else the
    best split (the hold says ``together`` False). A seat taken between the pick and the
    hold makes it pick again, up to ``BEST_AVAILABLE_ATTEMPTS`` times. With an
    ``idempotency_key`` a repeat returns the same hold.

    Raises what ``hold_create`` raises, and ``UnknownTier``, ``NotEnoughSeats``.
    """
    _seat_changes_limit(user_id)
    show = _show_recent(show_id)
    tiers = [t.code for t in show.layout.tiers]
    if tier is not None and tier not in tiers:
        raise UnknownTier(tier, tiers)
    if not 1 <= quantity <= settings.MAX_SEATS_PER_HOLD:
        raise TooManySeats(settings.MAX_SEATS_PER_HOLD)
    hold_id, fingerprint = _idempotent(
        "hold", user_id, idempotency_key, f"{show.show_id}|best:{quantity}:{tier or ''}"
    )
    attempts_left = BEST_AVAILABLE_ATTEMPTS
    while True:
        repeated = get_store().hold_get(hold_id) if idempotency_key else None
        if repeated is not None:  # the store answers the repeat (or refuses the key)
            seat_ids = repeated.seat_ids
        else:
            seat_ids = picking.best_available(
                show.layout,
                _taken_now(show),
                quantity,
                tier=tier,
                orphan_rule=settings.ORPHAN_SEAT_RULE,
            ).seat_ids
        try:
            return _hold_place(
                show=show,
                user_id=user_id,
                client=client,
                claim=_seat_claim(show, seat_ids),
                hold_id=hold_id,
                fingerprint=fingerprint,
            )
        except SeatUnavailable:
            attempts_left -= 1
            if not attempts_left:
                raise


def hold_change_seats(*, user_id: int, hold_id: str, seat_ids: Sequence[str]) -> Hold:
    """Replace the seats of an active hold, keeping its expiry; on conflict nothing
    changes. Raises what ``hold_create`` raises, and ``HoldNotFound``, ``NotYours``,
    ``HoldNotActive``."""
    _seat_changes_limit(user_id)
    hold = selectors.hold_get(user_id=user_id, hold_id=hold_id)
    show = _show_recent(hold.show_id)
    claim = _seat_claim(show, seat_ids)
    _orphan_rule_check(show, claim.seat_ids, released=hold.seat_ids)
    return get_store().hold_change_seats(hold_id=hold.hold_id, user_id=user_id, claim=claim)


def hold_release(*, user_id: int | None, hold_id: str) -> Hold:
    """Free the hold's seats at once (``user_id`` None: staff, any user's hold). Needs
    no catalog. Raises ``HoldNotFound``, ``NotYours``, ``HoldNotActive``."""
    return get_store().hold_release(hold_id=hold_id, user_id=user_id)


def order_create(
    *, user_id: int, hold_id: str, customer: Customer, idempotency_key: str | None = None
) -> Order:
    """Make an order from an active hold, consuming it; the order keeps the seats for
    ``ORDER_TTL_SECONDS``, never past the show's start. With an ``idempotency_key`` a
    repeat of the same request returns the same order.

    The show's seats are read from its source afresh: a seat the source has sold, held or
    blocked since the hold was made refuses the order (``SeatUnavailable`` naming it), as
    does a show it cancelled (``ShowCancelled``), and the hold's seats are freed.

    Raises ``HoldNotFound``, ``NotYours``, ``HoldNotActive``, ``SalesClosed``,
    ``SeatUnavailable``, ``ShowCancelled``, ``IdempotencyKeyReused``,
    ``CatalogUnavailable``.
    """
    hold = selectors.hold_get(user_id=user_id, hold_id=hold_id)
    try:
        show = _show_now(hold.show_id)
        order = get_store().order_create(_order_request(hold, show, customer, idempotency_key))
    except (SeatUnavailable, ShowCancelled, ShowNotFound):
        _hold_free_quietly(hold)
        raise
    if order.status is OrderStatus.CONFIRMED:  # a repeat of an order paid since
        return selectors.order_get(user_id=user_id, order_id=order.order_id)
    return order


def _order_request(
    hold: Hold, show: Show, customer: Customer, idempotency_key: str | None
) -> OrderRequest:
    price = price_seats(show.layout, hold.seat_ids)
    order_id, fingerprint = _idempotent(
        "order",
        hold.user_id,
        idempotency_key,
        f"{hold.hold_id}|{customer.name}|{customer.email}|{customer.phone}",
    )
    return OrderRequest(
        order_id=order_id,
        hold_id=hold.hold_id,
        user_id=hold.user_id,
        show=ShowSnapshot(
            show_id=show.show_id,
            movie_id=show.movie_id,
            movie_title=show.movie_title,
            theatre_id=show.theatre_id,
            theatre_name=show.theatre_name,
            screen_name=show.screen_name,
            start_time=show.start_time,
        ),
        seat_ids=hold.seat_ids,
        tickets_amount=price.tickets,
        convenience_fee=price.convenience_fee,
        customer=customer,
        ttl=timedelta(seconds=settings.ORDER_TTL_SECONDS),
        unavailable=_unavailable(show),
        sales_close_at=sales_close_at(show.start_time),
        fingerprint=fingerprint,
    )


def _hold_free_quietly(hold: Hold) -> None:
    """Free the seats of a hold that can no longer become an order; one that ended or
    changed meanwhile is left as it is."""
    try:
        get_store().hold_release(hold_id=hold.hold_id, user_id=hold.user_id)
    except (HoldNotFound, HoldNotActive, StoreUnavailable) as exc:
        logger.info("Hold %s not released after a refused order: %s", hold.hold_id, exc)


def order_cancel(*, user_id: int | None, order_id: str) -> Order:
    """Cancel an order waiting for payment; its seats are free at once (``user_id``
    None: staff, any user's order). A paid order is cancelled by ``booking_cancel``.
    Raises ``OrderNotFound``, ``NotYours``, ``OrderNotPending``, ``PaymentInProgress``."""
    booking = sales.booking_get(order_id=order_id)
    if booking is not None:
        if user_id is not None and booking.user_id != user_id:
            raise NotYours()
        raise OrderNotPending(OrderStatus.CONFIRMED)
    return get_store().order_cancel(order_id=order_id, user_id=user_id)


def cancellation_policy_get(booking: Booking) -> Policy:
    """The policy of the booking's cinema: its ``CancellationPolicy`` when staff gave it
    one, else ``DEFAULT_POLICY`` where the catalog says the cinema offers cancellation.
    Raises ``CancellationNotAvailable``, ``CatalogUnavailable``."""
    row = CancellationPolicy.objects.filter(theatre_id=booking.theatre_id).first()
    if row is not None:
        policy = policy_from_row(row)
    elif _catalog_offers_cancellation(booking):
        policy = DEFAULT_POLICY
    else:
        policy = None
    if policy is None:
        raise CancellationNotAvailable()
    return policy


def _catalog_offers_cancellation(booking: Booking) -> bool:
    """Whether the catalog lists the booking's cinema with "Cancellation available" (the
    listing of its movie on its day names it)."""
    if not booking.movie_id or not booking.theatre_id:
        return False
    day = timezone.localdate(booking.show_start)
    try:
        listed = get_catalog().theatre_shows_for_date(movie_id=booking.movie_id, day=day)
    except (MovieNotFound, ShowNotFound):
        return False
    return any(t.theatre_id == booking.theatre_id and t.cancellation_available for t in listed)


def _booking_of(user_id: int | None, order_id: str) -> Booking:
    booking = sales.booking_get(order_id=order_id)
    if booking is None:
        raise OrderNotFound(details={"orderId": order_id})
    if user_id is not None and booking.user_id != user_id:
        raise NotYours()
    return booking


def refund_quote_get(
    *, user_id: int | None, order_id: str, seat_ids: Sequence[str] | None, now: datetime
) -> RefundQuote:
    """What cancelling the paid order (``seat_ids`` of it; None: all still valid) would
    give back now, without cancelling. Raises what ``booking_cancel`` raises."""
    booking = _booking_of(user_id, order_id)
    return _quote_checked(booking, seat_ids, now)


def _quote_checked(
    booking: Booking, seat_ids: Sequence[str] | None, now: datetime, policy: Policy | None = None
) -> RefundQuote:
    """The quote, after every check; the stranding check only without ``policy`` (it
    reads the catalog and the store, which never happens inside a transaction)."""
    if booking.checked_in_at is not None:
        raise AlreadyCheckedIn(booking.checked_in_at)
    quote = refund_quote(
        booking, policy=policy or cancellation_policy_get(booking), seat_ids=seat_ids, now=now
    )
    if policy is None and not quote.whole_booking:
        _stranding_check(booking, quote.seat_ids)
    return quote


def _stranding_check(booking: Booking, seat_ids: Sequence[str]) -> None:
    """A partial cancellation may not leave a single seat on its own between taken
    seats (``booking.picking.stranded_by_release``). Raises ``OrphanSeat``."""
    if not settings.ORPHAN_SEAT_RULE:
        return
    show = _show_recent(booking.show_id)
    stranded = picking.stranded_by_release(show.layout, _taken_now(show), seat_ids)
    if stranded:
        raise OrphanSeat(stranded)


@dataclass(frozen=True, slots=True)
class CancellationPreview:
    """What the ticket page says about cancelling: the refund (``quote``), or why not."""

    quote: RefundQuote | None
    refusal: BookingError | None


def cancellation_preview(
    *, user_id: int, order_id: str, seat_ids: Sequence[str] | None, now: datetime
) -> CancellationPreview:
    """The refund for cancelling now (all seats still valid, or ``seat_ids``), or the
    refusal the cancellation would meet (not offered, closed, used, stranding a seat).
    Raises ``OrderNotFound``, ``NotYours``, ``CatalogUnavailable``."""
    booking = _booking_of(user_id, order_id)
    try:
        return CancellationPreview(quote=_quote_checked(booking, seat_ids, now), refusal=None)
    except (
        CancellationNotAvailable,
        CancellationClosed,
        AlreadyCheckedIn,
        OrderNotPending,
        OrphanSeat,
        SeatsNotOnTicket,
        DuplicateSeats,
    ) as refusal:
        return CancellationPreview(quote=None, refusal=refusal)


@dataclass(frozen=True, slots=True)
class Cancellation:
    order: Order  # as it stands after the cancellation
    refund: Refund | None  # None for an order that was never paid


def booking_cancel(
    *, user_id: int | None, order_id: str, seat_ids: Sequence[str] | None, now: datetime
) -> Cancellation:
    """Cancel a paid order (``seat_ids`` of it; None: every seat still valid) under its
    cinema's policy, judged at ``now``: the seats are given back and a ``Refund`` is
    recorded in one transaction (which also locks the booking, so a racing check-in or
    cancellation either sees it or is seen), then the store puts the seats back on sale
    at once (if it cannot be reached, the next seat map or the sweeper does).

    Raises ``OrderNotFound``, ``NotYours``, ``OrderNotPending`` (cancelled already),
    ``AlreadyCheckedIn``, ``CancellationNotAvailable``, ``CancellationClosed`` (details
    name the cut-off), ``SeatsNotOnTicket``, ``DuplicateSeats``, ``OrphanSeat`` (a
    partial cancellation that strands a seat), ``CatalogUnavailable``.
    """
    booking = _booking_of(user_id, order_id)
    policy = cancellation_policy_get(booking)
    _quote_checked(booking, seat_ids, now)  # everything that reads elsewhere, before the lock
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=order_id)
        quote = _quote_checked(booking, seat_ids, now, policy)  # again: it may have changed
        booking.cancelled_seat_ids = [*booking.cancelled_seat_ids, *quote.seat_ids]
        booking.cancelled_at = now
        if quote.whole_booking:
            booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["cancelled_seat_ids", "cancelled_at", "status"])
        SoldSeat.objects.filter(booking=booking, seat_id__in=quote.seat_ids).delete()
        refund = Refund.objects.create(
            booking=booking,
            seat_ids=list(quote.seat_ids),
            share_percent=quote.share_percent,
            tickets_amount=quote.tickets_refund,
            fee_amount=quote.fee_refund,
            amount=quote.amount,
            status=Refund.Status.REFUNDED if not quote.amount else Refund.Status.PENDING,
            created_at=now,
            refunded_at=now if not quote.amount else None,
        )
        cancellation_confirmation_queue(booking, refund)  # sent once this commits
    sales.sale_release_quietly(booking, quote.seat_ids)
    return Cancellation(order=sales.order_from_booking(booking), refund=refund)


def order_cancel_any(
    *, user_id: int | None, order_id: str, seat_ids: Sequence[str] | None, now: datetime
) -> Cancellation:
    """Cancel an order whatever its state allows: a paid one under its cinema's policy
    (``booking_cancel``), one waiting for payment at once (``order_cancel``; all of its
    seats, so ``seat_ids`` must be None or all of them). Raises what those raise."""
    if sales.booking_get(order_id=order_id) is not None:
        return booking_cancel(user_id=user_id, order_id=order_id, seat_ids=seat_ids, now=now)
    if seat_ids is not None:
        pending = selectors.order_get_any(order_id=order_id)
        if set(seat_ids) != set(pending.seat_ids):
            raise WholeOrderOnly()
    return Cancellation(order=order_cancel(user_id=user_id, order_id=order_id), refund=None)


def order_confirm_payment(*, user_id: int, order_id: str, idempotency_key: str | None) -> Order:
    """Take payment. The ticket exists once the sale is committed in the database:

    1. the store starts the payment, judging the payment window and the sales window on
       its own clock (a retry after any failure resumes it);
    2. the sale is committed in the database, with no network call inside the
       transaction (a retry finds a sale an earlier attempt committed);
    3. the store records the sale; if it cannot be reached, it converges later.

    A repeat with the ``idempotency_key`` that paid returns the order again. Raises
    ``OrderNotFound``, ``NotYours``, ``OrderNotPending``, ``SalesClosed``,
    ``SeatUnavailable`` (a seat was sold elsewhere: here, or by the show's source, whose
    seat map is read afresh first; the order is then cancelled), ``ShowCancelled``,
    ``CatalogUnavailable`` (the source could not say; the order keeps waiting).
    """
    booking = sales.booking_get(order_id=order_id)
    if booking is not None:
        return _paid(booking, user_id=user_id, idempotency_key=idempotency_key)
    order = get_store().order_get(order_id)
    if order is None:
        raise OrderNotFound(details={"orderId": order_id})
    if order.user_id != user_id:
        raise NotYours()
    show = _order_check_at_source(order) if order.is_pending else None
    sold = sales.sold_seat_ids(show_id=order.show.show_id) & set(order.seat_ids)
    try:
        paying = get_store().order_payment_start(
            order_id=order_id,
            user_id=user_id,
            unavailable=sold,
            grace=timedelta(seconds=settings.PAYMENT_GRACE_SECONDS),
        )
    except SeatUnavailable:
        get_store().order_payment_fail(order_id=order_id)
        raise
    except OrderNotPending:
        booking = sales.booking_get(order_id=order_id)  # paid meanwhile by a racing request
        if booking is None:
            raise
        return _paid(booking, user_id=user_id, idempotency_key=idempotency_key)
    booking = sales.sale_commit(
        order=paying,
        idempotency_key=idempotency_key,
        seat_tiers=_seat_tiers(show, paying.seat_ids) if show is not None else None,
    )
    sales.sale_record_quietly(booking)
    return sales.order_from_booking(booking)


def _seat_tiers(show: Show, seat_ids: Sequence[str]) -> dict[str, dict]:
    """Each seat's tier and price, as the ticket shows them and refunds split them."""
    tiers = {tier.code: tier for tier in show.layout.tiers}
    out = {}
    for seat_id in seat_ids:
        tier = tiers[show.layout.seats_by_id[seat_id].tier]
        out[seat_id] = {"tier": tier.code, "name": tier.name, "price": str(money(tier.price))}
    return out


def _order_check_at_source(order: Order) -> Show:
    """Refuse to take payment for seats the show's source has sold, held or blocked since
    the order was made, or for a show it cancelled, and free the order's seats. Read
    before the database transaction opens: no network call happens inside it."""
    try:
        show = _show_now(order.show.show_id)
    except (ShowCancelled, ShowNotFound):
        sales.order_fail_quietly(order)
        raise
    taken = frozenset(seat_states(show, sold=())) & set(order.seat_ids)
    if taken:
        sales.order_fail_quietly(order)
        raise SeatUnavailable(taken)
    return show


def _paid(booking: Booking, *, user_id: int, idempotency_key: str | None) -> Order:
    """An order already paid for: the same answer again for the key that paid, else 409."""
    if booking.user_id != user_id:
        raise NotYours()
    if idempotency_key and booking.idempotency_key == idempotency_key:
        return sales.order_from_booking(booking)
    raise OrderNotPending(OrderStatus.CONFIRMED)


@dataclass(frozen=True, slots=True)
class SweepReport:
    sales_recorded: int  # committed sales the store had not recorded
    sales_released: int  # cancelled sales whose seats were given back to the store again
    mails_sent: int  # e-mail that had failed, sent now
    records_purged: int  # holds and orders forgotten


def bookings_sweep(*, keep_for: timedelta, now: datetime) -> SweepReport:
    """Bring the store in line with the database, then tidy it. Sales committed while
    the store was unreachable (or whose order the store kept in payment) are recorded;
    holds and orders that ended more than ``keep_for`` ago are forgotten. Correctness
    never depends on this running; it bounds what is left between the two systems."""
    store = get_store()
    in_payment = [o.order_id for o in store.orders_list() if o.payment_started_at is not None]
    recent = Q(confirmed_at__gte=now - keep_for - timedelta(seconds=settings.PAYMENT_GRACE_SECONDS))
    candidates = Booking.objects.filter(Q(pk__in=in_payment) | recent)
    confirmed_in_store = {
        order_id
        for order_id, order in store.orders_get([str(b.pk) for b in candidates]).items()
        if order.status is OrderStatus.CONFIRMED
    }
    recorded = sum(
        sales.sale_record_quietly(booking)
        for booking in candidates
        if str(booking.pk) not in confirmed_in_store
    )
    # Cancellations the store may have missed: releasing again changes nothing else.
    released = sum(
        sales.sale_release_quietly(booking, booking.cancelled_seat_ids)
        for booking in Booking.objects.filter(cancelled_at__gte=now - keep_for)
    )
    return SweepReport(
        sales_recorded=recorded,
        sales_released=released,
        records_purged=store.purge(keep_for=keep_for),
        mails_sent=outbox_retry(now=now).sent,
    )


@dataclass(frozen=True, slots=True)
class CheckIn:
    booking: Booking
    checked_in_at: datetime


def ticket_check_in(
    *,
    now: datetime,
    scan: str | None = None,
    ticket_code: str | None = None,
    show_id: str | None = None,
) -> CheckIn:
    """Admit a ticket once: named by its QR code's text (``scan``, signed; see
    ``booking.tickets``) or by its code as typed. With ``show_id`` (the show the door is
    letting in), a ticket for another show is refused; without one, the ticket is
    admitted to its own show. A partly cancelled ticket admits its remaining seats.

    Raises ``ScanInvalid``, ``TicketNotFound``, ``TicketCancelled`` (details say whether
    it was refunded), ``WrongShow`` (details name the ticket's show) or
    ``AlreadyCheckedIn`` (details say when). Two scans at once admit one of them, and a
    cancellation racing a scan either refuses the scan or is itself refused.
    """
    if scan is not None:
        ticket_code = ticket_code_from_scan(scan)
    code = (ticket_code or "").strip().upper()
    booking = Booking.objects.filter(ticket_code=code).first()
    if booking is None:
        raise TicketNotFound(details={"ticketCode": ticket_code})
    if booking.is_cancelled:
        raise TicketCancelled(booking, booking.cancelled_state)
    if show_id is not None and booking.show_id != show_id:
        raise WrongShow(booking)
    # One conditional write decides between two scans, and between a scan and a
    # cancellation (which writes only while the ticket is unused, and vice versa).
    admitted = Booking.objects.filter(
        pk=booking.pk, checked_in_at__isnull=True, status=Booking.Status.CONFIRMED
    ).update(checked_in_at=now)
    booking.refresh_from_db()
    if not admitted:
        if booking.is_cancelled:
            raise TicketCancelled(booking, booking.cancelled_state)
        assert booking.checked_in_at is not None  # admitted by the request that won
        raise AlreadyCheckedIn(booking.checked_in_at)
    return CheckIn(booking=booking, checked_in_at=now)
