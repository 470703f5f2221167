"""The Content-Security-Policy header: the site's strict policy on every page and API
response, and the API docs' own policy, whose nonce matches the page's inline script."""

import re

import pytest
from django.conf import settings

SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def parse(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";") if part.strip()]
    policy = {name: values for name, *values in directives}
    assert len(policy) == len(directives), f"a directive is repeated: {header}"
    return policy


def test_the_middleware_and_the_nonce_context_processor_are_on():
    assert "django.middleware.csp.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE
    assert (
        "django.template.context_processors.csp"
        in (settings.TEMPLATES[0]["OPTIONS"]["context_processors"])
    )


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/signup/", "/admin/login/", "/api/v1/movies"]
)
def test_site_pages_and_the_api_carry_the_site_policy(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert parse(response.headers["Content-Security-Policy"]) == SITE_POLICY
    assert "Content-Security-Policy-Report-Only" not in response.headers


def test_error_pages_carry_the_site_policy(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert parse(response.headers["Content-Security-Policy"]) == SITE_POLICY


def test_the_site_policy_never_allows_inline_or_evaluated_scripts(client, db):
    header = client.get("/").headers["Content-Security-Policy"]
    assert parse(header)["script-src"] == ["'self'"]
    assert not re.search(r"unsafe-eval|nonce-|strict-dynamic|\*", header)


@pytest.mark.parametrize("path", ["/api/schema/swagger-ui/", "/api/schema/redoc/"])
def test_api_docs_carry_their_own_policy_with_the_pages_nonce(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = parse(response.headers["Content-Security-Policy"])
    nonce = re.fullmatch(r"'nonce-([\w-]+)'", policy["script-src"][1]).group(1)
    assert policy == {
        **SITE_POLICY,
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "worker-src": ["'self'", "blob:"],
        "img-src": ["'self'", "data:"],  # no https: ReDoc's logo would come from its CDN
    }
    html = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts == [f' nonce="{nonce}"']
    assert "fonts.googleapis.com" not in html
    # A fresh nonce for every response.
    assert nonce not in client.get(path).headers["Content-Security-Policy"]


def test_htmx_injects_no_indicator_style(client, db):
    html = client.get("/").content.decode()
    assert '"includeIndicatorStyles": false' in html


def test_the_policy_lets_the_lambda_catalogs_posters_load(client, db, settings):
    """The Lambda's thumbnails live on its own hosts; the home page must be able to show
    them, so the policy's img-src admits the poster's origin."""
    import responses

    from tests.catalog.lambda_service import LambdaStandIn
    from tests.catalog.test_lambda_source import BASE

    settings.BMS_API_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        LambdaStandIn().install(mocked).movie_add("RRR")
        response = client.get("/?city=mumbai")
    poster = re.search(r'<img class="movie-card__poster" src="([^"]+)"', response.text)
    assert poster
    assert poster.group(1) == "https://img.example.test/rrr.jpg"
    img_src = parse(response.headers["Content-Security-Policy"])["img-src"]
    assert "https:" in img_src or "https://img.example.test" in img_src
