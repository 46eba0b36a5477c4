"""Admin pages for sign-in records; hashes and tokens are never shown."""

from django.contrib import admin

from coplanner.accounts.models import AccountState, LoginAttempt, StudentLogin


@admin.register(StudentLogin)
class StudentLoginAdmin(admin.ModelAdmin):
    list_display = ("student", "animal", "colour", "failed_attempts", "locked_until")
    list_filter = ("student__classroom",)
    exclude = ("picture_password",)
    readonly_fields = ("picture_password_set_at", "badge_version", "badge_printed_at")


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "classroom", "student_id", "succeeded", "forgiven")
    list_filter = ("kind", "succeeded", "forgiven")
    readonly_fields = [field.name for field in LoginAttempt._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(AccountState)
class AccountStateAdmin(admin.ModelAdmin):
    list_display = ("user", "must_change_password", "password_reset_at")
    readonly_fields = ("password_reset_by", "password_reset_at")
