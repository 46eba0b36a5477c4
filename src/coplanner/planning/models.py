"""The week itself: must-dos, plans and their versions, slots, conferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MustDo(models.Model):
    """An activity a student has to do at least ``at_least`` times a week.

    Set for a whole classroom, or for one student when ``student`` is given.
    """

    classroom = models.ForeignKey(
        "roster.Classroom", on_delete=models.CASCADE, related_name="must_dos"
    )
    student = models.ForeignKey(
        "roster.Student",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="must_dos",
    )
    activity = models.ForeignKey(
        "curriculum.Activity", on_delete=models.CASCADE, related_name="must_dos"
    )
    at_least = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "activity"],
                condition=Q(student__isnull=True),
                name="must_do_unique_for_classroom",
            ),
            models.UniqueConstraint(
                fields=["classroom", "student", "activity"],
                condition=Q(student__isnull=False),
                name="must_do_unique_for_student",
            ),
            models.CheckConstraint(
                condition=Q(at_least__gte=1) & Q(at_least__lte=50),
                name="must_do_at_least_1_to_50",
            ),
        ]

    def __str__(self) -> str:
        return f"activity {self.activity_id} at least {self.at_least} times"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_CONFERENCE = "in_conference", _("In conference")
    AGREED = "agreed", _("Agreed")


class Plan(models.Model):
    """One student's week. Its content lives in versions; nothing is overwritten.

    ``version`` counts saves, so that two people editing the same plan at once
    find out instead of overwriting each other.
    """

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="plans"
    )
    week_start = models.DateField(help_text=_("The Monday of the week."))
    status = models.CharField(
        max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "week_start"], name="one_plan_per_student_week"
            ),
        ]

    def __str__(self) -> str:
        return f"plan of student {self.student_id}, week of {self.week_start}"


class ChangeSource(models.TextChoices):
    PLANNER = "planner", _("Planner draft")
    REQUEST = "request", _("Student request")
    COACH = "coach", _("Coach edit")
    TEACHER = "teacher", _("Teacher override")


class PlanVersion(models.Model):
    """The plan as it stood after one change, with who made it and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(max_length=16, choices=ChangeSource.choices)
    note = models.CharField(max_length=500, blank=True)
    rigor = models.FloatField(default=0.0)
    voice = models.FloatField(default=0.0)
    confidence = models.FloatField(default=0.0)
    variety = models.FloatField(default=0.0)
    stability = models.FloatField(default=0.0)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="plan_version_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_from_1"),
        ]

    def __str__(self) -> str:
        return f"version {self.number} of plan {self.plan_id}"


class Slot(models.Model):
    """What the student does in one block, and why."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="slots"
    )
    block = models.ForeignKey(
        "curriculum.Block", on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        "curriculum.Activity", on_delete=models.PROTECT, related_name="+"
    )
    variant = models.ForeignKey(
        "curriculum.Variant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["version", "block__day", "block__start"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "block"], name="one_slot_per_block"
            ),
        ]

    def __str__(self) -> str:
        return f"block {self.block_id}: activity {self.activity_id}"


class Conference(models.Model):
    """The meeting where coach and student turn the draft into the agreed plan.

    ``handed_in_at`` is when a student of autonomy level 3, who drafts their
    own week, handed it to the coach to review; a change the student makes
    afterwards takes it back (null again).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="conferences")
    coach = models.ForeignKey(
        "roster.Staff", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    coach_signed_at = models.DateTimeField(null=True, blank=True)
    student_signed_at = models.DateTimeField(null=True, blank=True)
    handed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"conference {self.pk} on plan {self.plan_id}"


class RequestKind(models.TextChoices):
    SWAP = "swap", _("Swap two blocks")
    MOVE = "move", _("Move to another block")
    DROP = "drop", _("Take out")
    VARIANT = "variant", _("Choose a variant")
    LOCK = "lock", _("Keep this")


class RequestOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    REFUSED = "refused", _("Not possible")
    # The planner ran out of time before it could tell: asking again may work.
    UNANSWERED = "unanswered", _("No answer in time")


class Request(models.Model):
    """A change asked for in a conference, and the planner's answer."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="requests"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    details = models.JSONField(default=dict)
    outcome = models.CharField(max_length=16, choices=RequestOutcome.choices)
    answer = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resulting_version = models.ForeignKey(
        PlanVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["conference", "created_at"]

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk} ({self.outcome})"
