"""The circuit breaker: a service that keeps failing is not asked again for a cool-down,
so nothing waits on its timeouts; one call then tries it again."""

import pytest
import requests
import responses

from catalog.client import CircuitBreaker
from catalog.errors import CatalogUnavailable, MovieNotFound
from catalog.sources import get_catalog
from tests.catalog.lambda_service import BASE, LambdaStandIn
from tests.catalog.test_lambda_source import MOVIE, MOVIE_ID, UNKNOWN


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(settings) -> Clock:
    settings.BMS_API_URL = BASE
    settings.BMS_API_RETRIES = 0
    settings.BMS_API_BREAKER_FAILURES = 3
    settings.BMS_API_BREAKER_COOLDOWN_SECONDS = 15
    manual = Clock()
    get_catalog().client.breaker.clock = manual
    return manual


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def fail_times(n: int) -> None:
    for _ in range(n):
        with pytest.raises(CatalogUnavailable):
            get_catalog().movie_get(movie_id=MOVIE_ID)


def test_after_repeated_failures_the_catalog_answers_at_once_without_asking(clock, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", body=requests.ReadTimeout("slow"))
    fail_times(3)
    assert len(mocked.calls) == 3
    clock.now += 5
    with pytest.raises(CatalogUnavailable) as refused:
        get_catalog().movie_get(movie_id=MOVIE_ID)
    assert len(mocked.calls) == 3  # not asked
    assert refused.value.retry_after == 10  # the rest of the cool-down


def test_after_the_cool_down_one_call_tries_and_its_success_closes_the_breaker(clock, mocked):
    failing = mocked.get(f"{BASE}/movies/{MOVIE_ID}", status=502, body="")
    fail_times(3)
    clock.now += 15
    mocked.remove(failing)
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    assert get_catalog().movie_get(movie_id=MOVIE_ID).title == "RRR"
    assert len(mocked.calls) == 4


def test_a_trial_that_fails_opens_the_breaker_for_another_cool_down(clock, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", status=500, body="<html>")
    fail_times(3)
    clock.now += 16
    fail_times(1)  # the trial
    assert len(mocked.calls) == 4
    clock.now += 14
    fail_times(1)
    assert len(mocked.calls) == 4


def test_failures_that_are_not_in_a_row_do_not_open_it(clock, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", status=500, body="")
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", status=500, body="")
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    mocked.get(f"{BASE}/movies/{UNKNOWN}", status=404, json={"error": {"message": "x"}})
    fail_times(2)
    get_catalog().movie_get(movie_id=MOVIE_ID)
    for _ in range(3):  # an answer, even "not found", is the service working
        with pytest.raises(MovieNotFound):
            get_catalog().movie_get(movie_id=UNKNOWN)
    assert len(mocked.calls) == 6  # every call asked: the breaker stayed closed


def test_while_the_trial_runs_every_other_call_is_refused():
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=15, clock=clock)
    breaker.failed()
    clock.now += 15
    breaker.admit()  # the trial
    with pytest.raises(CatalogUnavailable):
        breaker.admit()
    breaker.succeeded()
    breaker.admit()
    breaker.admit()


def test_pages_answer_at_once_while_the_breaker_is_open(clock, mocked, client, db):
    mocked.get(f"{BASE}/movies", body=requests.ConnectTimeout("no route"))
    for _ in range(3):
        assert client.get("/?city=mumbai").status_code == 503
    assert len(mocked.calls) == 3
    response = client.get("/?city=mumbai")
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert "Movie listings are unavailable right now" in response.content.decode()
    assert len(mocked.calls) == 3


def test_log_in_and_the_header_never_wait_on_the_catalog(settings, client, db):
    settings.BMS_API_URL = BASE
    with responses.RequestsMock() as mocked:  # any call to the service would fail the page
        LambdaStandIn()  # nothing registered: the service is not there at all
        login = client.get("/accounts/login/")
        signup = client.get("/accounts/signup/")
        assert len(mocked.calls) == 0
    assert login.status_code == 200
    assert signup.status_code == 200
    assert 'class="site-header"' in login.content.decode()


def test_a_trial_that_dies_of_anything_still_ends(clock, mocked):
    mocked.get(f"{BASE}/movies/{MOVIE_ID}", status=500, body="")
    fail_times(3)
    clock.now += 15
    mocked.replace(responses.GET, f"{BASE}/movies/{MOVIE_ID}", body=RuntimeError("bug"))
    with pytest.raises(RuntimeError):
        get_catalog().movie_get(movie_id=MOVIE_ID)  # the trial
    clock.now += 15
    mocked.replace(responses.GET, f"{BASE}/movies/{MOVIE_ID}", json=MOVIE)
    assert get_catalog().movie_get(movie_id=MOVIE_ID).title == "RRR"  # another trial ran
