"""What the school knows about each student's skills: evidence and estimates."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    RESPONSE = "response", _("Item response")
    SCORE = "score", _("Score")
    RATING = "rating", _("Teacher rating")


class Evidence(models.Model):
    """One observation of a student on a skill, with its time and source.

    A response has ``correct``; a score or a teacher's rating has ``score`` in
    [0, 1]. ``item`` names the question or task within the source, so that
    importing the same file twice finds the rows it already holds.
    """

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="evidence"
    )
    skill = models.ForeignKey(
        "curriculum.Skill", on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    correct = models.BooleanField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    observed_at = models.DateTimeField()
    source = models.CharField(max_length=64)
    item = models.CharField(max_length=128, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["student", "skill", "observed_at"]
        indexes = [
            models.Index(fields=["student", "skill", "observed_at"]),
            models.Index(fields=["skill", "observed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "skill", "source", "item", "observed_at"],
                name="evidence_unique_observation",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="response", correct__isnull=False, score__isnull=True)
                    | (
                        Q(kind__in=["score", "rating"], correct__isnull=True)
                        & Q(score__gte=0.0, score__lte=1.0)
                    )
                ),
                name="evidence_value_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of student {self.student_id} on skill {self.skill_id}"


class Band(models.TextChoices):
    NOT_YET = "not_yet", _("Not yet")
    DEVELOPING = "developing", _("Developing")
    MASTERED = "mastered", _("Mastered")


class MasteryEstimate(models.Model):
    """The probability that a student has mastered a skill, from the evidence."""

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="mastery_estimates"
    )
    skill = models.ForeignKey(
        "curriculum.Skill", on_delete=models.CASCADE, related_name="mastery_estimates"
    )
    probability = models.FloatField()
    band = models.CharField(max_length=16, choices=Band.choices)
    observations = models.PositiveIntegerField(default=0)
    last_observed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "skill"], name="one_estimate_per_student_skill"
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0.0) & Q(probability__lte=1.0),
                name="estimate_probability_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"student {self.student_id}, skill {self.skill_id}: {self.probability:.2f}"
        )


class DateOrder(models.TextChoices):
    """How a date such as 03/09/2024 is read: 3 September or 9 March."""

    DAY_FIRST = "day_first", _("day/month/year")
    MONTH_FIRST = "month_first", _("month/day/year")


class EvidenceSource(models.Model):
    """A system a school's evidence comes from, and how its files are read.

    ``columns`` maps each evidence field (``student``, ``skill``, ``correct``,
    ``score``, ``max``, ``time``, ``item``) to the header the source's files
    use for it. The first import of a source stores it; later imports of the
    same source read their files with it. ``date_order`` is the order of the
    source's dates with slashes, blank until an import has chosen or found
    it; later files whose dates all fit both orders are read in it. ``name``
    is what the evidence rows hold in ``Evidence.source``.
    """

    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, related_name="evidence_sources"
    )
    name = models.CharField(max_length=64)
    columns = models.JSONField(default=dict)
    date_order = models.CharField(max_length=16, choices=DateOrder.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="evidence_source_unique_in_school"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BandOverride(models.Model):
    """A teacher's judgement of a student's band on a skill, with the reason.

    The estimate comes from the evidence; a teacher who knows better sets
    the band that stands for it, and pages show it beside what the data
    says. Kept like the student's answers: a new override or a removal
    marks the current one ``cleared_at``, so there is at most one current
    override per student and skill, and every earlier one stays on record.
    """

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="band_overrides"
    )
    skill = models.ForeignKey(
        "curriculum.Skill", on_delete=models.CASCADE, related_name="+"
    )
    band = models.CharField(max_length=16, choices=Band.choices)
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["student", "skill", "-set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "skill"],
                condition=Q(cleared_at__isnull=True),
                name="one_current_band_override",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"band {self.band} for student {self.student_id} on skill {self.skill_id}"
        )
