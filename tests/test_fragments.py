"""``{% include_memo %}``: a fragment drawn from its values alone, kept for the next page
that gives the same values, and drawn anew for any other value."""

from django.template import Context, Template

from bookmyshow.templatetags.fragments import include_memo
from catalog.domain import City

MUMBAI = City(slug="mumbai", name="Mumbai")
PUNE = City(slug="pune", name="Pune")


def options(cities, city) -> str:
    return include_memo("catalog/city_options.html", cities=cities, city=city)


def test_the_same_values_give_the_kept_drawing():
    assert options((MUMBAI, PUNE), MUMBAI) is options((MUMBAI, PUNE), City("mumbai", "Mumbai"))


def test_a_list_is_the_same_key_as_its_tuple():
    assert options([MUMBAI, PUNE], PUNE) is options((MUMBAI, PUNE), PUNE)


def test_another_value_is_drawn_anew():
    assert '<option value="mumbai" selected>Mumbai</option>' in options((MUMBAI, PUNE), MUMBAI)
    assert '<option value="pune" selected>Pune</option>' in options((MUMBAI, PUNE), PUNE)
    renamed = options((MUMBAI, City("pune", "Poona")), PUNE)
    assert '<option value="pune" selected>Poona</option>' in renamed


def test_the_tag_renders_the_fragment_from_the_page_values():
    page = Template(
        '{% load fragments %}<select>{% include_memo "catalog/city_options.html" '
        "cities=cities city=city %}</select>"
    )
    html = page.render(Context({"cities": [MUMBAI, PUNE], "city": None}))
    assert html == (
        '<select><option value="" selected>Choose your city</option>\n'
        '<option value="mumbai">Mumbai</option><option value="pune">Pune</option>\n</select>'
    )
