"""A ticket that scans, in a real browser: book, decode the ticket's QR image as a door
scanner would (zbarimg), submit exactly that text at the admin's check-in: admitted;
again: already used, with the time; a cancelled ticket's code: refused."""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from booking.models import Booking
from tests.booking.test_staff import paid_order

ZBARIMG = shutil.which("zbarimg")


def qr_text(page, tmp_path, name: str) -> str:
    """The text of the QR code on the ticket page, read from its pixels."""
    if ZBARIMG is None:
        pytest.fail("zbarimg is missing: .ci/run installs Debian's zbar-tools.")
    image = tmp_path / f"{name}.png"
    page.locator(".ticket__qr").screenshot(path=str(image))
    result = subprocess.run(
        [ZBARIMG, "--raw", "-q", str(image)], capture_output=True, text=True, timeout=30, check=True
    )
    return result.stdout.strip()


def scan_at_the_door(door, text: str) -> None:
    door.goto("/admin/check-in/")
    field = door.get_by_label("Scan the QR code (or type the ticket code)")
    expect(field).to_be_focused()  # the scanner types into it straight away
    field.fill(text)
    field.press("Enter")  # what a scanner sends after the code


def test_a_ticket_scans_at_the_door_once_and_a_cancelled_one_never(
    new_page, show, user, django_user_model, tmp_path
):
    page = new_page(user=user)
    page.goto(f"/shows/{show.id}/seats/")
    page.locator('[data-seat-id="B1"]').click()
    expect(page.locator("#booking-summary")).to_contain_text("2 seats: B1, B2")
    page.get_by_role("button", name=re.compile("Proceed")).click()
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_role("button", name=re.compile("Continue to payment")).click()
    page.get_by_role("button", name="Pay ₹500.00").click()
    expect(page.get_by_role("heading", name="Your ticket")).to_be_visible()
    booking = Booking.objects.get()

    scanned = qr_text(page, tmp_path, "first")
    assert scanned.startswith(f"{booking.ticket_code}.")  # the code, and its signature

    staff = django_user_model.objects.create_user(
        "door", password="pw", is_staff=True, is_superuser=True
    )
    door = new_page(user=staff)
    scan_at_the_door(door, scanned)
    expect(door.locator(".messagelist")).to_contain_text(
        f"Valid: {booking.ticket_code} admitted, seats B1, B2."
    )
    scan_at_the_door(door, scanned)
    expect(door.locator(".messagelist")).to_contain_text(
        re.compile(r"Already used: checked in at \d\d \w{3}, \d\d:\d\d:\d\d [AP]M\.")
    )

    # A second booking, cancelled from its ticket page after its QR code was read.
    second = paid_order(user, show, ["B4", "B5", "B6"])
    page.goto(f"/orders/{second.order_id}/")
    second_scan = qr_text(page, tmp_path, "second")
    page.get_by_role("link", name="Cancel booking").click()
    page.get_by_role(
        "button", name=re.compile(r"Cancel B4, B5, B6 and get ₹\d+\.\d\d back")
    ).click()
    expect(page.locator("#messages")).to_contain_text("Cancelled seats B4, B5, B6.")
    scan_at_the_door(door, second_scan)
    expect(door.locator(".messagelist")).to_contain_text(
        f"Not valid: ticket {second.ticket_code} was cancelled on"
    )
    assert Booking.objects.get(pk=second.order_id).checked_in_at is None
