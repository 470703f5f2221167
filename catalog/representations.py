"""Catalog domain values as the JSON shapes of the API contract (camelCase)."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from catalog.domain import Movie, MovieCard, MoviePage, Tier


def iso(moment: datetime) -> str:
    """An aware datetime in local time with its offset (``...+05:30``)."""
    return timezone.localtime(moment).isoformat()


def pagination_json(*, limit: int, offset: int, has_more: bool) -> dict[str, Any]:
    return {"limit": limit, "offset": offset, "hasMore": has_more}


def movie_card_json(card: MovieCard) -> dict[str, Any]:
    return {
        "movieId": card.movie_id,
        "title": card.title,
        "thumbnailUrl": card.thumbnail_url,
        "rating": card.rating,
        "durationMins": card.duration_mins,
        "genres": list(card.genres),
    }


def movie_page_json(page: MoviePage) -> dict[str, Any]:
    return {
        "movies": [movie_card_json(card) for card in page.movies],
        "pagination": pagination_json(limit=page.limit, offset=page.offset, has_more=page.has_more),
    }


def movie_json(movie: Movie) -> dict[str, Any]:
    return {
        "movieId": movie.movie_id,
        "title": movie.title,
        "about": movie.about,
        "thumbnailUrl": movie.thumbnail_url,
        "rating": movie.rating,
        "durationMins": movie.duration_mins,
        "ageRating": movie.age_rating,
        "releaseDate": movie.release_date.isoformat() if movie.release_date else None,
        "language": movie.language,
        "format": movie.format,
        "genres": list(movie.genres),
    }


def tier_json(tier: Tier) -> dict[str, Any]:
    return {"code": tier.code, "name": tier.name, "price": tier.price}
