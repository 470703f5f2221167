"""Swagger UI and ReDoc render the API from this server alone: no font, logo or script
from a CDN or any other host."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.page_watch import REDOC_LOGO, watch


@pytest.fixture
def docs_page(new_page, live_server, transactional_db):
    page = new_page()
    return page, watch(page, live_server.url)


def test_swagger_ui_renders_the_api_from_this_server_alone(docs_page):
    page, record = docs_page
    page.goto("/api/schema/swagger-ui/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("BookMyShow API")
    holds = page.locator(".opblock-summary-path[data-path='/api/v1/holds']").first
    expect(holds).to_be_visible()
    holds.click()  # opens the operation: its parameters, responses and examples render
    expect(page.locator(".opblock.is-open .responses-wrapper").first).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert any(re.search(r"/api/schema/(\?|$)", url) for url in record.requests)
    assert record.outside_requests == []
    assert record.violations == []


def test_redoc_renders_the_api_from_this_server_alone(docs_page):
    page, record = docs_page
    page.goto("/api/schema/redoc/")
    expect(page.get_by_role("heading", name=re.compile("BookMyShow API")).first).to_be_visible()
    # An operation's title (drf-spectacular names it after its operationId) and its path.
    expect(page.locator("h2", has_text="holds_create").first).to_be_visible()
    expect(page.get_by_text("/api/v1/holds", exact=True).first).to_be_attached()
    expect(page.get_by_role("link", name="API docs by Redocly")).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert any(re.search(r"/api/schema/(\?|$)", url) for url in record.requests)
    assert record.outside_requests == []
    assert not page.locator("img[src*='cdn.redoc.ly']").count()
    assert [(v["directive"], v["blocked"]) for v in record.violations] == [("img-src", REDOC_LOGO)]
    assert not any("fonts.googleapis.com" in url for url in record.requests)
