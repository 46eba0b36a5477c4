"""Writes of handouts: making and revoking private calendar links."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction
from coplanner.handouts.models import CalendarFeed
from coplanner.roster.models import Student

logger = logging.getLogger(__name__)


def _audit(
    feed: CalendarFeed, by: AbstractBaseUser | None, change: str, school_id: int
) -> None:
    audit.record(
        AuditAction.CALENDAR_FEED,
        by=by,
        object_type="calendar_feed",
        object_id=feed.pk,
        school_id=school_id,
        student_id=feed.student_id,
        changes={"feed": change},
    )


def record_calendar_feed(student: Student, by: AbstractBaseUser) -> CalendarFeed:
    """Make a new private calendar link for the student."""
    with transaction.atomic():
        feed = CalendarFeed.objects.create(student=student, created_by=by)
        _audit(feed, by, "made", student.school_id)
    logger.info("Calendar feed %s made for student %s", feed.pk, student.pk)
    return feed


def revoke_calendar_feed(feed: CalendarFeed) -> bool:
    """Revoke a calendar link for good; return False if it was revoked already."""
    with transaction.atomic():
        updated = CalendarFeed.objects.filter(
            pk=feed.pk, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if updated:
            school_id = Student.objects.values_list("school_id", flat=True).get(
                pk=feed.student_id
            )
            _audit(feed, None, "revoked", school_id)
    if updated:
        logger.info("Calendar feed %s revoked", feed.pk)
    return bool(updated)
