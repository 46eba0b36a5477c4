"""The database itself refuses data that makes no sense, not only the forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coplanner.curriculum.models import Activity, Block, Prerequisite, Skill
from coplanner.mastery.models import Evidence, MasteryEstimate
from coplanner.planning.models import Plan
from coplanner.roster.models import Student
from coplanner.voice.models import Preference

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_mastery_probability_must_be_between_0_and_1(cast):
    skill = Skill.objects.get(code="math.k.count20")
    assert refused(
        lambda: MasteryEstimate.objects.create(
            student=cast.ana, skill=skill, probability=1.2, band="mastered"
        )
    )
    MasteryEstimate.objects.create(
        student=cast.ana, skill=skill, probability=0.4, band="not_yet"
    )
    assert refused(
        lambda: MasteryEstimate.objects.create(
            student=cast.ana, skill=skill, probability=0.5, band="developing"
        )
    ), "a second estimate for the same student and skill"


def test_evidence_value_must_fit_its_kind(cast):
    skill = Skill.objects.get(code="math.k.count20")
    now = timezone.now()

    def evidence(**values):
        return lambda: Evidence.objects.create(
            student=cast.ana, skill=skill, observed_at=now, source="app", **values
        )

    assert refused(evidence(kind="response", item="q1"))
    assert refused(evidence(kind="score", score=1.5, item="q2"))
    assert refused(evidence(kind="response", correct=True, score=0.5, item="q3"))
    evidence(kind="response", correct=True, item="q4")()
    assert refused(evidence(kind="response", correct=False, item="q4"))


def test_student_autonomy_and_grade_are_in_range(cast):
    students = Student.objects.filter(pk=cast.ben.pk)
    assert refused(lambda: students.update(autonomy=4))
    assert refused(lambda: students.update(autonomy=0))
    assert refused(lambda: students.update(grade=13))


def test_preference_rating_in_range_and_one_current_answer(cast):
    nook = Activity.objects.get(code="nook")
    assert refused(
        lambda: Preference.objects.create(student=cast.ana, activity=nook, rating=3)
    )
    first = Preference.objects.create(student=cast.ana, activity=nook, rating=2)
    assert refused(
        lambda: Preference.objects.create(student=cast.ana, activity=nook, rating=1)
    )
    first.superseded_at = timezone.now()
    first.save()
    Preference.objects.create(student=cast.ana, activity=nook, rating=1)
    assert Preference.objects.filter(student=cast.ana, activity=nook).count() == 2


def test_capacity_colour_block_minutes_and_prerequisites(cast):
    nook = Activity.objects.get(code="nook")
    assert refused(lambda: Activity.objects.filter(pk=nook.pk).update(capacity=0))
    assert refused(lambda: Activity.objects.filter(pk=nook.pk).update(colour="red"))
    assert refused(
        lambda: Block.objects.create(
            template=cast.template,
            code="x",
            day=0,
            start=datetime.time(15, 0),
            minutes=0,
        )
    )
    skill = Skill.objects.get(code="math.k.count20")
    assert refused(lambda: Prerequisite.objects.create(skill=skill, requires=skill))


def test_one_plan_per_student_and_week(cast):
    monday = datetime.date(2026, 11, 30)
    Plan.objects.create(student=cast.ana, week_start=monday)
    assert refused(lambda: Plan.objects.create(student=cast.ana, week_start=monday))
