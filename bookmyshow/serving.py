"""Checks that run once in every process that serves requests (the development server,
each gunicorn worker), and never in management commands or tests. An app registers its
own from its ``AppConfig.ready``; a failing check stops the process before it serves."""

from collections.abc import Callable

_checks: list[Callable[[], None]] = []


def serving_check_register(check: Callable[[], None]) -> None:
    _checks.append(check)


def serving_checks_run() -> None:
    for check in _checks:
        check()
