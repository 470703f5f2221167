"""E-mail printed for a person at a terminal (``EMAIL_URL=console://``, the default while
debugging, as under ``make run``).

Django's own console backend prints each message as it would travel: a plain-text body
with any character beyond ASCII (a ₹) is quoted-printable there, which breaks every line
longer than 76 characters with a ``=``, a link among them. This one prints the headers a
reader needs and the plain-text body as written, so a link (to verify an address, to
reset a password) can be copied whole; other parts are named, not printed.
"""

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.core.mail.message import EmailAttachment


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message: EmailMessage) -> None:
        alternatives = getattr(message, "alternatives", [])
        other_parts = [alternative.mimetype for alternative in alternatives] + [
            attachment.filename
            if isinstance(attachment, EmailAttachment)
            else attachment.get_filename() or attachment.get_content_type()
            for attachment in message.attachments
        ]
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
            *([f"Also: {', '.join(other_parts)}"] if other_parts else []),
            "",
            str(message.body),
            "-" * 79,
            "",
        ]
        self.stream.write("\n".join(lines))
