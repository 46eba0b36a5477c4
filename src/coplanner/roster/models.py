"""Who is in the school: schools, classrooms, students, staff and guardians."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def source_id_field() -> models.CharField:
    """Return the field that holds a row's id in the student information system.

    Imports match rows by it (OneRoster's sourcedId), so it is indexed; rows
    made by hand leave it empty.
    """
    return models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text=_("Identifier in the student information system (sourcedId)."),
    )


class District(models.Model):
    """A group of schools run together, as a student information system names it."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    source_id = source_id_field()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    """A school: the unit that owns classrooms, activities and a week template."""

    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schools",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    source_id = source_id_field()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    COACH = "coach", _("Coach")
    TEACHER = "teacher", _("Teacher")
    LEADER = "leader", _("School leader")


class Staff(models.Model):
    """An adult who works in the school: coach, teacher or school leader."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=16, choices=StaffRole.choices)
    display_name = models.CharField(max_length=200)
    source_id = source_id_field()

    class Meta:
        ordering = ["display_name"]
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.display_name


class Classroom(models.Model):
    """A class of students with its teachers, its coach and its week template."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="classrooms"
    )
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    grade = models.SmallIntegerField(help_text=_("0 is kindergarten."))
    teachers = models.ManyToManyField(Staff, related_name="classrooms_taught")
    primary_teacher = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="classrooms_led",
        help_text=_("The teacher of record, one of the teachers; the others help."),
    )
    coach = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="classrooms_coached",
    )
    week_template = models.ForeignKey(
        "curriculum.WeekTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="classrooms",
    )
    source_id = source_id_field()

    class Meta:
        ordering = ["grade", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "code"], name="classroom_code_unique_in_school"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=-1) & Q(grade__lte=12),
                name="classroom_grade_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AutonomyLevel(models.IntegerChoices):
    CHOOSE = 1, _("1 · choose")
    ARRANGE = 2, _("2 · arrange")
    DRAFT = 3, _("3 · draft")


class Student(models.Model):
    """A learner, aged five to eighteen, in one classroom."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="students"
    )
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="students",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="student",
    )
    code = models.CharField(
        max_length=64, help_text=_("The school's identifier for the student.")
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    grade = models.SmallIntegerField(help_text=_("0 is kindergarten."))
    autonomy = models.PositiveSmallIntegerField(
        choices=AutonomyLevel.choices, default=AutonomyLevel.CHOOSE
    )
    source_id = source_id_field()

    class Meta:
        ordering = ["first_name", "last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "code"], name="student_code_unique_in_school"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=-1) & Q(grade__lte=12),
                name="student_grade_in_range",
            ),
            models.CheckConstraint(
                condition=Q(autonomy__gte=1) & Q(autonomy__lte=3),
                name="student_autonomy_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Guardian(models.Model):
    """A parent or carer who may see their own children's plans and progress."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardian"
    )
    display_name = models.CharField(max_length=200)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    children = models.ManyToManyField(Student, related_name="guardians")
    source_id = source_id_field()

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name
