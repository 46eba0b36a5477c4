"""A teacher's band override on a student's skill: set, remove, read.

The override stands for the estimate on the evidence page of the skill and
in the planner's drafts (see `get_override_probabilities`); the evidence and
the fitted estimate stay as they are, so removing the override brings back
what the data says. TODO: show overrides on the heat map and the skill map
too; both still show the band of the evidence.
Every change is audited; the reason is the teacher's words and is recorded
as written, never copied into the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coplanner.audit import actions as audit
from coplanner.audit.models import AuditAction
from coplanner.curriculum.models import Skill
from coplanner.engine.mastery import DEFAULT_BANDS
from coplanner.mastery.models import Band, BandOverride
from coplanner.roster.models import Student

logger = logging.getLogger(__name__)

REASON_LENGTH = 500


class OverrideError(ValueError):
    """An override that cannot be saved; the message says what to do."""


def get_band_override(student: Student, skill: Skill) -> BandOverride | None:
    """Return the current override of the student's band on the skill, if any."""
    return (
        BandOverride.objects.filter(
            student=student, skill=skill, cleared_at__isnull=True
        )
        .select_related("set_by")
        .first()
    )


def get_band_override_history(student: Student, skill: Skill) -> list[BandOverride]:
    """Return every override ever set on the student's skill, newest first."""
    return list(
        BandOverride.objects.filter(student=student, skill=skill)
        .select_related("set_by")
        .order_by("-set_at", "-pk")
    )


def record_band_override(
    student: Student, skill: Skill, band: str, reason: str, by: AbstractBaseUser
) -> BandOverride:
    """Set the band that stands for the student's estimate on the skill.

    Raise `OverrideError` for a band that is not one of the three or a
    missing reason; nothing changes then. An override equal to the current
    one (band and reason) is returned as it is.
    """
    reason = reason.strip()
    if band not in Band.values:
        raise OverrideError(
            _("Choose one of the bands: not yet, developing or mastered.")
        )
    if not reason:
        raise OverrideError(
            _("Say why in a few words, so that others understand the override.")
        )
    if len(reason) > REASON_LENGTH:
        raise OverrideError(
            _("The reason is too long: keep it under %(n)s characters.")
            % {"n": REASON_LENGTH}
        )
    with transaction.atomic():
        current = (
            BandOverride.objects.select_for_update()
            .filter(student=student, skill=skill, cleared_at__isnull=True)
            .first()
        )
        if current is not None and (current.band, current.reason) == (band, reason):
            return current
        if current is not None:
            current.cleared_at = timezone.now()
            current.save(update_fields=["cleared_at"])
        override = BandOverride.objects.create(
            student=student, skill=skill, band=band, reason=reason, set_by=by
        )
        audit.record(
            AuditAction.BAND_OVERRIDE,
            by=by,
            object_type="band_override",
            object_id=override.pk,
            school_id=student.school_id,
            student_id=student.pk,
            changes={
                "skill": skill.pk,
                "band": [current.band if current else None, band],
                "previous": current.pk if current else None,
                "reason": "written",
            },
        )
    logger.info(
        "Band override %s set for student %s on skill %s by user %s",
        override.pk,
        student.pk,
        skill.pk,
        by.pk,
    )
    return override


def clear_band_override(student: Student, skill: Skill, by: AbstractBaseUser) -> bool:
    """Remove the current override, so the estimate shows again; False if none."""
    with transaction.atomic():
        current = (
            BandOverride.objects.select_for_update()
            .filter(student=student, skill=skill, cleared_at__isnull=True)
            .first()
        )
        if current is None:
            return False
        current.cleared_at = timezone.now()
        current.save(update_fields=["cleared_at"])
        audit.record(
            AuditAction.BAND_OVERRIDE_CLEARED,
            by=by,
            object_type="band_override",
            object_id=current.pk,
            school_id=student.school_id,
            student_id=student.pk,
            changes={"skill": skill.pk, "band": [current.band, None]},
        )
    logger.info("Band override %s cleared by user %s", current.pk, by.pk)
    return True


def get_override_probabilities(
    student_ids: Iterable[int],
) -> dict[tuple[int, str], float]:
    """Return, by (student id, skill code), the probability an override stands for.

    The planner reasons in probabilities, so an override becomes the middle
    of its band: a teacher's "mastered" counts as mastered, "not yet" as a
    struggle, whatever the evidence says.
    """
    bands = DEFAULT_BANDS
    middle = {
        Band.NOT_YET: bands.developing_at / 2,
        Band.DEVELOPING: (bands.developing_at + bands.mastered_at) / 2,
        Band.MASTERED: (bands.mastered_at + 1.0) / 2,
    }
    return {
        (student_id, code): middle[Band(band)]
        for student_id, code, band in BandOverride.objects.filter(
            student_id__in=list(student_ids), cleared_at__isnull=True
        ).values_list("student_id", "skill__code", "band")
    }
