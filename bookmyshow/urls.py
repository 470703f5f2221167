from django.contrib import admin
from django.urls import include, path, re_path

from bookmyshow import accounts, errors

handler400 = "bookmyshow.errors.bad_request"
handler403 = "bookmyshow.errors.permission_denied"
handler404 = "bookmyshow.errors.page_not_found"
handler500 = "bookmyshow.errors.server_error"

api_v1 = [
    path("", include("catalog.api_urls")),
    path("", include("booking.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    # Unknown API paths answer in the JSON envelope, also while DEBUG shows HTML 404s.
    re_path(r"^api/", errors.api_not_found),
    path("", include("catalog.urls")),
    path("", include("booking.urls")),
]
