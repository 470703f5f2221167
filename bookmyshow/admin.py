from django.contrib import admin

from bookmyshow.models import OutboxMail, PendingEmailVerification


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    """E-mail as sent or waiting: staff see what went out and what failed (and why)."""

    list_display = ["subject", "to", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [f.name for f in OutboxMail._meta.fields if f.name != "attachments"]
    exclude = ["attachments"]

    def has_add_permission(self, request):
        return False


@admin.register(PendingEmailVerification)
class PendingEmailVerificationAdmin(admin.ModelAdmin):
    """Accounts waiting to verify their address; deleting one verifies it by hand."""

    list_display = ["user", "email", "created_at", "last_sent_at"]
    search_fields = ["user__username", "email"]
    readonly_fields = ["user", "email", "created_at", "last_sent_at"]

    def has_add_permission(self, request):
        return False
