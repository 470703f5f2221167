from django.contrib import admin

from catalog import models


class CreditInline(admin.TabularInline):
    model = models.Credit
    extra = 1
    fields = ["kind", "position", "name", "role"]


@admin.register(models.Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "languages_shown",
        "formats_shown",
        "rating",
        "vote_count",
        "duration_mins",
        "release_date",
    ]
    list_filter = ["age_rating", "release_date"]
    search_fields = ["title", "about", "credits__name"]
    fields = [
        "title",
        "about",
        "poster",
        ("rating", "vote_count"),
        ("duration_mins", "age_rating", "release_date"),
        "languages",
        "formats",
        "genres",
        "trailer_url",
    ]
    inlines = [CreditInline]

    @admin.display(description="Languages")
    def languages_shown(self, movie: models.Movie) -> str:
        return ", ".join(movie.languages)

    @admin.display(description="Formats")
    def formats_shown(self, movie: models.Movie) -> str:
        return ", ".join(movie.formats)


class ScreenInline(admin.TabularInline):
    model = models.Screen
    extra = 0
    show_change_link = True


@admin.register(models.Theatre)
class TheatreAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "address", "cancellation_available"]
    list_filter = ["city", "cancellation_available"]
    search_fields = ["name", "city", "address"]
    inlines = [ScreenInline]


class SeatTierInline(admin.TabularInline):
    model = models.SeatTier
    extra = 0


class SeatRowInline(admin.TabularInline):
    model = models.SeatRow
    extra = 0
    fields = ["position", "label", "tier", "seat_count", "aisle_after", "blocked"]


@admin.register(models.Screen)
class ScreenAdmin(admin.ModelAdmin):
    list_display = ["name", "theatre", "seat_total"]
    list_filter = ["theatre__city", "theatre"]
    search_fields = ["name", "theatre__name"]
    list_select_related = ["theatre"]
    inlines = [SeatTierInline, SeatRowInline]

    @admin.display(description="Seats")
    def seat_total(self, screen: models.Screen) -> int:
        return sum(row.seat_count for row in screen.rows.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rows")


class ShowPriceInline(admin.TabularInline):
    model = models.ShowPrice
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the tiers of the show's own screen.
        if db_field.name == "tier" and (show_id := request.resolver_match.kwargs.get("object_id")):
            kwargs["queryset"] = models.SeatTier.objects.filter(screen__shows=show_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.Show)
class ShowAdmin(admin.ModelAdmin):
    list_display = ["movie", "screen", "start_time", "format", "language"]
    list_filter = ["screen__theatre__city", "format", "language", "screen__theatre", "movie"]
    fields = ["movie", "screen", "start_time", ("format", "language")]
    search_fields = ["movie__title", "screen__theatre__name"]
    date_hierarchy = "start_time"
    list_select_related = ["movie", "screen__theatre"]
    autocomplete_fields = ["movie", "screen"]
    inlines = [ShowPriceInline]
