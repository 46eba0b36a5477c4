"""What people take away from a plan: here, the private calendar links."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def build_feed_token() -> str:
    """Return a new random token for a calendar link (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private link to one student's plans for calendar apps.

    The token is the only credential: whoever holds the link sees the plans,
    so a link is revoked, never edited, and a new one is made instead.
    """

    token = models.CharField(max_length=64, unique=True, default=build_feed_token)
    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["student", "-created_at"]
        indexes = [
            models.Index(
                fields=["student"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_live",
            ),
        ]

    def __str__(self) -> str:
        return f"calendar feed {self.pk} of student {self.student_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
