"""Reads of mastery for pages: the class heat map, a skill map, a cell's evidence.

Each page is built from a handful of queries whatever the size of the class
or the curriculum: skills, prerequisites and estimates are read in bulk and
joined in Python. Readiness comes from the mastery engine's frontier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from coplanner.curriculum.models import Prerequisite, Skill, Subject
from coplanner.engine.mastery import (
    DEFAULT_BANDS,
    Bands,
    ready_to_learn,
)
from coplanner.engine.mastery import (
    MasteryEstimate as EngineEstimate,
)
from coplanner.mastery.models import Band, Evidence, MasteryEstimate
from coplanner.mastery.skillmap import Layout, PlacedNode, build_layout
from coplanner.roster.models import Classroom, Student

# The band of a skill without any estimate; drawn apart from "not yet".
NO_EVIDENCE = "none"
EVIDENCE_PER_PAGE = 50
SORT_BY_NAME = "name"


def get_bands() -> Bands:
    """Return the thresholds between bands, used to tell what is ready to learn.

    TODO: read the thresholds from the settings once ``settings/env.py``
    offers them; until then these are the engine's defaults, the same ones
    the mastery fit stores each estimate's band with.
    """
    return DEFAULT_BANDS


def _band_label(band: str) -> str:
    if band == NO_EVIDENCE:
        return _("No evidence")
    return str(Band(band).label)


def _grade_label(grade: int | None) -> str:
    if grade is None:
        return _("Any grade")
    if grade == 0:
        return _("Kindergarten")
    if grade < 0:
        return _("Pre-K")
    return _("Grade %(grade)d") % {"grade": grade}


def _skill_order(skill: Skill) -> tuple[str, int, str]:
    # Skills without a grade go after the graded ones of their subject.
    grade = skill.grade if skill.grade is not None else 99
    return (skill.subject.code, grade, skill.code)


def _prerequisites_by_skill(
    skill_ids: Iterable[int] | None = None,
) -> dict[int, set[int]]:
    rows = Prerequisite.objects.all()
    if skill_ids is not None:
        rows = rows.filter(skill_id__in=list(skill_ids))
    required: dict[int, set[int]] = {}
    for skill_id, requires_id in rows.values_list("skill_id", "requires_id"):
        required.setdefault(skill_id, set()).add(requires_id)
    return required


@dataclass(frozen=True)
class EstimateRow:
    """The parts of a stored estimate a page shows."""

    skill_id: int
    probability: float
    band: str
    observations: int


def _ready_skill_ids(
    student_id: int,
    estimates: Mapping[int, EstimateRow],
    skill_ids: Iterable[int],
    prerequisites: Mapping[int, set[int]],
    bands: Bands,
) -> set[int]:
    """Return the skills among ``skill_ids`` the student is ready to learn."""
    engine_estimates = {
        str(skill_id): EngineEstimate(
            student=str(student_id),
            skill=str(skill_id),
            probability=row.probability,
            band=bands.band(row.probability),
            observations=row.observations,
        )
        for skill_id, row in estimates.items()
    }
    graph = {
        str(skill_id): [str(other) for other in prerequisites.get(skill_id, ())]
        for skill_id in skill_ids
    }
    return {int(key) for key in ready_to_learn(engine_estimates, graph, bands)}


# The class heat map


@dataclass(frozen=True)
class SkillColumn:
    id: int
    code: str
    name: str
    grade_label: str
    subject_name: str


@dataclass(frozen=True)
class ColumnGroup:
    """A header over several columns: a subject, or a grade within one."""

    label: str
    span: int


@dataclass(frozen=True)
class Cell:
    skill_id: int
    skill_name: str
    band: str
    band_label: str
    probability: float | None
    observations: int
    ready: bool

    @property
    def percent(self) -> int | None:
        return None if self.probability is None else round(self.probability * 100)


@dataclass(frozen=True)
class StudentRow:
    student_id: int
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class SubjectChoice:
    code: str
    name: str


@dataclass(frozen=True)
class HeatMap:
    """A class's students by skills, with what the page needs to filter and sort.

    ``sort`` is ``"name"``, a skill code (lowest mastery first) or a skill
    code after a minus sign (highest first); ``sort_skill`` and
    ``descending`` say the same in parts.
    """

    classroom_id: int
    subjects: tuple[SubjectChoice, ...]
    subject: str | None
    sort: str
    sort_skill: str | None
    descending: bool
    columns: tuple[SkillColumn, ...]
    subject_groups: tuple[ColumnGroup, ...]
    grade_groups: tuple[ColumnGroup, ...]
    rows: tuple[StudentRow, ...]


def _groups(keyed_labels: Iterable[tuple[object, str]]) -> tuple[ColumnGroup, ...]:
    """Merge neighbouring columns with the same key under one header."""
    groups: list[ColumnGroup] = []
    last_key: object = None
    for key, label in keyed_labels:
        if groups and key == last_key:
            groups[-1] = ColumnGroup(label, groups[-1].span + 1)
        else:
            groups.append(ColumnGroup(label, 1))
        last_key = key
    return tuple(groups)


def get_heat_map(
    classroom: Classroom, subject: str | None = None, sort: str | None = None
) -> HeatMap:
    """Return the class's students (rows) by skills (columns) with bands.

    ``subject`` is a subject code to keep only its skills (an unknown code
    shows every subject). The columns are the skills up to the class's grade,
    and any other skill a student of the class has evidence on or is ready
    to learn; grouped by subject, then ordered by grade and code. ``sort``
    is described on :class:`HeatMap`; an unknown one sorts by name.
    """
    bands = get_bands()
    subjects = tuple(
        SubjectChoice(code, name)
        for code, name in Subject.objects.filter(skills__isnull=False)
        .distinct()
        .values_list("code", "name")
    )
    if subject not in {choice.code for choice in subjects}:
        subject = None
    students = list(classroom.students.order_by("first_name", "last_name", "pk"))
    skills_query = Skill.objects.select_related("subject")
    if subject:
        skills_query = skills_query.filter(subject__code=subject)
    skills = sorted(skills_query, key=_skill_order)
    prerequisites = _prerequisites_by_skill()
    estimates: dict[int, dict[int, EstimateRow]] = {s.pk: {} for s in students}
    for (
        student_id,
        skill_id,
        probability,
        band,
        observations,
    ) in MasteryEstimate.objects.filter(student__classroom=classroom).values_list(
        "student_id", "skill_id", "probability", "band", "observations"
    ):
        estimates[student_id][skill_id] = EstimateRow(
            skill_id, probability, band, observations
        )

    skill_ids = [skill.pk for skill in skills]
    ready = {
        student.pk: _ready_skill_ids(
            student.pk, estimates[student.pk], skill_ids, prerequisites, bands
        )
        for student in students
    }
    evidenced = {skill_id for rows in estimates.values() for skill_id in rows}
    readied = set().union(*ready.values()) if ready else set()
    shown = [
        skill
        for skill in skills
        if (skill.grade is not None and skill.grade <= classroom.grade)
        or skill.pk in evidenced
        or skill.pk in readied
    ]

    rows = []
    for student in students:
        cells = []
        for skill in shown:
            row = estimates[student.pk].get(skill.pk)
            band = row.band if row else NO_EVIDENCE
            cells.append(
                Cell(
                    skill_id=skill.pk,
                    skill_name=skill.name,
                    band=band,
                    band_label=_band_label(band),
                    probability=row.probability if row else None,
                    observations=row.observations if row else 0,
                    ready=skill.pk in ready[student.pk],
                )
            )
        rows.append(StudentRow(student.pk, student.display_name, tuple(cells)))

    descending = bool(sort and sort.startswith("-"))
    sort_code = sort.lstrip("-") if sort else None
    column = next((i for i, s in enumerate(shown) if s.code == sort_code), None)
    if column is None:
        sort, sort_code, descending = SORT_BY_NAME, None, False
    else:
        # No evidence sorts below "not yet": those students need a look first.
        def mastery(row: StudentRow) -> float:
            probability = row.cells[column].probability
            return -1.0 if probability is None else probability

        # The sort is stable, so equal mastery keeps the students by name.
        rows.sort(key=mastery, reverse=descending)
        sort = ("-" if descending else "") + (sort_code or "")

    return HeatMap(
        classroom_id=classroom.pk,
        subjects=subjects,
        subject=subject,
        sort=sort or SORT_BY_NAME,
        sort_skill=sort_code,
        descending=descending,
        columns=tuple(
            SkillColumn(
                id=skill.pk,
                code=skill.code,
                name=skill.name,
                grade_label=_grade_label(skill.grade),
                subject_name=skill.subject.name,
            )
            for skill in shown
        ),
        subject_groups=_groups(
            (skill.subject_id, skill.subject.name) for skill in shown
        ),
        grade_groups=_groups(
            ((skill.subject_id, skill.grade), _grade_label(skill.grade))
            for skill in shown
        ),
        rows=tuple(rows),
    )


# The student's skill map


@dataclass(frozen=True)
class MapNode:
    """A skill on the map: where its box goes and how the student stands on it."""

    place: PlacedNode
    skill_id: int
    code: str
    name: str
    band: str
    band_label: str
    probability: float | None
    ready: bool

    @property
    def percent(self) -> int | None:
        return None if self.probability is None else round(self.probability * 100)

    @property
    def dot_x(self) -> int:
        """Return where the ready-to-learn dot goes: the box's top-right corner."""
        return self.place.x + self.place.width - 9

    @property
    def dot_y(self) -> int:
        return self.place.y + 9


@dataclass(frozen=True)
class SubjectGraph:
    code: str
    name: str
    width: int
    height: int
    nodes: tuple[MapNode, ...]
    edges: tuple[str, ...]
    mastered: int
    ready: int


@dataclass(frozen=True)
class SkillMap:
    student_id: int
    student_name: str
    classroom_id: int | None
    graphs: tuple[SubjectGraph, ...]


def get_skill_map(student: Student) -> SkillMap:
    """Return one prerequisite graph per subject, with the student's bands.

    Every subject with skills is drawn; a prerequisite in another subject
    counts for readiness but draws no arrow.
    """
    bands = get_bands()
    skills = sorted(Skill.objects.select_related("subject"), key=_skill_order)
    prerequisites = _prerequisites_by_skill()
    estimates = {
        skill_id: EstimateRow(skill_id, probability, band, observations)
        for skill_id, probability, band, observations in (
            MasteryEstimate.objects.filter(student=student).values_list(
                "skill_id", "probability", "band", "observations"
            )
        )
    }
    ready = _ready_skill_ids(
        student.pk, estimates, [skill.pk for skill in skills], prerequisites, bands
    )

    by_subject: dict[int, list[Skill]] = {}
    for skill in skills:
        by_subject.setdefault(skill.subject_id, []).append(skill)
    graphs = []
    for subject_skills in sorted(
        by_subject.values(), key=lambda group: group[0].subject.name
    ):
        layout: Layout = build_layout(
            {str(skill.pk): skill.name for skill in subject_skills},
            {
                str(skill.pk): [str(other) for other in prerequisites.get(skill.pk, ())]
                for skill in subject_skills
            },
        )
        skill_by_key = {str(skill.pk): skill for skill in subject_skills}
        nodes = []
        for place in layout.nodes:
            skill = skill_by_key[place.key]
            row = estimates.get(skill.pk)
            band = row.band if row else NO_EVIDENCE
            nodes.append(
                MapNode(
                    place=place,
                    skill_id=skill.pk,
                    code=skill.code,
                    name=skill.name,
                    band=band,
                    band_label=_band_label(band),
                    probability=row.probability if row else None,
                    ready=skill.pk in ready,
                )
            )
        subject = subject_skills[0].subject
        graphs.append(
            SubjectGraph(
                code=subject.code,
                name=subject.name,
                width=layout.width,
                height=layout.height,
                nodes=tuple(nodes),
                edges=tuple(edge.path for edge in layout.edges),
                mastered=sum(node.band == Band.MASTERED for node in nodes),
                ready=sum(node.ready for node in nodes),
            )
        )
    return SkillMap(
        student_id=student.pk,
        student_name=student.display_name,
        classroom_id=student.classroom_id,
        graphs=tuple(graphs),
    )


# The evidence behind one cell


@dataclass(frozen=True)
class PrerequisiteStanding:
    skill_id: int
    name: str
    band: str
    band_label: str


@dataclass(frozen=True)
class CellEvidence:
    """A student's estimate on one skill, the prerequisites, and a page of evidence.

    The evidence is newest first.
    """

    student: Student
    skill: Skill
    estimate: MasteryEstimate | None
    band: str
    band_label: str
    ready: bool
    prerequisites: tuple[PrerequisiteStanding, ...]
    evidence: Page[Evidence]


def get_cell_evidence(
    student: Student, skill: Skill, page: str | int | None = 1
) -> CellEvidence:
    """Return what lies behind one heat map cell; a bad ``page`` gives the nearest."""
    bands = get_bands()
    required = _prerequisites_by_skill([skill.pk]).get(skill.pk, set())
    estimates = {
        row.skill_id: row
        for row in MasteryEstimate.objects.filter(
            student=student, skill_id__in=[skill.pk, *required]
        )
    }
    required_skills = sorted(
        Skill.objects.filter(pk__in=required).select_related("subject"),
        key=_skill_order,
    )
    rows = {
        skill_id: EstimateRow(skill_id, row.probability, row.band, row.observations)
        for skill_id, row in estimates.items()
    }
    ready = _ready_skill_ids(student.pk, rows, [skill.pk], {skill.pk: required}, bands)
    estimate = estimates.get(skill.pk)
    band = estimate.band if estimate else NO_EVIDENCE

    def standing(other: Skill) -> PrerequisiteStanding:
        other_band = estimates[other.pk].band if other.pk in estimates else NO_EVIDENCE
        return PrerequisiteStanding(
            other.pk, other.name, other_band, _band_label(other_band)
        )

    evidence = Evidence.objects.filter(student=student, skill=skill).order_by(
        "-observed_at", "-pk"
    )
    return CellEvidence(
        student=student,
        skill=skill,
        estimate=estimate,
        band=band,
        band_label=_band_label(band),
        ready=skill.pk in ready,
        prerequisites=tuple(standing(other) for other in required_skills),
        evidence=Paginator(evidence, EVIDENCE_PER_PAGE).get_page(page),
    )
