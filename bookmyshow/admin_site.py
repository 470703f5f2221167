from django.contrib import admin
from django.urls import URLPattern

from bookmyshow.accounts import AdminLoginForm, with_rate_limit_status


class AdminSite(admin.AdminSite):
    """The staff site: the usual admin, with throttled log-in, and room for the apps'
    own staff pages (an app adds them with ``register_urls`` from its ``admin`` module,
    so the project core never imports an app's views)."""

    site_header = "BookMyShow staff"
    site_title = "BookMyShow staff"
    index_template = "admin/bms_index.html"
    login_form = AdminLoginForm

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._app_urls: list[URLPattern] = []

    def register_urls(self, urls: list[URLPattern]) -> None:
        """Add staff pages (wrap each view in ``admin_view``: staff only)."""
        self._app_urls.extend(urls)

    def get_urls(self):
        return [*self._app_urls, *super().get_urls()]

    def login(self, request, extra_context=None):
        return with_rate_limit_status(super().login(request, extra_context))
