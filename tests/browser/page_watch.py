"""Records what a page does behind the scenes: every request it sends to another host than
the live server (aborted, so nothing leaves the machine) and every Content-Security-Policy
violation it reports."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

# ReDoc's bundle hard-codes this logo in its side menu's footer, with no option to leave it
# out; the API docs' policy refuses it (so it is never sent) and ReDoc then shows no logo.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

# Runs in every document before the page's own scripts. Playwright injects it outside the
# page's policy, so the policy cannot stop it from listening.
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    page: document.location.pathname,
    disposition: event.disposition,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""


@dataclass
class PageWatch:
    origin: str
    requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    console_violations: list[str] = field(default_factory=list)

    def is_outside(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "blob":  # blob:http://host:port/uuid belongs to that origin
            parts = urlsplit(parts.path)
        elif parts.scheme in {"data", "about"}:
            return False
        return f"{parts.scheme}://{parts.netloc}" != self.origin


def watch(page, live_server_url: str) -> PageWatch:
    """Starts watching `page`, before its first navigation. A request the browser sends to
    any other origin than the live server's is recorded and aborted; one the page's policy
    refuses never gets this far and shows up as a violation instead."""
    parts = urlsplit(live_server_url)
    record = PageWatch(origin=f"{parts.scheme}://{parts.netloc}")

    def route(route):
        url = route.request.url
        record.requests.append(url)
        if record.is_outside(url):
            record.outside_requests.append(url)
            route.abort()
        else:
            route.continue_()

    def on_console(message):
        if "Content Security Policy" in message.text:
            record.console_violations.append(message.text)

    page.context.route("**/*", route)
    page.on("console", on_console)
    page.expose_function("__reportCspViolation", lambda v: record.violations.append(v))
    page.add_init_script(VIOLATION_LISTENER)
    return record
