from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from catalog import sources  # noqa: F401  (connects the setting_changed receiver)
        from catalog.sources import local  # noqa: F401  (clears the local index on changes)
