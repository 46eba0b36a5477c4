"""One entry of the audit log: a change someone made, in ids and codes."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What kind of change an entry records."""

    PLAN_VERSION = "plan.version", _("Plan saved")
    CONFERENCE_STARTED = "conference.started", _("Conference opened")
    REQUEST = "conference.request", _("Request answered")
    PLAN_HANDED_IN = "plan.handed_in", _("Week handed in")
    PLAN_SIGNED = "plan.signed", _("Plan signed")
    PREFERENCES = "voice.preferences", _("Preferences answered")
    GOAL = "voice.goal", _("Goal added")
    FOCUS_HELP = "voice.focus_help", _("Focus help answered")
    SELF_ASSESSMENT = "voice.self_assessment", _("Self-assessment answered")
    REFLECTION = "voice.reflection", _("Reflection answered")
    EVIDENCE_IMPORTED = "mastery.evidence_imported", _("Evidence imported")
    BAND_OVERRIDE = "mastery.band_override", _("Band override set")
    BAND_OVERRIDE_CLEARED = "mastery.band_override_cleared", _("Band override removed")
    CALENDAR_FEED = "handouts.calendar_feed", _("Calendar link changed")
    ROLE_GROUPS = "access.role_groups", _("Roles changed")
    CLASSROOM_TEACHERS = "access.classroom_teachers", _("Class teachers changed")
    CLASSROOM_COACH = "access.classroom_coach", _("Class coach changed")
    GUARDIAN_CHILDREN = "access.guardian_children", _("Family's children changed")
    STUDENT_EXPORTED = "privacy.student_exported", _("Student's data exported")
    STUDENT_ERASED = "privacy.student_erased", _("Student erased")
    SCHOOL_RESTORED = "privacy.school_restored", _("School restored from a backup")


class AuditEntry(models.Model):
    """A change someone made, written in the same transaction as the change.

    It holds ids and codes, never names or a child's words: what a student
    wrote is recorded as changed, not as text. People and objects are plain
    ids, not foreign keys, so that an entry outlives what it is about: when
    a student is erased, their entries stay with ids only and ``erased``
    set. ``user_id`` is empty for the planner and for commands run without
    a person; ``role`` is the person's role at the time.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    role = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=48, choices=AuditAction.choices)
    object_type = models.CharField(max_length=48)
    object_id = models.BigIntegerField(null=True, blank=True)
    school_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    student_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    from_version = models.PositiveIntegerField(null=True, blank=True)
    to_version = models.PositiveIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    erased = models.BooleanField(
        default=False,
        help_text=_("The student this entry is about was erased; ids only remain."),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["school_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.action} on {self.object_type} {self.object_id} by {self.user_id}"
