"""Writes of handouts: making and revoking private calendar links."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from coplanner.handouts.models import CalendarFeed
from coplanner.roster.models import Student

logger = logging.getLogger(__name__)


def record_calendar_feed(student: Student, by: AbstractBaseUser) -> CalendarFeed:
    """Make a new private calendar link for the student."""
    feed = CalendarFeed.objects.create(student=student, created_by=by)
    logger.info("Calendar feed %s made for student %s", feed.pk, student.pk)
    return feed


def revoke_calendar_feed(feed: CalendarFeed) -> bool:
    """Revoke a calendar link for good; return False if it was revoked already."""
    with transaction.atomic():
        updated = CalendarFeed.objects.filter(
            pk=feed.pk, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    if updated:
        logger.info("Calendar feed %s revoked", feed.pk)
    return bool(updated)
