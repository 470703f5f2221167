"""Sign-in help by e-mail, end to end: password reset, and the verification of sign-up
addresses before an account may hold seats."""

import re
import time
from unittest import mock
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from rest_framework.test import APIClient

from bookmyshow.models import PendingEmailVerification
from bookmyshow.signin_help import EmailNotVerified, email_verified_check

SIGNUP = {
    "username": "meera",
    "first_name": "Meera",
    "email": "meera@example.com",
    "password1": "a-strong-pass-9",
    "password2": "a-strong-pass-9",
}


def link_in(message) -> str:
    """The path of the link in a message (the site's address is SITE_URL's)."""
    return urlsplit(re.search(r"https?://\S+", message.body).group(0)).path


@pytest.fixture
def signed_up(client, db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP)
    return client


def test_a_signed_up_account_may_not_hold_seats_until_verified(
    signed_up, show, mailoutbox, settings
):
    (message,) = mailoutbox
    assert message.to == ["meera@example.com"]
    assert message.subject == "Verify your e-mail address for BookMyShow"
    assert "it works for 24 hours" in message.body
    page = signed_up.get("/").content.decode()
    assert "Verify your e-mail address to book seats" in page
    refused = signed_up.post(f"/shows/{show.id}/hold/", {"seats": ["B1"]})
    assert refused.status_code == 403
    assert "Please verify your e-mail address first" in refused.content.decode()
    link = link_in(message)
    assert link.startswith("/accounts/verify/")
    verified = signed_up.get(link, follow=True)
    assert "Thank you: meera@example.com is verified." in verified.content.decode()
    assert not PendingEmailVerification.objects.exists()
    held = signed_up.post(f"/shows/{show.id}/hold/", {"seats": ["B1"]})
    assert held.status_code == 302


def test_the_api_refuses_an_unverified_account_with_403(signed_up, show, django_user_model):
    api = APIClient()
    api.force_authenticate(django_user_model.objects.get(username="meera"))
    response = api.post(
        "/api/v1/holds", {"showId": str(show.id), "seatIds": ["B1"], "quantity": 1}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "EMAIL_NOT_VERIFIED"
    assert response.json()["error"]["details"] == {"email": "meera@example.com"}


def test_a_link_a_day_old_has_expired_and_a_new_one_can_be_sent(
    signed_up, mailoutbox, django_capture_on_commit_callbacks
):
    link = link_in(mailoutbox[0])
    later = time.time() + 24 * 3600 + 1
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = signed_up.get(link)
    assert expired.status_code == 400
    assert "This link has expired" in expired.content.decode()
    assert PendingEmailVerification.objects.exists()
    with (
        mock.patch("django.core.signing.time.time", return_value=later),
        django_capture_on_commit_callbacks(execute=True),
    ):
        resent = signed_up.post("/accounts/verify/resend/", {"next": "https://evil.example.com/"})
    assert resent["Location"] == "/"  # never to another site
    assert len(mailoutbox) == 2
    with mock.patch("django.core.signing.time.time", return_value=later + 60):
        assert signed_up.get(link).status_code == 400
        signed_up.get(link_in(mailoutbox[1]))
    assert not PendingEmailVerification.objects.exists()


def test_the_link_leads_back_to_the_page_the_customer_signed_up_from(
    client, db, show, mailoutbox, django_capture_on_commit_callbacks
):
    seats = f"/shows/{show.id}/seats/?seats=B1&seats=B2"
    with django_capture_on_commit_callbacks(execute=True):
        signup = client.post(f"/accounts/signup/?next={quote(seats)}", SIGNUP)
    assert signup["Location"] == seats

    verified = client.get(link_in(mailoutbox[0]))

    assert (verified.status_code, verified["Location"]) == (302, seats)
    assert [m.message for m in get_messages(verified.wsgi_request)][-1] == (
        "Thank you: meera@example.com is verified. You can book seats now."
    )


def test_a_new_link_leads_back_to_the_page_it_was_asked_for_from(
    signed_up, show, mailoutbox, django_capture_on_commit_callbacks
):
    movie = f"/movies/{show.movie_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        resent = signed_up.post("/accounts/verify/resend/", {"next": movie})
    assert resent["Location"] == movie

    assert signed_up.get(link_in(mailoutbox[1]))["Location"] == movie


def test_a_tampered_link_is_refused(signed_up, mailoutbox):
    link = link_in(mailoutbox[0])
    response = signed_up.get(link[:-3] + "xyz/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert PendingEmailVerification.objects.exists()


def test_accounts_made_elsewhere_count_as_verified(db, django_user_model, monkeypatch):
    django_user_model.objects.create_user("coded", "coded@example.com", "pw")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-strong-pass-9")
    call_command("createsuperuser", "--noinput", username="boss", email="boss@example.com")
    assert not PendingEmailVerification.objects.exists()


def test_a_verified_account_is_checked_once_per_process(
    signed_up, show, mailoutbox, django_assert_num_queries
):
    meera = PendingEmailVerification.objects.get().user_id
    for _ in range(2):  # an unverified account is asked about every time
        with django_assert_num_queries(1), pytest.raises(EmailNotVerified):
            email_verified_check(meera)
    signed_up.get(link_in(mailoutbox[0]))
    with django_assert_num_queries(1):
        email_verified_check(meera)
    with django_assert_num_queries(0):
        email_verified_check(meera)


def test_password_reset_end_to_end(client, user, mailoutbox, django_capture_on_commit_callbacks):
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password-reset/">Forgot password?</a>' in login_page
    form = client.get("/accounts/password-reset/").content.decode()
    assert "Forgot your password?" in form
    assert '<header class="site-header">' in form  # the site's own page
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/password-reset/", {"email": "asha@example.com"})
    assert sent["Location"] == "/accounts/password-reset/sent/"
    (message,) = mailoutbox
    assert message.subject == "Choose a new BookMyShow password"
    link = link_in(message)
    confirm = client.get(link, follow=True)
    assert "Choose a new password" in confirm.content.decode()
    done = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "another-strong-9", "new_password2": "another-strong-9"},
    )
    assert done["Location"] == "/accounts/password-reset/done/"
    assert client.login(username="asha", password="another-strong-9")
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_password_reset_says_the_same_for_unknown_addresses(client, db, mailoutbox):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mailoutbox == []
