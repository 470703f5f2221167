"""The API's serializers write each answer by a shorter path than DRF's own; the answer
must be the one DRF would write, for every endpoint and for the cases DRF treats apart."""

from types import MappingProxyType, SimpleNamespace

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from bookmyshow.api import ApiSerializer
from tests.booking.test_api import CUSTOMER, make_hold, make_order


@pytest.fixture
def drf_path(monkeypatch):
    """Switches the API's serializers to DRF's own way of writing an answer."""

    def switch() -> None:
        monkeypatch.setattr(
            ApiSerializer, "to_representation", serializers.Serializer.to_representation
        )

    return switch


def test_every_get_answer_is_the_one_drf_writes(user, show, drf_path):
    api = APIClient()
    api.force_authenticate(user)
    hold = make_hold(api, show, ("B5", "B6"))
    order = make_order(api, show, ("B1", "B2"))
    paid = api.post(f"/api/v1/orders/{order['orderId']}/confirm-payment", format="json")
    assert paid.status_code == 200, paid.content
    paths = [
        "/api/v1/cities",
        "/api/v1/movies",
        f"/api/v1/movies/{show.movie_id}",
        f"/api/v1/movies/{show.movie_id}/shows?date={show.start_time.date()}",
        f"/api/v1/shows/{show.id}/seatmap",
        "/api/v1/holds",
        f"/api/v1/holds/{hold['holdId']}",
        "/api/v1/orders",
        f"/api/v1/orders/{order['orderId']}",
        f"/api/v1/orders/{order['orderId']}/refund-quote",
        "/api/v1/auth/me",
    ]
    ours = [api.get(path) for path in paths]
    drf_path()
    theirs = [api.get(path) for path in paths]
    for path, mine, reference in zip(paths, ours, theirs, strict=True):
        assert mine.status_code == reference.status_code == 200, (path, mine.content)
        assert mine.content == reference.content, path
    assert ours[8].json()["customer"]["name"] == CUSTOMER["name"]  # the answers are full


class Venue:
    def __init__(self, city):
        self.city = city

    def label(self):
        return "called"


class EdgeOutput(ApiSerializer):
    city = serializers.CharField(source="venue.city")  # through an attribute
    nothing = serializers.CharField(source="empty.city", allow_null=True)  # through None
    missing = serializers.CharField(required=False)  # skipped when absent
    fallback = serializers.CharField(default="by default")
    label = serializers.CharField(source="venue.label")  # a method DRF calls
    whole = serializers.SerializerMethodField()
    written = serializers.CharField(write_only=True)

    def get_whole(self, instance) -> str:
        return type(instance).__name__


@pytest.mark.parametrize(
    "instance",
    [
        {"venue": Venue("Mumbai"), "empty": None},
        MappingProxyType({"venue": Venue("Pune"), "empty": None}),
        {"venue": {"city": "Goa", "label": "a key"}, "empty": None, "missing": "here"},
    ],
    ids=["dict", "mapping", "dicts"],
)
def test_the_cases_drf_treats_apart_are_written_as_drf_writes_them(instance, drf_path):
    ours = EdgeOutput(instance).data
    drf_path()
    assert ours == EdgeOutput(instance).data
    assert "written" not in ours


def test_a_value_that_cannot_be_found_fails_as_in_drf():
    with pytest.raises(AttributeError, match="Got AttributeError when attempting"):
        EdgeOutput(SimpleNamespace(empty=None)).data  # noqa: B018 (the property writes it)
