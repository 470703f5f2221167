"""E-mail on the console (``EMAIL_URL=console://``, the default under ``make run``): each
message's body as written, so its links can be copied whole."""

import re
from urllib.parse import urlsplit

from bookmyshow.settings import email_mailer
from tests.booking.test_staff import paid_order
from tests.test_signin_help import SIGNUP


def test_a_verification_link_printed_on_the_console_works_as_printed(
    client, db, settings, capsys, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": email_mailer("console://")}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP)

    printed = capsys.readouterr().out
    assert "To: meera@example.com\nSubject: Verify your e-mail address for BookMyShow\n" in printed
    (link,) = re.findall(r"^\S*https?://\S+$", printed, flags=re.MULTILINE)
    verified = client.get(urlsplit(link).path, follow=True)
    assert "Thank you: meera@example.com is verified." in verified.content.decode()


def test_a_ticket_on_the_console_names_the_parts_it_does_not_print(
    user, show, settings, capsys, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": email_mailer("console://")}
    with django_capture_on_commit_callbacks(execute=True):
        paid = paid_order(user, show, ["B2", "B3"])

    printed = capsys.readouterr().out
    assert f"Also: text/html, ticket-qr.png, {paid.ticket_code}.ics\n" in printed
    assert "Seats       B2, B3\n" in printed
    assert "₹" in printed
