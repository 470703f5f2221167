"""Gunicorn settings for `make serve`; every value can be overridden from the command line.

The process-local booking store cannot be shared between worker processes: each would
keep its own holds and sell the same seat twice. Starting it with more than one worker is
refused here, before any worker forks.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # unset: no access log
errorlog = "-"


# A body the site answered without reading (a 413 refuses one unread) is read to here
# after the answer, so the keep-alive connection the answer promised stays usable;
# gunicorn itself reads at most 64 KB of it and then closes the connection.
UNREAD_BODY_LIMIT = 10 * 1024 * 1024


def post_request(worker, req, environ, resp):
    body = environ.get("wsgi.input")
    left = UNREAD_BODY_LIMIT
    while body is not None and left > 0:
        chunk = body.read(min(65536, left))
        if not chunk:
            break
        left -= len(chunk)


def on_starting(server):
    store_url = os.environ.get("BOOKING_STORE_URL", "memory://")
    if store_url == "memory://" and server.cfg.workers > 1:
        message = (
            f"Refusing to start {server.cfg.workers} worker processes with the process-local "
            "booking store (BOOKING_STORE_URL=memory://): each process would keep its own "
            "holds and sell the same seats twice. Set BOOKING_STORE_URL=redis://host:port/db, "
            "or run one worker (--workers 1)."
        )
        server.log.error(message)
        raise SystemExit(message)
