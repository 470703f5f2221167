from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.urls import register_converter

from bookmyshow.converters import IdConverter, IsoDateConverter


class CoreConfig(AppConfig):
    """The project core. Listed first, so what it sets up exists before any other app's
    ready() or admin module runs."""

    name = "bookmyshow"
    verbose_name = "BookMyShow"

    def ready(self) -> None:
        register_converter(IdConverter, "id")  # every id in a URL, canonical
        register_converter(IsoDateConverter, "isodate")


class AdminConfig(DjangoAdminConfig):
    """The Django admin, on the project's own site (the apps add their staff pages)."""

    default_site = "bookmyshow.admin_site.AdminSite"
