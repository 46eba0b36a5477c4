"""Integration tokens: how another system of the school reaches the API."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegrationToken(models.Model):
    """A secret that lets one integration read and write one school's data.

    Only a hash of the secret is stored (``secret_hash``, SHA-256 hex): the
    secret is shown once, when the token is created, and cannot be read back.
    ``prefix`` is the start of the secret, so that a leader can tell tokens
    apart in a list and match one to the system that holds it. A revoked
    token stays in the list, with the date it was revoked, and is refused.
    """

    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, related_name="integration_tokens"
    )
    name = models.CharField(
        max_length=64, help_text=_("What the token is for, such as “Math app”.")
    )
    prefix = models.CharField(max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["school", "-created_at"]

    def __str__(self) -> str:
        return f"integration token {self.pk} of school {self.school_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
