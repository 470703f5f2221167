"""What the project core keeps: e-mail waiting to be sent, and sign-up addresses waiting
to be verified."""

import uuid

from django.conf import settings
from django.db import models


class OutboxMail(models.Model):
    """An e-mail, rendered whole, written in the same transaction as what it tells of (a
    sale, a cancellation): a rolled-back transaction leaves none, a committed one always
    has it. It is sent right after the commit; one that could not be sent is tried again
    by the sweeper (``manage.py expire_bookings``) up to ``EMAIL_MAX_ATTEMPTS`` times."""

    class Status(models.TextChoices):
        PENDING = "PENDING"
        SENT = "SENT"
        FAILED = "FAILED"  # gave up after EMAIL_MAX_ATTEMPTS

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=120, unique=True, help_text="What it tells of, once.")
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    html = models.TextField(blank=True)
    # [{"filename", "mimetype", "content" (base64), "cid" (inline images)}]
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = "outgoing e-mail"

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class PendingEmailVerification(models.Model):
    """An account made through the sign-up form whose e-mail address is not verified
    yet: it may browse but not hold seats. Accounts without one (made by staff, by
    ``createsuperuser``, in code) count as verified."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_verification"
    )
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} (not verified)"
