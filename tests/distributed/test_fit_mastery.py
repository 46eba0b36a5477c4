"""Refitting knowledge tracing one skill per Dask task, on a real cluster."""

import datetime
import random

from django.core.management import call_command
from django.utils import timezone

from coplanner.curriculum.models import Skill
from coplanner.mastery.models import Evidence, EvidenceKind, MasteryEstimate
from coplanner.roster.models import Student
from tests.distributed.school import build_oak_school


def _record_responses(seed: int = 3) -> None:
    """Give every Oak student ten answers on each skill, better ones later."""
    rng = random.Random(seed)
    start = timezone.now() - datetime.timedelta(days=30)
    rows = []
    for student in Student.objects.filter(school__slug="oak"):
        for skill in Skill.objects.filter(code__startswith="oak."):
            knows = rng.random() < 0.3
            for answer in range(10):
                knows = knows or rng.random() < 0.2
                chance = 0.9 if knows else 0.25
                rows.append(
                    Evidence(
                        student=student,
                        skill=skill,
                        kind=EvidenceKind.RESPONSE,
                        correct=rng.random() < chance,
                        observed_at=start + datetime.timedelta(hours=answer),
                        source="Practice app",
                    )
                )
    Evidence.objects.bulk_create(rows)


def _estimates() -> dict[tuple[str, str], tuple[float, str, int]]:
    return {
        (row.student.code, row.skill.code): (
            row.probability,
            row.band,
            row.observations,
        )
        for row in MasteryEstimate.objects.select_related("student", "skill")
    }


def test_fit_mastery_on_a_cluster_stores_what_a_fit_in_threads_stores(
    db, scheduler_address, capsys
):
    build_oak_school()
    _record_responses()
    call_command("fit-mastery", school="oak")
    in_threads = _estimates()
    MasteryEstimate.objects.all().delete()

    call_command("fit-mastery", school="oak", scheduler=scheduler_address)

    on_cluster = _estimates()
    assert len(on_cluster) == 12 * 2
    assert on_cluster.keys() == in_threads.keys()
    for key, (probability, band, observations) in on_cluster.items():
        assert abs(probability - in_threads[key][0]) < 1e-9, key
        assert (band, observations) == in_threads[key][1:]
    assert "24 estimates for 12 students on 2 skills" in capsys.readouterr().out
