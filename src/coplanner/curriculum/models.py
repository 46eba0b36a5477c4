"""What is learned and done: subjects, skills, activities and the week template."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Subject(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """One learning target in a subject, reached after its prerequisites."""

    code = models.CharField(max_length=128, unique=True)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="skills"
    )
    grade = models.SmallIntegerField(null=True, blank=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_(
            "The broader skill this one belongs to, as a framework nests them."
        ),
    )
    source_id = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text=_("Identifier in the framework it came from (a CASE CFItem)."),
    )
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="Prerequisite",
        related_name="leads_to",
        blank=True,
    )

    class Meta:
        ordering = ["subject__code", "grade", "code"]

    def __str__(self) -> str:
        return self.name


class Prerequisite(models.Model):
    """The skill ``requires`` must be mastered before ``skill`` is ready to learn."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    requires = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "requires"], name="prerequisite_unique"
            ),
            models.CheckConstraint(
                condition=~Q(skill=F("requires")), name="prerequisite_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"skill {self.skill_id} needs skill {self.requires_id}"


class WeekTemplate(models.Model):
    """The days and blocks of a school week; lunch and specials are not blocks."""

    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, related_name="week_templates"
    )
    name = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"], name="week_template_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Block(models.Model):
    """A stretch of the day in which each student does one activity."""

    template = models.ForeignKey(
        WeekTemplate, on_delete=models.CASCADE, related_name="blocks"
    )
    code = models.CharField(max_length=64)
    day = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    minutes = models.PositiveSmallIntegerField()
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty means any subject."),
    )

    class Meta:
        ordering = ["day", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "code"], name="block_code_unique"
            ),
            models.UniqueConstraint(
                fields=["template", "day", "start"], name="block_start_unique"
            ),
            models.CheckConstraint(condition=Q(day__lte=6), name="block_day_0_to_6"),
            models.CheckConstraint(
                condition=Q(minutes__gte=5) & Q(minutes__lte=240),
                name="block_minutes_5_to_240",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_day_display()} {self.start:%H:%M}"


class Modality(models.TextChoices):
    SMALL_GROUP = "small_group", _("Small group")
    ONLINE = "online", _("Online program")
    PARTNER = "partner", _("Partner work")
    HANDS_ON = "hands_on", _("Hands-on station")
    READING = "reading", _("Independent reading")
    OTHER = "other", _("Other")


class Activity(models.Model):
    """Something a student can do in a block, with its seats and its staff."""

    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, related_name="activities"
    )
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="activities"
    )
    modality = models.CharField(max_length=16, choices=Modality.choices)
    skills = models.ManyToManyField(Skill, related_name="activities", blank=True)
    capacity = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty means no limit.")
    )
    seats_shared = models.BooleanField(
        default=False,
        help_text=_(
            "The whole school shares these seats, such as a computer lab: "
            "students of every class count against one capacity. Otherwise "
            "each class has this many seats of its own."
        ),
    )
    staff = models.ForeignKey(
        "roster.Staff",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    classroom = models.ForeignKey(
        "roster.Classroom",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_activities",
        help_text=_(
            "Only this class's students take part, such as a teacher's own "
            "table. Empty means any class of the school."
        ),
    )
    allowed_blocks = models.ManyToManyField(
        Block,
        related_name="activities",
        blank=True,
        help_text=_("Empty means every block of its subject."),
    )
    icon = models.CharField(max_length=32, default="star")
    colour = models.CharField(max_length=7, default="#4a7bd0")

    class Meta:
        ordering = ["subject__code", "name"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "code"], name="activity_code_unique_in_school"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="activity_capacity_at_least_1",
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="activity_colour_is_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """A change to an activity that keeps its learning target."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="variants"
    )
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["activity", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "code"], name="variant_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label
