"""The mastery pages: class heat map, evidence behind a cell, student's skill map."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from coplanner.curriculum.models import Prerequisite, Skill
from coplanner.mastery.models import Band, Evidence, EvidenceKind, MasteryEstimate
from coplanner.mastery.queries import get_heat_map, get_skill_map
from coplanner.mastery.skillmap import build_layers, build_layout
from coplanner.roster.models import Student
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db


@dataclass
class Skills:
    count20: Skill
    add5: Skill
    add10: Skill
    add20: Skill
    letters: Skill
    sounds: Skill


def log_in(client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


def estimate(student, skill, probability: float, band: str, observations: int = 3):
    return MasteryEstimate.objects.create(
        student=student,
        skill=skill,
        probability=probability,
        band=band,
        observations=observations,
        last_observed_at=timezone.now(),
    )


@pytest.fixture
def skills(cast) -> Skills:
    """Give the cast a small curriculum and some mastery.

    Ana has mastered counting and is developing adding within 5; Ben is not
    yet counting; Carla (another class) is developing adding within 20.
    """

    def skill(code, subject, grade, name, *needs):
        made = Skill.objects.create(code=code, subject=subject, grade=grade, name=name)
        for other in needs:
            Prerequisite.objects.create(skill=made, requires=other)
        return made

    count20 = Skill.objects.get(code="math.k.count20")
    add5 = skill("math.k.add5", cast.math, 0, "Adding within 5", count20)
    add10 = skill("math.k.add10", cast.math, 0, "Adding within 10", add5)
    add20 = skill("math.1.add20", cast.math, 1, "Adding within 20", add10)
    letters = skill("lit.k.letters", cast.literacy, 0, "Naming letters")
    sounds = skill("lit.k.sounds", cast.literacy, 0, "Letter sounds", letters)

    estimate(cast.ana, count20, 0.95, Band.MASTERED)
    estimate(cast.ana, add5, 0.70, Band.DEVELOPING)
    estimate(cast.ana, letters, 0.30, Band.NOT_YET)
    estimate(cast.ben, count20, 0.40, Band.NOT_YET)
    estimate(cast.carla, add20, 0.65, Band.DEVELOPING)
    return Skills(count20, add5, add10, add20, letters, sounds)


def cell_classes(html: str, student: Student, skill: Skill) -> set[str]:
    """Return the classes of the heat map cell that links to this evidence."""
    href = reverse("mastery:evidence", args=[student.pk, skill.pk])
    found = re.search(rf'<td class="([^"]+)"><a href="{re.escape(href)}"', html)
    assert found, f"no cell for {student} on {skill}"
    return set(found.group(1).split())


def row_order(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)


class TestHeatMap:
    def url(self, cast, **query) -> str:
        base = reverse("mastery:heat_map", args=[cast.room1.pk])
        if query:
            base += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        return base

    def test_each_cell_has_the_band_of_its_estimate(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast)).content.decode()
        assert "mastered" in cell_classes(html, cast.ana, skills.count20)
        assert "developing" in cell_classes(html, cast.ana, skills.add5)
        assert "not_yet" in cell_classes(html, cast.ana, skills.letters)
        assert "not_yet" in cell_classes(html, cast.ben, skills.count20)
        assert "none" in cell_classes(html, cast.ben, skills.add5)

    def test_the_probability_is_there_as_text(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast)).content.decode()
        assert "Ana López · Counting to 20: Mastered (95%)" in html
        assert '<span class="visually-hidden">Developing, 70%' in html
        assert "Ben Adeyemi · Adding within 5: No evidence" in html

    def test_names_in_cells_are_escaped(self, client, cast, skills):
        skills.count20.name = 'Count <b>to</b> "20" & back'
        skills.count20.save()
        log_in(client, "rivera")
        html = client.get(self.url(cast)).content.decode()
        assert (
            "Ana López · Count &lt;b&gt;to&lt;/b&gt; &quot;20&quot; &amp; back" in html
        )
        assert "<b>to</b>" not in html

    def test_ready_to_learn_cells_are_marked(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast)).content.decode()
        # Ana mastered counting, so adding within 5 is next; letters need nothing.
        assert "ready" in cell_classes(html, cast.ana, skills.add5)
        assert "ready" in cell_classes(html, cast.ana, skills.letters)
        assert "ready" not in cell_classes(html, cast.ana, skills.count20)
        assert "ready" not in cell_classes(html, cast.ana, skills.add10)
        assert "ready" not in cell_classes(html, cast.ana, skills.sounds)
        # Ben has not mastered counting, so only counting and letters are ready.
        assert "ready" in cell_classes(html, cast.ben, skills.count20)
        assert "ready" not in cell_classes(html, cast.ben, skills.add5)
        assert "Ready to learn" in html  # the legend

    def test_columns_are_grouped_by_subject_and_ordered_by_grade_then_code(
        self, cast, skills
    ):
        grid = get_heat_map(cast.room1)
        assert [column.code for column in grid.columns] == [
            "lit.k.letters",
            "lit.k.sounds",
            "math.k.add10",
            "math.k.add5",
            "math.k.count20",
        ]
        assert [(g.label, g.span) for g in grid.subject_groups] == [
            ("Literacy", 2),
            ("Math", 3),
        ]

    def test_a_later_grade_skill_shows_once_someone_has_evidence_or_is_ready(
        self, cast, skills
    ):
        codes = [column.code for column in get_heat_map(cast.room1).columns]
        assert "math.1.add20" not in codes
        estimate(cast.ben, skills.add20, 0.2, Band.NOT_YET)
        codes = [column.code for column in get_heat_map(cast.room1).columns]
        assert codes[-1] == "math.1.add20"  # after the kindergarten skills

    def test_subject_filter_keeps_one_subject(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast, subject="literacy")).content.decode()
        assert "Naming letters" in html and "Letter sounds" in html
        assert "Counting to 20" not in html
        assert 'href="?subject=literacy&amp;sort=name" aria-current="page"' in html

    def test_unknown_subject_shows_every_subject(self, cast, skills):
        grid = get_heat_map(cast.room1, subject="music")
        assert grid.subject is None
        assert len(grid.columns) == 5

    def test_students_sort_by_name_by_default(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast)).content.decode()
        assert row_order(html) == ["Ana López", "Ben Adeyemi"]

    def test_sorting_by_a_skill_puts_the_lowest_first(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast, sort="math.k.count20")).content.decode()
        assert row_order(html) == ["Ben Adeyemi", "Ana López"]
        assert 'aria-sort="ascending"' in html
        # Clicking the sorted header again asks for the highest first.
        assert 'href="?sort=-math.k.count20"' in html
        html = client.get(self.url(cast, sort="-math.k.count20")).content.decode()
        assert row_order(html) == ["Ana López", "Ben Adeyemi"]

    def test_no_evidence_sorts_below_not_yet(self, cast, skills):
        grid = get_heat_map(cast.room1, sort="lit.k.letters")
        assert [row.name for row in grid.rows] == ["Ben Adeyemi", "Ana López"]

    def test_an_unknown_sort_falls_back_to_name(self, cast, skills):
        grid = get_heat_map(cast.room1, sort="no.such.skill")
        assert grid.sort == "name"
        assert [row.name for row in grid.rows] == ["Ana López", "Ben Adeyemi"]

    def test_row_header_opens_the_students_skill_map(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast)).content.decode()
        assert reverse("mastery:skill_map", args=[cast.ana.pk]) in html

    def test_classroom_page_links_to_the_heat_map(self, client, cast):
        log_in(client, "rivera")
        html = client.get(reverse("classroom_detail", args=[cast.room1.pk])).content
        assert self.url(cast).encode() in html

    def test_queries_do_not_grow_with_students_or_skills(
        self, client, cast, skills, django_assert_max_num_queries
    ):
        log_in(client, "rivera")
        with django_assert_max_num_queries(9):
            assert client.get(self.url(cast)).status_code == 200
        for number in range(30):
            student = Student.objects.create(
                school=cast.school,
                classroom=cast.room1,
                code=f"extra{number}",
                first_name=f"Extra {number:02d}",
                last_name="Student",
                grade=0,
            )
            new_skill = Skill.objects.create(
                code=f"math.k.extra{number}",
                subject=cast.math,
                grade=0,
                name=f"Extra skill {number}",
            )
            Prerequisite.objects.create(skill=new_skill, requires=skills.count20)
            estimate(student, new_skill, 0.5, Band.NOT_YET)
        with django_assert_max_num_queries(9):
            response = client.get(self.url(cast, sort="math.k.extra3"))
        assert response.status_code == 200
        assert len(response.context["grid"].rows) == 32


class TestEvidencePage:
    def url(self, student, skill) -> str:
        return reverse("mastery:evidence", args=[student.pk, skill.pk])

    @pytest.fixture
    def evidence(self, cast, skills):
        start = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
        rows = [
            Evidence(
                student=cast.ana,
                skill=skills.count20,
                kind=EvidenceKind.RESPONSE,
                correct=number % 3 != 0,
                observed_at=start + datetime.timedelta(days=number),
                source="mathland",
                item=f"q{number:02d}",
            )
            for number in range(59)
        ]
        rows.append(
            Evidence(
                student=cast.ana,
                skill=skills.count20,
                kind=EvidenceKind.SCORE,
                score=0.75,
                observed_at=start + datetime.timedelta(days=100),
                source="unit test",
                item="",
            )
        )
        Evidence.objects.bulk_create(rows)

    def test_shows_the_estimate(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast.ana, skills.add5)).content.decode()
        assert "<h1>Adding within 5</h1>" in html
        assert "Developing" in html
        assert "70%" in html
        assert "Ready to learn" in html
        assert "Counting to 20</a> · Mastered" in html  # its prerequisite

    def test_lists_the_evidence_newest_first(self, client, cast, skills, evidence):
        log_in(client, "rivera")
        response = client.get(self.url(cast.ana, skills.count20))
        html = response.content.decode()
        assert "60 observations, newest first" in html
        page = response.context["cell"].evidence
        assert len(page.object_list) == 50
        assert page.object_list[0].kind == EvidenceKind.SCORE
        assert "75%" in html and "unit test" in html
        assert html.index("q58") < html.index("q57")
        assert "Incorrect" in html and "Correct" in html
        assert "Page 1 of 2" in html

    def test_the_second_page_holds_the_oldest(self, client, cast, skills, evidence):
        log_in(client, "rivera")
        html = client.get(self.url(cast.ana, skills.count20) + "?page=2").content
        assert b"q00" in html and b"q49" not in html and b"Page 2 of 2" in html

    def test_a_skill_without_anything_says_so(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast.ben, skills.sounds)).content.decode()
        assert "No evidence" in html
        assert "No evidence on this skill yet." in html

    def test_queries_are_few(
        self, client, cast, skills, evidence, django_assert_max_num_queries
    ):
        log_in(client, "rivera")
        with django_assert_max_num_queries(10):
            client.get(self.url(cast.ana, skills.count20))


class TestSkillMap:
    def url(self, student) -> str:
        return reverse("mastery:skill_map", args=[student.pk])

    def nodes(self, html: str) -> dict[str, set[str]]:
        return {
            code: set(classes.split())
            for classes, code in re.findall(
                r'class="node ([^"]+)" data-skill="([^"]+)"', html
            )
        }

    def test_holds_every_skill_with_its_band(self, client, cast, skills):
        log_in(client, "rivera")
        html = client.get(self.url(cast.ana)).content.decode()
        nodes = self.nodes(html)
        assert set(nodes) == set(Skill.objects.values_list("code", flat=True))
        assert "mastered" in nodes["math.k.count20"]
        assert "developing" in nodes["math.k.add5"]
        assert "none" in nodes["math.1.add20"]
        assert html.count("<svg") == 2  # one graph per subject

    def test_highlights_the_ready_skills(self, client, cast, skills):
        log_in(client, "rivera")
        nodes = self.nodes(client.get(self.url(cast.ana)).content.decode())
        ready = {code for code, classes in nodes.items() if "ready" in classes}
        assert ready == {"math.k.add5", "lit.k.letters"}

    def test_each_skill_links_to_its_evidence(self, client, cast, skills):
        log_in(client, "ana")
        html = client.get(self.url(cast.ana)).content.decode()
        for skill in Skill.objects.all():
            assert reverse("mastery:evidence", args=[cast.ana.pk, skill.pk]) in html
        assert "My skills" in html

    def test_draws_an_arrow_per_prerequisite(self, cast, skills):
        graphs = {graph.code: graph for graph in get_skill_map(cast.ana).graphs}
        assert len(graphs["math"].edges) == 3
        assert len(graphs["literacy"].edges) == 1

    def test_queries_are_few(self, client, cast, skills, django_assert_max_num_queries):
        log_in(client, "rivera")
        with django_assert_max_num_queries(7):
            client.get(self.url(cast.ana))


class TestLayout:
    def test_a_layer_is_the_longest_prerequisite_chain(self):
        layers = build_layers({"a": [], "b": ["a"], "c": ["a", "b"], "d": []})
        assert layers == {"a": 0, "b": 1, "c": 2, "d": 0}

    def test_a_cycle_does_not_hang_and_every_skill_gets_a_layer(self):
        layers = build_layers({"a": ["c"], "b": ["a"], "c": ["b"]})
        assert set(layers) == {"a", "b", "c"}

    def test_arrows_point_down_and_boxes_do_not_overlap(self):
        labels = {f"s{n}": f"Skill number {n}" for n in range(30)}
        prerequisites = {f"s{n}": [f"s{n // 2}"] if n else [] for n in range(30)}
        layout = build_layout(labels, prerequisites)
        place = {node.key: node for node in layout.nodes}
        for n in range(1, 30):
            assert place[f"s{n}"].y > place[f"s{n // 2}"].y
        boxes = [(node.x, node.y) for node in layout.nodes]
        assert len(set(boxes)) == 30
        for node in layout.nodes:
            assert 0 <= node.x and node.x + node.width <= layout.width
            assert 0 <= node.y and node.y + node.height <= layout.height

    def test_long_names_are_cut_to_two_lines(self):
        layout = build_layout({"a": "word " * 30}, {"a": []})
        lines = layout.nodes[0].lines
        assert len(lines) == 2 and lines[-1][1].endswith("…")


class TestAccess:
    def test_teacher_cannot_open_another_class(self, client, cast, skills):
        log_in(client, "rivera")
        url = reverse("mastery:heat_map", args=[cast.room2.pk])
        assert client.get(url).status_code == 404

    def test_teacher_cannot_open_another_class_student(self, client, cast, skills):
        log_in(client, "rivera")
        assert (
            client.get(reverse("mastery:skill_map", args=[cast.carla.pk])).status_code
            == 404
        )
        url = reverse("mastery:evidence", args=[cast.carla.pk, skills.add20.pk])
        assert client.get(url).status_code == 404

    def test_leader_sees_every_class(self, client, cast, skills):
        log_in(client, "hill")
        url = reverse("mastery:heat_map", args=[cast.room2.pk])
        assert client.get(url).status_code == 200
        assert (
            client.get(reverse("mastery:skill_map", args=[cast.carla.pk])).status_code
            == 200
        )

    def test_coach_sees_the_class_they_coach(self, client, cast, skills):
        log_in(client, "okafor")
        assert (
            client.get(reverse("mastery:heat_map", args=[cast.room1.pk])).status_code
            == 200
        )
        assert (
            client.get(reverse("mastery:heat_map", args=[cast.room2.pk])).status_code
            == 404
        )

    def test_student_sees_only_their_own_map_and_evidence(self, client, cast, skills):
        log_in(client, "ana")
        assert (
            client.get(reverse("mastery:heat_map", args=[cast.room1.pk])).status_code
            == 404
        )
        assert (
            client.get(reverse("mastery:skill_map", args=[cast.ana.pk])).status_code
            == 200
        )
        assert (
            client.get(reverse("mastery:skill_map", args=[cast.ben.pk])).status_code
            == 404
        )
        own = reverse("mastery:evidence", args=[cast.ana.pk, skills.add5.pk])
        assert client.get(own).status_code == 200
        other = reverse("mastery:evidence", args=[cast.ben.pk, skills.add5.pk])
        assert client.get(other).status_code == 404

    def test_student_pages_do_not_link_to_the_class(self, client, cast, skills):
        log_in(client, "ana")
        html = client.get(reverse("mastery:skill_map", args=[cast.ana.pk])).content
        assert reverse("mastery:heat_map", args=[cast.room1.pk]).encode() not in html

    def test_guardian_sees_their_own_child_only(self, client, cast, skills):
        log_in(client, "lopez")
        assert (
            client.get(reverse("mastery:skill_map", args=[cast.ana.pk])).status_code
            == 200
        )
        assert (
            client.get(reverse("mastery:skill_map", args=[cast.ben.pk])).status_code
            == 404
        )
        assert (
            client.get(reverse("mastery:heat_map", args=[cast.room1.pk])).status_code
            == 404
        )

    def test_an_unknown_skill_is_not_found(self, client, cast, skills):
        log_in(client, "rivera")
        url = reverse("mastery:evidence", args=[cast.ana.pk, 999999])
        assert client.get(url).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, cast, skills):
        url = reverse("mastery:heat_map", args=[cast.room1.pk])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
