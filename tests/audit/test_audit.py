"""Every change someone makes leaves an audit entry, in ids and codes only."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from coplanner.audit.actions import acting_as, record
from coplanner.audit.models import AuditEntry
from coplanner.curriculum.models import Activity, Skill
from coplanner.planning.actions import propose_class_drafts
from coplanner.planning.models import Plan
from coplanner.planning.queries import get_week_start
from coplanner.privacy.erase import erase_student
from coplanner.voice.actions import (
    Answer,
    ReflectionAnswers,
    record_focus_help,
    record_preferences,
    record_reflection,
    record_self_assessments,
)
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, username):
    assert client.login(username=username, password=PASSWORD)


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


class TestWritePaths:
    def test_a_drafted_plan_records_its_versions(self, cast):
        week = get_week_start()
        propose_class_drafts(cast.room1, week, cast.rivera.user, time_limit_s=3)
        (first, second) = entries("plan.version")
        plan = Plan.objects.get(student=cast.ana, week_start=week)
        ana = first if first.student_id == cast.ana.pk else second
        assert (ana.object_type, ana.object_id) == ("plan", plan.pk)
        assert (ana.from_version, ana.to_version) == (None, 1)
        assert (ana.user_id, ana.role, ana.school_id) == (
            cast.rivera.user_id,
            "teacher",
            cast.school.pk,
        )
        assert ana.changes == {"source": "planner", "note": "written", "slots": 15}

    def test_a_conference_request_records_the_blocks_it_changed(self, cast, client):
        week = get_week_start()
        propose_class_drafts(cast.room1, week, None, time_limit_s=3)
        log_in(client, "okafor")
        client.post(
            reverse("conference:ask", args=[cast.ana.pk]),
            {"block": "d0-2", "choice": "variant:buddy", "version": 1},
        )
        entry = AuditEntry.objects.filter(action="plan.version", to_version=2).get()
        assert entry.from_version == 1 and entry.user_id == cast.okafor.user_id
        assert entry.changes["changed"] == {"d0-2": ["nook", "nook/buddy"]}
        assert entries("conference.started")[0].student_id == cast.ana.pk
        (request,) = entries("conference.request")
        assert request.to_version == 2
        assert request.changes == {
            "conference": request.changes["conference"],
            "request": request.changes["request"],
            "kind": "variant",
            "outcome": "applied",
            "rule": "",
            "blocks": ["d0-2"],
            "others": 0,
        }

    def test_answers_record_that_words_changed_never_the_words(self, cast):
        nook = Activity.objects.get(code="nook")
        count = Skill.objects.get(code="math.k.count20")
        ana = cast.ana
        record_preferences(
            ana, {nook.pk: Answer(2, "quiet", "My secret place")}, ana.user
        )
        record_focus_help(ana, ["timer"], "When mum is near", ana.user)
        record_self_assessments(ana, {count.pk: "can_do"}, ana.user)
        record_reflection(
            ana,
            get_week_start(),
            ReflectionAnswers({nook.pk: 1}, "a_little", "Ben was loud today"),
            ana.user,
        )
        preference = entries("voice.preferences")[0]
        assert preference.changes == {
            "activities": [
                {"activity": nook.pk, "rating": 2, "reason": "quiet", "text": "changed"}
            ]
        }
        assert entries("voice.focus_help")[0].changes["text"] == "changed"
        assert entries("voice.self_assessment")[0].changes == {
            "skills": {str(count.pk): "can_do"}
        }
        reflection = entries("voice.reflection")[0]
        assert reflection.changes["note"] == "changed"
        assert reflection.changes["goal_progress"] == "a_little"
        everything = json.dumps(
            list(AuditEntry.objects.values_list("changes", flat=True)),
            ensure_ascii=False,
        )
        for words in ["secret", "mum", "loud", "Ben"]:
            assert words not in everything

    def test_the_entry_lives_and_dies_with_the_change(self, cast):
        nook = Activity.objects.get(code="nook")
        with pytest.raises(RuntimeError), transaction.atomic():
            record_preferences(cast.ana, {nook.pk: Answer(1)}, cast.ana.user)
            raise RuntimeError("the rest of the survey failed")
        assert not AuditEntry.objects.filter(action="voice.preferences").exists()

    def test_the_log_refuses_text(self, cast):
        with pytest.raises(ValueError, match="ids and codes, not text"):
            record(
                "voice.goal", by=None, object_type="goal", changes={"text": "x" * 80}
            )


class TestPermissions:
    def test_role_groups_are_audited_with_who_did_it(self, cast):
        user = cast.ben.user
        with acting_as(cast.hill.user):
            user.groups.add(Group.objects.get(name="teacher"))
            user.groups.remove(Group.objects.get(name="teacher"))
            user.groups.clear()
        added, removed, cleared = entries("access.role_groups")[-3:]
        assert added.changes == {"added": ["teacher"]}
        assert removed.changes == {"removed": ["teacher"]}
        assert cleared.changes == {"removed": ["student"]}
        assert {added.user_id, added.role, added.object_id, added.school_id} == {
            cast.hill.user_id,
            "leader",
            user.pk,
            cast.school.pk,
        }

    def test_teachers_coach_and_children_are_audited(self, cast, client):
        with acting_as(cast.hill.user):
            cast.room2.teachers.add(cast.rivera)
            cast.room2.coach = cast.okafor
            cast.room2.save()
            cast.lopez.children.add(cast.ben)
        teachers = entries("access.classroom_teachers")[-1]
        assert teachers.object_id == cast.room2.pk
        assert teachers.changes == {"added": {"staff": [cast.rivera.pk]}}
        coach = entries("access.classroom_coach")[-1]
        assert coach.changes == {"coach": [None, cast.okafor.pk]}
        child = entries("access.guardian_children")[-1]
        assert (child.object_id, child.student_id) == (cast.lopez.pk, cast.ben.pk)
        assert {coach.user_id, child.user_id} == {cast.hill.user_id}

    def test_a_change_through_a_page_names_the_person_signed_in(self, cast, client):
        log_in(client, "rivera")
        count = Skill.objects.get(code="math.k.count20")
        client.post(
            reverse("mastery:band_override", args=[cast.ana.pk, count.pk]),
            {"band": "mastered", "reason": "Counts to 30 at the carpet"},
        )
        (entry,) = entries("mastery.band_override")
        assert entry.user_id == cast.rivera.user_id and entry.role == "teacher"
        assert entry.changes["band"] == [None, "mastered"]
        assert entry.changes["reason"] == "written"


class TestBandOverride:
    def test_the_evidence_page_shows_the_override_over_the_estimate(self, cast, client):
        count = Skill.objects.get(code="math.k.count20")
        url = reverse("mastery:evidence", args=[cast.ana.pk, count.pk])
        override = reverse("mastery:band_override", args=[cast.ana.pk, count.pk])
        log_in(client, "rivera")
        response = client.post(
            override, {"band": "mastered", "reason": "  "}, follow=True
        )
        assert "Say why in a few words" in response.content.decode()
        client.post(
            override, {"band": "mastered", "reason": "Counts to 30 at the carpet"}
        )
        page = client.get(url).content.decode()
        assert "Set by a teacher" in page and "Counts to 30 at the carpet" in page
        assert "The evidence says: No evidence." in page
        client.post(override, {"clear": "1"})
        assert "Set by a teacher" not in client.get(url).content.decode()
        assert len(entries("mastery.band_override_cleared")) == 1
        client.logout()

        log_in(client, "ana")  # a student sees an override but cannot set one
        assert (
            client.post(override, {"band": "not_yet", "reason": "x"}).status_code == 404
        )

    def test_the_planner_takes_the_override_over_the_evidence(self, cast):
        from coplanner.mastery.overrides import (
            clear_band_override,
            record_band_override,
        )
        from coplanner.planning.adapter import build_class_problem

        count = Skill.objects.get(code="math.k.count20")

        def mastery_of_ana():
            built = build_class_problem(cast.room1, get_week_start())
            return built.problem.student_by_id["ana"].mastery.get(count.code)

        from_evidence = mastery_of_ana()
        record_band_override(
            cast.ana, count, "mastered", "Counts to 30", cast.rivera.user
        )
        assert mastery_of_ana() >= 0.85
        record_band_override(cast.ana, count, "not_yet", "Guessing", cast.rivera.user)
        assert mastery_of_ana() < 0.6
        clear_band_override(cast.ana, count, cast.rivera.user)
        assert mastery_of_ana() == from_evidence


class TestLeaderPage:
    def test_the_leader_reads_the_log_with_names_and_filters(self, cast, client):
        nook = Activity.objects.get(code="nook")
        record_preferences(cast.ana, {nook.pk: Answer(2)}, cast.ana.user)
        record_preferences(cast.carla, {nook.pk: Answer(1)}, cast.carla.user)
        log_in(client, "hill")
        url = reverse("audit:log")
        page = client.get(url, {"kind": "voice"}).content.decode()
        assert "Ana López" in page and "Carla Nguyễn" in page
        only_ana = client.get(
            url, {"kind": "voice", "student": cast.ana.pk}
        ).content.decode()
        assert "Carla Nguyễn</td>" not in only_ana and "Ana López</td>" in only_ana
        by_carla = client.get(url, {"person": cast.carla.user_id, "kind": "voice"})
        assert "Ana López</td>" not in by_carla.content.decode()

        erase_student(cast.ana, cast.hill.user)
        page = client.get(url, {"kind": "voice"}).content.decode()
        assert f"Erased student #{cast.ana.pk}" in page and "Ana López" not in page

    def test_only_a_leader_opens_the_log(self, cast, client):
        for username in ["rivera", "okafor", "ana", "lopez"]:
            log_in(client, username)
            assert client.get(reverse("audit:log")).status_code == 404
            client.logout()
