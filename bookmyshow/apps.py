from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """The Django admin, with the live booking views added to its site."""

    default_site = "bookmyshow.admin_site.AdminSite"
