"""What students say: preferences with reasons, goals and reflections."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rating(models.IntegerChoices):
    DONT_LIKE = -1, _("Don't like")
    OKAY = 0, _("Okay")
    LIKE = 1, _("Like")
    LOVE = 2, _("Love")


class Reason(models.TextChoices):
    TOO_HARD = "too_hard", _("Too hard")
    TOO_EASY = "too_easy", _("Too easy")
    BORING = "boring", _("Boring")
    NOISY = "noisy", _("Too noisy")
    PEOPLE = "people", _("I like the people")
    LEARN_A_LOT = "learn_a_lot", _("I learn a lot")
    FUN = "fun", _("It is fun")
    QUIET = "quiet", _("It is quiet")
    OTHER = "other", _("Something else")


class Preference(models.Model):
    """A student's rating of an activity, with an optional reason.

    Answers are kept: a new answer marks the previous one superseded instead of
    overwriting it, so the conference can see how a view changed.
    """

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="preferences"
    )
    activity = models.ForeignKey(
        "curriculum.Activity", on_delete=models.CASCADE, related_name="preferences"
    )
    rating = models.SmallIntegerField(choices=Rating.choices)
    reason = models.CharField(max_length=16, choices=Reason.choices, blank=True)
    reason_text = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Set when the answer came from an end-of-week reflection, not the survey.
    reflection = models.ForeignKey(
        "voice.Reflection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="preferences",
    )

    class Meta:
        ordering = ["student", "activity", "-answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "activity"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_preference",
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=-1) & Q(rating__lte=2),
                name="preference_rating_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"student {self.student_id} rates activity {self.activity_id}: {self.rating}"


class Goal(models.Model):
    """Something the student wants to get better at, in their own words."""

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="goals"
    )
    text = models.CharField(max_length=500)
    skill = models.ForeignKey(
        "curriculum.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    achieved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["student", "-created_at"]

    def __str__(self) -> str:
        return f"goal {self.pk} of student {self.student_id}"


class GoalProgress(models.TextChoices):
    """How far the student's goal moved this week, in the student's words."""

    YES = "yes", _("Yes")
    A_LITTLE = "a_little", _("A little")
    NOT_YET = "not_yet", _("Not yet")


class Reflection(models.Model):
    """How the week went for the student, written at its end.

    One per student and week: answering again updates it. ``goal_progress``
    holds the answer to "did your goal move?"; ``goal_moved`` is the same
    answer as yes or no (a little counts as moved), empty when unanswered.
    """

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="reflections"
    )
    week_start = models.DateField()
    goal_moved = models.BooleanField(null=True, blank=True)
    goal_progress = models.CharField(
        max_length=16, choices=GoalProgress.choices, blank=True
    )
    note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["student", "-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "week_start"], name="one_reflection_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"reflection of student {self.student_id}, week of {self.week_start}"


class ReflectionRating(models.Model):
    """How one activity went, with the same faces as the survey."""

    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, related_name="ratings"
    )
    activity = models.ForeignKey(
        "curriculum.Activity", on_delete=models.CASCADE, related_name="+"
    )
    rating = models.SmallIntegerField(choices=Rating.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reflection", "activity"], name="one_rating_per_activity"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=-1) & Q(rating__lte=2),
                name="reflection_rating_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"activity {self.activity_id}: {self.rating}"


class FocusAid(models.TextChoices):
    QUIET_PLACE = "quiet_place", _("A quiet place")
    HEADPHONES = "headphones", _("Headphones")
    BUDDY = "buddy", _("Working with a buddy")
    BREAKS = "breaks", _("Short breaks")
    MOVING = "moving", _("Moving my body")
    NEAR_TEACHER = "near_teacher", _("Sitting near my teacher")
    TIMER = "timer", _("A timer")
    HOLD = "hold", _("Something to hold")


class FocusHelp(models.Model):
    """What helps the student focus: aids picked from a list and their own words.

    Versioned like preferences: a new answer marks the previous one superseded,
    so there is at most one current answer per student.
    """

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="focus_helps"
    )
    aids = models.JSONField(
        default=list, blank=True, help_text=_("Codes of the FocusAid choices.")
    )
    text = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["student", "-answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_focus_help",
            ),
        ]

    def __str__(self) -> str:
        return f"focus help {self.pk} of student {self.student_id}"


class SelfView(models.TextChoices):
    """How a student sees themselves on a skill, in the order of the bands."""

    NOT_YET = "not_yet", _("Not yet")
    GETTING_THERE = "getting_there", _("Getting there")
    CAN_DO = "can_do", _("I can do it")


class SelfAssessment(models.Model):
    """A student's own view of a skill, kept beside the mastery data.

    Versioned like preferences: a new answer marks the previous one superseded.
    """

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="self_assessments"
    )
    skill = models.ForeignKey(
        "curriculum.Skill", on_delete=models.CASCADE, related_name="+"
    )
    value = models.CharField(max_length=16, choices=SelfView.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["student", "skill", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "skill"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_self_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"student {self.student_id} on skill {self.skill_id}: {self.value}"
