"""E-mail of a sale and a cancellation: sent once after the commit, never on rollback,
never failing the booking, retried by the sweeper; the ticket's QR inline and an .ics
that parses."""

import shutil
import subprocess
import threading
from datetime import timedelta
from email import message_from_bytes

import icalendar
import pytest
from django.db import transaction
from django.utils import timezone

from booking import services
from booking.models import Booking
from booking.notifications import QR_CID, booking_confirmation_queue
from booking.tickets import ticket_scan_text
from bookmyshow.mail import SENDER_THREAD
from bookmyshow.models import OutboxMail
from bookmyshow.settings import email_legacy_settings, email_mailer
from tests.booking.test_staff import paid_order


@pytest.fixture
def paid(user, show, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return paid_order(user, show, ["B2", "B3"])


def parts(message):
    """The MIME parts of a sent message, parsed back from its bytes."""
    return list(message_from_bytes(message.message().as_bytes()).walk())


def test_paying_sends_the_ticket_once_after_the_commit(paid, show, mailoutbox):
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == ["asha@example.com"]
    assert sent.subject == f"Your ticket {paid.ticket_code}: {show.movie.title}"
    assert f"Ticket      {paid.ticket_code}" in sent.body
    assert "Seats       B2, B3" in sent.body
    assert f"/orders/{paid.order_id}/" in sent.body
    html = sent.alternatives[0].content
    assert f'src="cid:{QR_CID}"' in html
    assert OutboxMail.objects.get().status == "SENT"


def test_the_ticket_mail_carries_the_qr_inline_and_an_ics_that_parses(paid, show, mailoutbox):
    by_type = {part.get_content_type(): part for part in parts(mailoutbox[0])}
    qr = by_type["image/png"]
    assert qr["Content-ID"] == f"<{QR_CID}>"
    assert qr.get_content_disposition() == "inline"
    assert qr.get_payload(decode=True).startswith(b"\x89PNG")
    ics = by_type["text/calendar"]
    assert ics.get_filename() == f"{paid.ticket_code}.ics"
    calendar = icalendar.Calendar.from_ical(ics.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == show.start_time.replace(microsecond=0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=3)
    assert str(event["SUMMARY"]) == show.movie.title
    assert str(event["UID"]) == f"{paid.order_id}@bookmyshow"
    assert f"Ticket {paid.ticket_code}\nSeats B2, B3" == str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_nothing_is_sent_for_a_transaction_rolled_back(transactional_db, user, show, mailoutbox):
    paid_order(user, show, ["B1"])  # sends its own ticket
    mailoutbox.clear()
    booking = Booking.objects.get()
    OutboxMail.objects.all().delete()

    def sale_that_fails_after_queueing() -> None:
        with transaction.atomic():
            booking_confirmation_queue(booking)
            raise RuntimeError("the sale failed after the mail was queued")

    with pytest.raises(RuntimeError):
        sale_that_fails_after_queueing()
    assert mailoutbox == []
    assert not OutboxMail.objects.exists()


def test_a_mail_server_that_fails_never_fails_the_sale_and_the_sweeper_retries(
    user, show, mailoutbox, monkeypatch, django_capture_on_commit_callbacks, settings
):
    def down(self, messages):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    with django_capture_on_commit_callbacks(execute=True):
        paid = paid_order(user, show, ["B1"])
    assert paid.ticket_code  # the sale stands
    row = OutboxMail.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("PENDING", 1, "no SMTP server")
    soon = timezone.now() + timedelta(minutes=2)
    assert services.bookings_sweep(keep_for=timedelta(days=1), now=soon).mails_sent == 0
    assert OutboxMail.objects.get().attempts == 2
    monkeypatch.undo()
    assert services.bookings_sweep(keep_for=timedelta(days=1), now=soon).mails_sent == 1
    assert len(mailoutbox) == 1
    assert OutboxMail.objects.get().status == "SENT"
    assert services.bookings_sweep(keep_for=timedelta(days=1), now=soon).mails_sent == 0
    assert len(mailoutbox) == 1  # once


def test_the_sweeper_gives_up_after_the_last_attempt(user, show, monkeypatch, settings):
    settings.EMAIL_MAX_ATTEMPTS = 2
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: 1 / 0,
    )
    paid_order(user, show, ["B1"])  # queued; its commit-time send never ran (test transaction)
    soon = timezone.now() + timedelta(minutes=2)
    for _ in range(3):
        services.bookings_sweep(keep_for=timedelta(days=1), now=soon)
    row = OutboxMail.objects.get()
    assert (row.status, row.attempts) == ("FAILED", 2)


def test_cancelling_sends_the_refund(
    paid, user, show, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(
            user_id=user.id,
            order_id=paid.order_id,
            seat_ids=None,
            now=show.start_time - timedelta(hours=5),
        )
    (sent,) = mailoutbox
    assert sent.subject == f"Cancelled: B2, B3 of {paid.ticket_code}"
    assert "Refund      ₹375.00 (75% of the tickets: ₹375.00; convenience fee: ₹0.00)" in sent.body


def test_a_file_backend_from_email_url_writes_what_tests_read(tmp_path, settings, paid):
    settings.MAILERS = {"default": email_mailer(f"file://{tmp_path}")}
    row = OutboxMail.objects.get()
    OutboxMail.objects.filter(pk=row.pk).update(status="PENDING")
    from bookmyshow.mail import outbox_send

    assert outbox_send(row.pk)
    (written,) = tmp_path.iterdir()
    assert f"Subject: Your ticket {paid.ticket_code}" in written.read_text()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "console://",
            {"BACKEND": "bookmyshow.console_mail.EmailBackend", "OPTIONS": {}},
        ),
        (
            "smtp+tls://mailer:p%40ss@smtp.example.com:587",
            {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "smtp.example.com",
                    "port": 587,
                    "username": "mailer",
                    "password": "p@ss",
                    "use_tls": True,
                    "use_ssl": False,
                    "timeout": 10,
                },
            },
        ),
    ],
)
def test_email_url_names_the_mailer(url, expected):
    assert email_mailer(url) == expected


def test_django_6_0_gets_the_same_mailer_as_email_settings():
    assert email_legacy_settings(email_mailer("smtps://smtp.example.com")) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": True,
        "EMAIL_TIMEOUT": 10,
    }


def test_a_bad_email_url_is_refused_at_start_up():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with one of"):
        email_mailer("gopher://mail")


def test_the_ticket_goes_out_from_a_thread_of_its_own(
    transactional_db, user, show, settings, mailoutbox
):
    settings.EMAIL_SEND_IN_BACKGROUND = True
    paid = paid_order(user, show, ["B1"])
    for thread in threading.enumerate():
        if thread.name == SENDER_THREAD:
            thread.join(timeout=10)
    assert [message.subject for message in mailoutbox] == [
        f"Your ticket {paid.ticket_code}: {show.movie.title}"
    ]
    assert OutboxMail.objects.get().status == "SENT"


def test_staff_see_the_outbox_in_the_admin(client, paid, django_user_model):
    client.force_login(
        django_user_model.objects.create_user(
            "boss", password="pw", is_staff=True, is_superuser=True
        )
    )
    listing = client.get("/admin/bookmyshow/outboxmail/").content.decode()
    assert f"Your ticket {paid.ticket_code}" in listing
    row = OutboxMail.objects.get()
    assert client.get(f"/admin/bookmyshow/outboxmail/{row.pk}/change/").status_code == 200
    assert client.get("/admin/bookmyshow/pendingemailverification/").status_code == 200


def test_the_mails_qr_code_reads_as_the_tickets_scan_text(paid, mailoutbox, tmp_path):
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is missing: .ci/run installs Debian's zbar-tools.")
    png = next(p for p in parts(mailoutbox[0]) if p.get_content_type() == "image/png")
    image = tmp_path / "qr.png"
    image.write_bytes(png.get_payload(decode=True))
    read = subprocess.run(
        [zbarimg, "--raw", "-q", str(image)], capture_output=True, text=True, timeout=30, check=True
    )
    assert read.stdout.strip() == ticket_scan_text(paid.ticket_code)
