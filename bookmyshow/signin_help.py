"""Sign-in help by e-mail: password reset (Django's views, in the site's pages) and the
verification of an address given on the sign-up form.

An account made through the sign-up form has a ``PendingEmailVerification`` until its
owner opens the link sent to the address (signed, valid ``EMAIL_VERIFICATION_SECONDS``,
a day by default); until then it may browse but not hold seats. Accounts made any other
way (staff, ``createsuperuser``, code) have none and count as verified. Every message
goes through the outbox (``bookmyshow.mail``): a mail server that is down never makes a
page fail, and the sweeper sends it later.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bookmyshow.clients import client_address, user_id
from bookmyshow.errors import DomainError
from bookmyshow.mail import Mail, mail_queue
from bookmyshow.models import PendingEmailVerification
from bookmyshow.ratelimit import rate_limit_hit

VERIFY_SALT = "bookmyshow.accounts.verify-email"


class EmailNotVerified(DomainError):
    """The account's e-mail address is not verified yet: it may not hold seats."""

    status_code = 403
    code = "EMAIL_NOT_VERIFIED"

    def __init__(self, email: str):
        super().__init__(
            f"Please verify your e-mail address first: open the link we sent to {email} "
            "(if it did not arrive, Resend the link at the top of the site's pages sends "
            "another).",
            details={"email": email},
        )


# Accounts found verified, kept in the process: an account is verified for good once it is
# (only a new sign-up starts a verification), so every hold after the first skips the query.
_verified: set[int] = set()
VERIFIED_MEMO_SIZE = 100_000


def _pending(user_id: int) -> PendingEmailVerification | None:
    """The account's verification still to be done, if any."""
    if user_id in _verified:
        return None
    pending = PendingEmailVerification.objects.filter(user_id=user_id).first()
    if pending is None:
        if len(_verified) >= VERIFIED_MEMO_SIZE:
            _verified.clear()
        _verified.add(user_id)
    return pending


def email_verified_check(user_id: int) -> None:
    """Raises ``EmailNotVerified`` for an account whose sign-up address is unverified."""
    pending = _pending(user_id)
    if pending is not None:
        raise EmailNotVerified(pending.email)


def verified_memo_clear() -> None:
    _verified.clear()


def verification_start(user: User, *, then: str = "/") -> None:
    """Require ``user`` (made through the sign-up form) to verify their address, and
    send the link, which leads back to ``then`` (a path on this site, checked by the
    caller: the page they signed up from)."""
    _verified.discard(user.pk)
    pending, _ = PendingEmailVerification.objects.update_or_create(
        user=user, defaults={"email": user.email}
    )
    _verification_send(pending, then=then)


def _verification_send(pending: PendingEmailVerification, *, then: str) -> None:
    token = signing.dumps({"u": pending.user_id, "e": pending.email, "n": then}, salt=VERIFY_SALT)
    link = settings.SITE_URL + reverse("accounts:verify-email", args=[token])
    hours = settings.EMAIL_VERIFICATION_SECONDS // 3600
    context = {
        "name": pending.user.first_name or pending.user.username,
        "link": link,
        "hours": hours,
    }
    mail_queue(
        Mail(
            to=pending.email,
            subject="Verify your e-mail address for BookMyShow",
            body=render_to_string("registration/verify_email_email.txt", context),
        ),
        key=f"verify-email:{pending.user_id}:{uuid.uuid4()}",
    )
    PendingEmailVerification.objects.filter(pk=pending.pk).update(last_sent_at=timezone.now())


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the message: verifies the address it was sent to, and leads back to
    the page the link was asked for from (signed with the rest, so no one can point it
    elsewhere)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_SECONDS)
        user_id, email, then = int(data["u"]), str(data["e"]), str(data.get("n", "/"))
    except signing.SignatureExpired:
        return _verify_failed(request, "This link has expired: links work for a day.")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _verify_failed(
            request, "This link is not valid. Copy the whole link from the message."
        )
    PendingEmailVerification.objects.filter(user_id=user_id, email__iexact=email).delete()
    messages.success(request, f"Thank you: {email} is verified. You can book seats now.")
    return redirect(on_this_site(request, then))


def on_this_site(request: HttpRequest, target: str, fallback: str = "/") -> str:
    """``target`` if it is an address on this site (safe to redirect to), else
    ``fallback``."""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else fallback


def _verify_failed(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "registration/verify_email_failed.html", {"reason": reason}, status=400)


@login_required
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    pending = _pending(user_id(request))
    if pending is None:
        messages.info(request, "Your e-mail address is already verified.")
        return redirect("/")
    rate_limit_hit(
        scope="verify-resend", ident=str(request.user.pk), rate=settings.VERIFY_RESEND_RATE_LIMIT
    )
    then = on_this_site(request, request.POST.get("next") or "/")
    _verification_send(pending, then=then)
    messages.success(request, f"We sent a new link to {pending.email}.")
    return redirect(then)


def pending_verification(request: HttpRequest) -> dict:
    """A context processor: the signed-in user's unverified address, for the banner."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    pending = _pending(user.pk)
    return {"unverified_email": pending.email if pending else ""}


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, its message sent through the outbox (never a 500 when the mail
    server is down)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        mail_queue(Mail(to=to_email, subject=subject, body=body), key=f"reset:{uuid.uuid4()}")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        # Counted per client address, so no one can flood an inbox from here.
        rate_limit_hit(
            scope="password-reset",
            ident=client_address(self.request),
            rate=settings.PASSWORD_RESET_RATE_LIMIT,
        )
        return super().form_valid(form)


urlpatterns = [
    path("password-reset/", PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password-reset-complete")
        ),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("verify/resend/", verify_email_resend, name="verify-email-resend"),
    path("verify/<str:token>/", verify_email, name="verify-email"),
]
