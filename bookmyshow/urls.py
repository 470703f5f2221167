from collections.abc import Collection, Mapping
from typing import cast

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from bookmyshow import accounts, errors

handler400 = "bookmyshow.errors.bad_request"
handler403 = "bookmyshow.errors.permission_denied"
handler404 = "bookmyshow.errors.page_not_found"
handler500 = "bookmyshow.errors.server_error"

# The API docs' own policy (see settings); typed for csp_override, which the settings
# plugin of the type checker sees only as objects.
API_DOCS_CSP = cast(Mapping[str, Collection[str] | str], settings.API_DOCS_CSP)

api_v1 = [
    path("", include("bookmyshow.auth_api")),
    path("", include("catalog.api_urls")),
    path("", include("booking.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/schema/swagger-ui/",
        csp_override(API_DOCS_CSP)(SpectacularSwaggerView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path(
        "api/schema/redoc/",
        csp_override(API_DOCS_CSP)(SpectacularRedocView.as_view(url_name="schema")),
        name="redoc",
    ),
    # Unknown API paths answer in the JSON envelope, also while DEBUG shows HTML 404s.
    re_path(r"^api/", csrf_exempt(errors.api_not_found)),
    path("", include("catalog.urls")),
    path("", include("booking.urls")),
]
