"""E-mail through Django's mail system, never in the way of what it tells of.

``mail_queue`` writes the message to the outbox inside the caller's transaction and sends
it once that transaction commits (``transaction.on_commit``): a rolled-back sale sends
nothing, a committed one is never lost. Sending never raises: a failure is logged and the
message stays in the outbox for the sweeper (``outbox_retry``), which claims each message
with a conditional update, so two sweepers never send one twice.
"""

import base64
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from bookmyshow.models import OutboxMail

logger = logging.getLogger(__name__)

# The sweeper leaves alone what the request that queued it is still sending.
RETRY_AFTER = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes
    cid: str = ""  # set: an image shown inline in the HTML (``<img src="cid:...">``)


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
    html: str = ""
    attachments: tuple[Attachment, ...] = field(default=())


def mail_queue(mail: Mail, *, key: str) -> OutboxMail | None:
    """Queue ``mail`` once per ``key`` in the current transaction; it is sent when the
    transaction commits. Returns the outbox row (None when ``key`` was queued before)."""
    row, created = OutboxMail.objects.get_or_create(
        key=key,
        defaults={
            "to": mail.to,
            "subject": mail.subject[:200],
            "body": mail.body,
            "html": mail.html,
            "attachments": [
                {
                    "filename": a.filename,
                    "mimetype": a.mimetype,
                    "content": base64.b64encode(a.content).decode(),
                    "cid": a.cid,
                }
                for a in mail.attachments
            ],
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: _send_soon(row.pk))
    return row


SENDER_THREAD = "outbox-send"


def _send_soon(row_id) -> None:
    """Right after the commit: in a thread of its own (``EMAIL_SEND_IN_BACKGROUND``), so
    a slow mail server never holds up the answer to the payment; a process that dies
    first leaves the message to the sweeper."""
    if not settings.EMAIL_SEND_IN_BACKGROUND:
        outbox_send(row_id)
        return
    threading.Thread(
        target=_send_in_thread, args=(row_id,), name=SENDER_THREAD, daemon=True
    ).start()


def _send_in_thread(row_id) -> None:
    try:
        outbox_send(row_id)
    finally:
        connections.close_all()  # this thread's own connection


def _message(row: OutboxMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(row.subject, row.body, to=[row.to])
    if row.html:
        message.attach_alternative(row.html, "text/html")
    for attachment in row.attachments:
        content = base64.b64decode(attachment["content"])
        maintype, _, subtype = attachment["mimetype"].partition("/")
        part = MIMEPart()
        if maintype == "text":
            part.set_content(content.decode(), subtype=subtype)
        else:
            part.set_content(content, maintype=maintype, subtype=subtype)
        if attachment["cid"]:
            part.add_header("Content-ID", f"<{attachment['cid']}>")
            part.add_header("Content-Disposition", "inline", filename=attachment["filename"])
        else:
            part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
        message.attach(part)
    return message


def outbox_send(row_id) -> bool:
    """Send one queued message, if it is still waiting and no one else is sending it.
    Never raises (the booking it tells of stands): a failure is logged and left for the
    sweeper. Returns whether it was sent."""
    try:
        row = OutboxMail.objects.filter(pk=row_id, status=OutboxMail.Status.PENDING).first()
        if row is None:
            return False
        claimed = OutboxMail.objects.filter(pk=row.pk, attempts=row.attempts).update(
            attempts=F("attempts") + 1
        )
        if not claimed:  # another sender has it
            return False
        _message(row).send()
    except Exception as exc:  # a mail server down, a bad address: never the sale's problem
        logger.warning("E-mail %s not sent: %s", row_id, exc)
        _failed(row_id, exc)
        return False
    OutboxMail.objects.filter(pk=row_id).update(
        status=OutboxMail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _failed(row_id, exc: Exception) -> None:
    try:
        OutboxMail.objects.filter(pk=row_id).update(last_error=str(exc)[:300] or type(exc).__name__)
        OutboxMail.objects.filter(
            pk=row_id, status=OutboxMail.Status.PENDING, attempts__gte=settings.EMAIL_MAX_ATTEMPTS
        ).update(status=OutboxMail.Status.FAILED)
    except Exception:  # the database too: the sweeper finds the row as it was
        logger.exception("Could not record the failure of e-mail %s", row_id)


@dataclass(frozen=True, slots=True)
class RetryReport:
    sent: int
    failed: int  # not sent this time (given up on once at EMAIL_MAX_ATTEMPTS)


def outbox_retry(*, now: datetime) -> RetryReport:
    """Send again what waits in the outbox (queued over ``RETRY_AFTER`` ago)."""
    waiting = OutboxMail.objects.filter(
        status=OutboxMail.Status.PENDING, created_at__lt=now - RETRY_AFTER
    ).values_list("pk", flat=True)
    sent = failed = 0
    for row_id in list(waiting[:500]):
        if outbox_send(row_id):
            sent += 1
        else:
            failed += 1
    return RetryReport(sent=sent, failed=failed)
