import pytest

from catalog.cities import OTHER, city_from_address, city_of, known_cities
from catalog.domain import City


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("Lower Parel, Mumbai 400013", "Mumbai"),
        ("CR2 Mall, Nariman Point, Mumbai 400021", "Mumbai"),
        ("Koramangala, Bengaluru 560095", "Bengaluru"),
        ("Indiranagar, Bangalore", "Bengaluru"),
        ("MG Road, Pune, Maharashtra", "Pune"),
        ("Phoenix Mall, Chennai, India", "Chennai"),
        ("Lower Parel Mumbai", "Mumbai"),
        ("Cyber Hub, Gurgaon - 122002", "Gurugram"),
    ],
)
def test_a_known_city_at_the_end_of_an_address_is_found(address, city):
    assert city_from_address(address).name == city


@pytest.mark.parametrize(
    "address", ["", "Lower Parel", "Mumbai Road, Springfield, Illinois, USA", "Pune Street 7, Oslo"]
)
def test_an_address_that_does_not_end_in_a_known_city_is_other(address):
    assert city_from_address(address) == OTHER


def test_a_city_is_named_by_its_slug():
    assert city_of("  Navi   Mumbai ") == City(slug="navi-mumbai", name="Navi Mumbai")
    assert city_of("") == OTHER


def test_known_cities_are_sorted_with_other_last():
    cities = known_cities()
    assert cities[-1] == OTHER
    assert [c.name for c in cities[:-1]] == sorted(c.name for c in cities[:-1])
    assert City("mumbai", "Mumbai") in cities
