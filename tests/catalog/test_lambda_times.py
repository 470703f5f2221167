"""Days and times from the Lambda: a day on the site is an India day, whatever clock the
service's data was entered on (``BMS_API_TIMES``)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import responses

from catalog.sources import get_catalog
from catalog.sources.lambda_times import ServiceTimes, TimeLabels
from tests.catalog.lambda_service import BASE, LambdaStandIn
from tests.test_settings import run_manage

IST = ZoneInfo("Asia/Kolkata")
DAY = date(2025, 11, 26)
MOVIE = "6f1c2a4e-8d1b-4c3a-9e2f-1a2b3c4d5e6f"


@pytest.fixture
def service(settings):
    settings.BMS_API_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        yield LambdaStandIn().install(mocked)


def shows_on(day: date) -> list[datetime]:
    theatres = get_catalog().theatre_shows_for_date(movie_id=MOVIE, day=day)
    return [show.start_time.astimezone(IST) for t in theatres for show in t.shows]


def test_an_india_day_is_two_utc_days_of_the_service():
    times = ServiceTimes(labels=TimeLabels.UTC, site_zone="Asia/Kolkata")
    assert times.service_days(DAY) == (date(2025, 11, 25), date(2025, 11, 26))
    local = ServiceTimes(labels=TimeLabels.LOCAL, site_zone="Asia/Kolkata")
    assert local.service_days(DAY) == (DAY,)


def test_shows_after_midnight_india_time_are_on_their_own_day(service):
    """The day boundary: 00:45 and 03:30 IST on 26 Nov are 19:15 and 22:00 UTC on 25 Nov,
    the service's day before. They belong to 26 Nov's page, never 25 Nov's."""
    service.movie_add(movie_id=MOVIE)
    theatre = service.theatre()
    for start in (
        "2025-11-25T19:15:00+00:00",  # 00:45 IST, 26 Nov
        "2025-11-25T22:00:00+00:00",  # 03:30 IST, 26 Nov
        "2025-11-26T04:30:00+00:00",  # 10:00 IST, 26 Nov
        "2025-11-26T18:29:00+00:00",  # 23:59 IST, 26 Nov
        "2025-11-26T18:30:00+00:00",  # 00:00 IST, 27 Nov
        "2025-11-25T18:29:00+00:00",  # 23:59 IST, 25 Nov
    ):
        service.show_add(MOVIE, theatre, start)
    assert [t.strftime("%d %H:%M") for t in shows_on(DAY)] == [
        "26 00:45",
        "26 03:30",
        "26 10:00",
        "26 23:59",
    ]
    assert [t.strftime("%d %H:%M") for t in shows_on(date(2025, 11, 25))] == ["25 23:59"]
    assert [t.strftime("%d %H:%M") for t in shows_on(date(2025, 11, 27))] == ["27 00:00"]


def test_local_labels_read_the_generators_wall_clock_times_as_india_times(service, settings):
    """The service's own generator stores 10:00, 13:30, … labelled +00:00: a morning
    show, not one at 3:30 PM."""
    settings.BMS_API_TIMES = "local"
    service.movie_add(movie_id=MOVIE)
    theatre = service.theatre()
    for start in ("2025-11-26T00:45:00+00:00", "2025-11-26 10:00:00.500000+00:00"):
        service.show_add(MOVIE, theatre, start)
    service.show_add(MOVIE, theatre, "2025-11-25T22:00:00+00:00")
    assert shows_on(DAY) == [
        datetime(2025, 11, 26, 0, 45, tzinfo=IST),
        datetime(2025, 11, 26, 10, 0, 0, 500000, tzinfo=IST),
    ]
    show_id = next(iter(service.shows))
    assert get_catalog().show_get(show_id=show_id).start_time == datetime(
        2025, 11, 26, 0, 45, tzinfo=IST
    )


def test_utc_labels_are_taken_at_their_word(service):
    service.movie_add(movie_id=MOVIE)
    show_id = service.show_add(MOVIE, service.theatre(), "2025-11-26T10:00:00+00:00")
    assert get_catalog().show_get(show_id=show_id).start_time == datetime(
        2025, 11, 26, 15, 30, tzinfo=IST
    )


def test_times_setting_accepts_utc_or_local_only():
    result = run_manage("check", env={"BMS_API_TIMES": "ist"})
    assert result.returncode != 0
    assert "BMS_API_TIMES must be utc or local, not 'ist'" in result.stderr
