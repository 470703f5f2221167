"""Sign up, log in and log out, on Django's auth, with limits that hold across workers.

Log-in attempts (the site's form, the admin's and the API's token endpoint) count per
username and per client address, and are refused before a password is hashed, so a
flood of guesses can neither find a password nor slow the site down. Sign-ups count per
client address.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from rest_framework.authtoken.models import Token

from bookmyshow import signin_help
from bookmyshow.clients import client_address
from bookmyshow.errors import DomainError
from bookmyshow.ratelimit import RateLimited, rate_limit_hit
from bookmyshow.signin_help import on_this_site, verification_start
from bookmyshow.text import no_control_characters

LOGIN_LIMITED = "Too many log-in attempts. Please wait {seconds} s and try again."
SIGNUP_LIMITED = "Too many new accounts from your network. Please try again in {minutes} min."


class AuthenticationFailed(DomainError):
    status_code = 401
    code = "AUTHENTICATION_REQUIRED"
    message = "Wrong username or password."


def login_attempt_check(request: HttpRequest, username: str) -> None:
    """Count a log-in attempt for ``username`` and for the client's address; raises
    ``RateLimited`` when either is over ``LOGIN_RATE_LIMIT``."""
    for scope, ident in (
        ("login-user", username.strip().lower()[:150]),
        ("login-addr", client_address(request)),
    ):
        try:
            rate_limit_hit(scope=scope, ident=ident, rate=settings.LOGIN_RATE_LIMIT)
        except RateLimited as limited:
            raise RateLimited(
                limited.retry_after, LOGIN_LIMITED.format(seconds=limited.retry_after)
            ) from None


def token_for_credentials(request: HttpRequest, *, username: str, password: str) -> str:
    """The API token of the user with these credentials. Raises ``RateLimited`` (before
    hashing anything) or ``AuthenticationFailed``."""
    login_attempt_check(request, username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise AuthenticationFailed()
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


class ThrottledLogin:
    """For authentication forms: the attempt is counted before the password is checked,
    and over the limit the form says so without checking it."""

    rate_limited: RateLimited | None = None

    def clean(self):
        username = self.cleaned_data.get("username")  # type: ignore[attr-defined]
        if username is not None and self.request is not None:  # type: ignore[attr-defined]
            try:
                login_attempt_check(self.request, username)  # type: ignore[attr-defined]
            except RateLimited as limited:
                self.rate_limited = limited
                raise ValidationError(limited.message, code="rate_limited") from None
        return super().clean()  # type: ignore[misc]


class LoginForm(ThrottledLogin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    pass


def with_rate_limit_status(response: HttpResponse) -> HttpResponse:
    """A login page whose form was refused for too many attempts answers 429."""
    form = (getattr(response, "context_data", None) or {}).get("form")
    limited = getattr(form, "rate_limited", None)
    if limited is not None:
        response.status_code = 429
        response["Retry-After"] = str(limited.retry_after)
    return response


class SignUpForm(UserCreationForm):
    first_name = forms.CharField(label="Name", max_length=100, validators=[no_control_characters])
    email = forms.EmailField()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "email")


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return on_this_site(request, target, fallback)


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    limited = None
    if request.method == "POST" and form.is_valid():
        try:  # counted once the form is valid, and before the password is hashed
            rate_limit_hit(
                scope="signup", ident=client_address(request), rate=settings.SIGNUP_RATE_LIMIT
            )
        except RateLimited as refused:
            limited = refused
            form.add_error(None, SIGNUP_LIMITED.format(minutes=-(-limited.retry_after // 60)))
        else:
            user = form.save()
            verification_start(user, then=safe_next(request))
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome, {user.first_name}! We sent a link to {user.email}: open it to "
                "verify your address, and you can book seats.",
            )
            return redirect(safe_next(request))
    response = render(
        request, "registration/signup.html", {"form": form, "next": safe_next(request, "")}
    )
    if limited is not None:
        response.status_code = 429
        response["Retry-After"] = str(limited.retry_after)
    return response


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "You are logged in.")
        return response

    def form_invalid(self, form):
        return with_rate_limit_status(super().form_invalid(form))


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are logged out.")
        return response


app_name = "accounts"
urlpatterns = [
    path("signup/", signup, name="signup"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    *signin_help.urlpatterns,
]
