"""The movie page on a phone: its hero's text and buttons."""

from playwright.sync_api import expect

from tests.browser.colours import contrast

HERO_LIGHTEST = "rgb(58, 58, 58)"  # the lighter end of the hero's dark gradient


def test_the_hero_reads_on_its_dark_ground_and_its_buttons_stand_apart(new_page, show):
    show.movie.vote_count = 48_200
    show.movie.trailer_url = "https://trailers.example.com/monsoon-express"
    show.movie.save()
    page = new_page(width=360, height=740, touch=True)
    page.goto(f"/movies/{show.movie_id}/")

    book = page.get_by_role("link", name="Book tickets in Mumbai")
    trailer = page.get_by_role("link", name="Watch the trailer")
    expect(trailer).to_be_visible()
    votes = page.locator(".movie-hero__votes")
    expect(votes).to_have_text("48.2K votes")
    for text in (votes, trailer):
        colour = text.evaluate("el => getComputedStyle(el).color")
        assert contrast(colour, HERO_LIGHTEST) >= 4.5, colour
    # Side by side or one above the other, never touching.
    first, second = book.bounding_box(), trailer.bounding_box()
    across = second["x"] - (first["x"] + first["width"])
    down = second["y"] - (first["y"] + first["height"])
    assert max(across, down) >= 8, (first, second)
