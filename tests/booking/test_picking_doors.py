"""The box office's rules (booking.picking) answer the same through every door: the API,
the hold form and the seat picker; and best available holds through the API.

The show (tests.factories): Prime row B, B1-B3 | B4-B6 at ₹250; Classic row A, A1-A4 at
₹150, A4 blocked. The screen is in front of row A.
"""

import re

import pytest

from booking import services
from booking.stores import get_store
from catalog.domain import seat_sort_key

HTMX = {"HTTP_HX_REQUEST": "true"}
STRANDS_B4_B6 = "This leaves B4 and B6 each on their own: add them, or move your seats."


@pytest.fixture
def site(client, user):
    client.force_login(user)
    return client


def hold_by_api(api, show, **body):
    return api.post("/api/v1/holds", {"showId": str(show.id), **body}, format="json")


def active_holds():
    return [hold for hold in get_store().holds_list() if hold.is_active]


def picked(html: str) -> list[str]:
    seats = re.findall(r'data-seat-id="(\w+)" data-state="selected"', html)
    return sorted(seats, key=seat_sort_key)


def proceed_button(html: str) -> str:
    return html.split('class="button button--large summary__proceed"')[1].split(">")[0]


# -- no single stranded seat ----------------------------------------------------------------


def test_a_stranding_selection_is_refused_alike_by_api_form_and_picker(api, site, show):
    refused = hold_by_api(api, show, seatIds=["B5"], quantity=1)
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "ORPHAN_SEAT",
        "message": STRANDS_B4_B6,
        "details": {"seatIds": ["B4", "B6"]},
    }

    form = site.post(f"/shows/{show.id}/hold/", {"seats": ["B5"], "form_token": "t1"})
    assert form.status_code == 409
    assert STRANDS_B4_B6 in form.content.decode()
    assert picked(form.content.decode()) == ["B5"]  # kept, to add to or move

    page = site.get(f"/shows/{show.id}/seats/?seats=B5").content.decode()
    assert STRANDS_B4_B6 in page
    assert " disabled" in proceed_button(page)
    assert active_holds() == []


def test_changing_a_holds_seats_is_judged_with_its_own_seats_free(api, show):
    hold = hold_by_api(api, show, seatIds=["B1", "B2", "B3"], quantity=3).json()
    url = f"/api/v1/holds/{hold['holdId']}"
    refused = api.patch(url, {"seatIds": ["B2"], "quantity": 1}, format="json")
    assert refused.json()["error"]["code"] == "ORPHAN_SEAT"
    assert refused.json()["error"]["details"] == {"seatIds": ["B1", "B3"]}
    moved = api.patch(url, {"seatIds": ["B1", "B2"], "quantity": 2}, format="json")
    assert moved.status_code == 200  # B3 alone: every pair of three strands one


def test_when_every_choice_strands_a_seat_the_selection_is_allowed(api, site, show, other_user):
    services.hold_create(user_id=other_user.id, client="x", show_id=str(show.id), seat_ids=["B1"])
    # B2 and B3 are the segment's last two free seats: one of them may go alone.
    page = site.get(f"/shows/{show.id}/seats/?seats=B2").content.decode()
    assert "on its own" not in page
    assert " disabled" not in proceed_button(page)
    assert hold_by_api(api, show, seatIds=["B2"], quantity=1).status_code == 201


def test_the_rule_can_be_switched_off(api, site, show, settings):
    settings.ORPHAN_SEAT_RULE = False
    assert "on its own" not in site.get(f"/shows/{show.id}/seats/?seats=B5").content.decode()
    assert hold_by_api(api, show, seatIds=["B5"], quantity=1).status_code == 201


def test_a_seat_taken_meanwhile_is_named_as_taken_not_as_stranding(api, show, other_user):
    services.hold_create(
        user_id=other_user.id, client="x", show_id=str(show.id), seat_ids=["B4", "B5", "B6"]
    )
    refused = hold_by_api(api, show, seatIds=["B5"], quantity=1)
    assert refused.json()["error"]["code"] == "SEAT_UNAVAILABLE"


# -- best available -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "seats", "together"),
    [
        (2, ["A2", "A3"], True),  # row A is nearer the sweet spot's depth, A2-A3 its middle
        (3, ["A1", "A2", "A3"], True),
        (4, ["A1", "A2", "A3", "B3"], False),  # no four together: the best split
    ],
)
def test_best_available_is_the_same_seats_in_the_api_and_the_picker(
    api, site, show, quantity, seats, together
):
    page = site.get(f"/shows/{show.id}/seats/?qty={quantity}&best=1", **HTMX).content.decode()
    assert picked(page) == seats
    assert (f"No {quantity} seats together: these are the best apart." in page) is not together
    made = hold_by_api(api, show, quantity=quantity, bestAvailable=True)
    assert made.status_code == 201, made.content
    assert (made.json()["seatIds"], made.json()["together"]) == (seats, together)
    assert made.json()["quantity"] == quantity


def test_best_available_in_a_tier(api, show):
    made = hold_by_api(api, show, quantity=2, bestAvailable=True, tier="PRIME")
    assert made.json()["seatIds"] == ["B2", "B3"]


def test_best_available_refusals(api, show):
    too_many = hold_by_api(api, show, quantity=10, bestAvailable=True)
    assert too_many.status_code == 409
    assert too_many.json()["error"] == {
        "code": "NOT_ENOUGH_SEATS",
        "message": "Only 9 seats are left.",
        "details": {"quantity": 10, "available": 9},
    }
    unknown = hold_by_api(api, show, quantity=2, bestAvailable=True, tier="GOLD")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "VALIDATION_ERROR"
    assert unknown.json()["error"]["details"] == {
        "tier": ["This show has no tier GOLD; its tiers are PRIME, CLASSIC."]
    }
    both = hold_by_api(api, show, quantity=1, bestAvailable=True, seatIds=["B1"])
    assert both.json()["error"]["details"] == {
        "seatIds": ["Give seatIds, or bestAvailable, not both."]
    }
    tier_alone = hold_by_api(api, show, quantity=1, seatIds=["B1"], tier="PRIME")
    assert tier_alone.json()["error"]["details"] == {"tier": ["Only with bestAvailable."]}
    over = hold_by_api(api, show, quantity=11, bestAvailable=True)
    assert (over.status_code, over.json()["error"]["code"]) == (400, "VALIDATION_ERROR")
    assert active_holds() == []


def test_best_available_repeated_with_its_key_is_the_same_hold(api, show):
    first = api.post(
        "/api/v1/holds",
        {"showId": str(show.id), "quantity": 2, "bestAvailable": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="best-1",
    )
    again = api.post(
        "/api/v1/holds",
        {"showId": str(show.id), "quantity": 2, "bestAvailable": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="best-1",
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    other = api.post(
        "/api/v1/holds",
        {"showId": str(show.id), "quantity": 3, "bestAvailable": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="best-1",
    )
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(active_holds()) == 1


def test_best_available_picks_again_when_its_seats_are_taken_meanwhile(
    api, show, other_user, monkeypatch
):
    """A rival holds the best seats between the pick and the hold: the pick is made
    again on the map as it now is."""
    rival = services.hold_create(
        user_id=other_user.id, client="x", show_id=str(show.id), seat_ids=["A1", "A2", "A3"]
    )
    taken_now = services._taken_now
    views = []

    def stale_then_fresh(show):
        views.append(show)
        seen = taken_now(show)
        return seen - set(rival.seat_ids) if len(views) == 1 else seen

    monkeypatch.setattr(services, "_taken_now", stale_then_fresh)
    made = hold_by_api(api, show, quantity=2, bestAvailable=True)
    assert made.status_code == 201
    assert made.json()["seatIds"] == ["B2", "B3"]
    assert len(views) == 2
