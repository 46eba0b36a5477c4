"""A week of school life for the privacy tests, and a dump of every table."""

import datetime

from django.apps import apps
from django.utils import timezone

from coplanner.audit.models import AuditEntry
from coplanner.curriculum.models import Activity, Skill
from coplanner.handouts.actions import record_calendar_feed
from coplanner.mastery.actions import record_mastery_fit
from coplanner.mastery.models import Evidence, EvidenceKind
from coplanner.mastery.overrides import record_band_override
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.conference import Ask, record_request
from coplanner.planning.models import Plan
from coplanner.planning.queries import get_week_start
from coplanner.voice.actions import (
    Answer,
    ReflectionAnswers,
    record_focus_help,
    record_goal,
    record_preferences,
    record_reflection,
)

# Django's own housekeeping: sessions change with every sign-in.
SKIPPED_TABLES = {"sessions.session"}


def live_a_week(cast) -> None:
    """Give the cast a drafted week, evidence, estimates, answers, a conference."""
    count = Skill.objects.get(code="math.k.count20")
    start = timezone.now() - datetime.timedelta(days=10)
    for index, student in enumerate([cast.ana, cast.ben, cast.carla]):
        for step in range(6):
            Evidence.objects.create(
                student=student,
                skill=count,
                kind=EvidenceKind.RESPONSE,
                correct=(step + index) % 3 != 0,
                observed_at=start + datetime.timedelta(hours=step, microseconds=123457),
                source="Math app",
                item=f"q{step}",
            )
    Evidence.objects.create(
        student=cast.ana,
        skill=count,
        kind=EvidenceKind.SCORE,
        score=0.1 + 0.2,  # a float that only round-trips if written exactly
        observed_at=start,
        source="Checks",
    )
    record_mastery_fit(cast.school)
    nook = Activity.objects.get(code="nook")
    counting = Activity.objects.get(code="counting")
    record_preferences(
        cast.ana,
        {nook.pk: Answer(2, "quiet", "I read about whales"), counting.pk: Answer(-1)},
        cast.ana.user,
    )
    record_goal(cast.ana, "Count to a hundred", count)
    record_focus_help(cast.ana, ["headphones"], "When it is quiet", cast.ana.user)
    week = get_week_start()
    result = propose_class_drafts(cast.room1, week, cast.okafor.user, time_limit_s=3)
    assert result.has_plans, result
    record_request(
        cast.ana,
        week,
        Ask(kind="variant", block="d0-2", variant="buddy", idea_of_student=True),
        cast.okafor.user,
        Plan.objects.get(student=cast.ana, week_start=week).version,
    )
    record_reflection(
        cast.ana,
        week - datetime.timedelta(days=7),
        ReflectionAnswers({nook.pk: 2}, "yes", "I liked the whales book"),
        cast.ana.user,
    )
    record_band_override(
        cast.ana, count, "mastered", "Counts to 30 in class", cast.rivera.user
    )
    record_calendar_feed(cast.carla, cast.chen.user)
    assert AuditEntry.objects.exists()


def dump_database(skip_audit_after: int | None = None) -> dict[str, list[dict]]:
    """Return every row of every table, by table, in key order.

    Audit entries with a key above ``skip_audit_after`` are left out: they
    record the erase and restore themselves.
    """
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        name = model._meta.label_lower
        if name in SKIPPED_TABLES:
            continue
        rows = model._base_manager.order_by("pk")
        if model is AuditEntry and skip_audit_after is not None:
            rows = rows.filter(pk__lte=skip_audit_after)
        tables[name] = [
            {
                column.attname: getattr(row, column.attname)
                for column in model._meta.concrete_fields
            }
            for row in rows
        ]
    return tables


def assert_same_rows(before: dict, after: dict) -> None:
    """Compare two dumps row by row, naming the first difference of each table."""
    assert before.keys() == after.keys()
    for table in before:
        old, new = before[table], after[table]
        assert len(old) == len(new), (
            f"{table}: {len(old)} rows before, {len(new)} after"
        )
        for first, second in zip(old, new, strict=True):
            assert first == second, (
                f"{table} row {first.get('id')}: {first} != {second}"
            )
