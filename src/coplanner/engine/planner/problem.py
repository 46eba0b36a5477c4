"""The plan problem: the week, the skills, the activities and the students.

The problem is read from and written to the ``coplanner.problem/1`` JSON
format. Fields the format marks as optional get these defaults: a skill's
``name`` and ``prerequisites`` (none), an activity's ``skills`` and
``variants`` (none), ``capacity`` and ``staff`` (null), ``blocks`` (every
block it fits), ``seats_taken`` (none: block -> seats held by students
planned elsewhere); a student's ``mastery``, ``preferences``, ``must_do``,
``locks`` and ``avoid`` (empty); every rule (the values of `Rules`), every
weight (1), ``previous`` (empty) and ``time_limit_s`` (10 seconds).
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from coplanner.engine.planner._reading import (
    item,
    join,
    parse_json,
    read_format,
    read_list,
    read_mapping,
    read_number,
    read_object,
    read_optional_string,
    read_string,
    read_text_file,
    read_whole,
    shown,
)
from coplanner.engine.planner.errors import ProblemFormatError

PROBLEM_FORMAT = "coplanner.problem/1"
ANY_SUBJECT = "any"
MODALITIES = ("small_group", "online", "partner", "hands_on", "reading", "other")
PREFERENCES = (-1, 0, 1, 2)
DEFAULT_TIME_LIMIT_S = 10.0

# The largest figures a problem may hold. Each is far above any real school
# and keeps every product of the model within the solver's 64-bit integers,
# so that a typo (a capacity of 10**30) is an error naming the field, not a
# crash inside the solver.
MAX_BLOCK_MINUTES = 24 * 60
MAX_WEEK_MINUTES = 7 * 24 * 60
MAX_COUNT = 100_000
MAX_WEIGHT = 1_000.0
MAX_TIME_LIMIT_S = 24 * 60 * 60.0

_START = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Block:
    """One block of the week template: a start time, a length and a subject."""

    id: str
    day: str
    start: str
    minutes: int
    subject: str


@dataclass(frozen=True)
class Skill:
    """One learning target in a subject, with the skills it builds on."""

    id: str
    subject: str
    prerequisites: tuple[str, ...] = ()
    name: str | None = None

    @property
    def label(self) -> str:
        """Return the name to show a person, the id when there is no name."""
        return self.name or self.id


@dataclass(frozen=True)
class Variant:
    """A modification of an activity that keeps its learning target."""

    id: str
    label: str


@dataclass(frozen=True)
class Activity:
    """Something a student can do in a block.

    `capacity` None means no limit; `blocks` None means every block the
    activity fits by subject. `seats_taken` holds, by block, the seats that
    students planned elsewhere already hold (another class at a station the
    whole school shares): they are not free for this problem's students.
    """

    id: str
    name: str
    subject: str
    modality: str
    skills: tuple[str, ...] = ()
    capacity: int | None = None
    staff: str | None = None
    blocks: tuple[str, ...] | None = None
    variants: tuple[Variant, ...] = ()
    seats_taken: tuple[tuple[str, int], ...] = ()

    def seats_in(self, block: str) -> int | None:
        """Return the seats free for this problem's students in a block."""
        if self.capacity is None:
            return None
        taken = sum(count for taken_in, count in self.seats_taken if taken_in == block)
        return max(0, self.capacity - taken)

    def variant(self, variant_id: str) -> Variant | None:
        """Return the variant with this id, or None."""
        for variant in self.variants:
            if variant.id == variant_id:
                return variant
        return None


@dataclass(frozen=True)
class MustDo:
    """An activity the student has to do at least `at_least` times this week."""

    activity: str
    at_least: int


@dataclass(frozen=True)
class Lock:
    """A block fixed to an activity (and to a variant when one is given)."""

    block: str
    activity: str
    variant: str | None = None


@dataclass(frozen=True)
class Avoid:
    """An activity kept out of one block, or out of the week when no block."""

    activity: str
    block: str | None = None


@dataclass(frozen=True)
class Student:
    """One student: what they know, what they like, what they must do."""

    id: str
    grade: str | int
    autonomy: int
    mastery: Mapping[str, float] = field(default_factory=dict)
    preferences: Mapping[str, int] = field(default_factory=dict)
    must_do: tuple[MustDo, ...] = ()
    locks: tuple[Lock, ...] = ()
    avoid: tuple[Avoid, ...] = ()


@dataclass(frozen=True)
class Rules:
    """The figures of the hard rules and of the mastery thresholds."""

    subject_minutes: Mapping[str, int] = field(default_factory=dict)
    mastered_at: float = 0.85
    struggle_below: float = 0.6
    small_group_below: float = 0.6
    small_group_at_least: int = 2
    max_same_activity_per_day: int = 1


@dataclass(frozen=True)
class Weights:
    """The weights of the plan score parts in the objective, all >= 0."""

    rigor: float = 1.0
    voice: float = 1.0
    confidence: float = 1.0
    variety: float = 1.0
    stability: float = 1.0


@dataclass(frozen=True)
class Problem:
    """Everything the planner needs to draft the plans of a group of students.

    `previous` maps student id to block id to the activity of the plan the
    stability part compares against.
    """

    blocks: tuple[Block, ...]
    skills: tuple[Skill, ...]
    activities: tuple[Activity, ...]
    students: tuple[Student, ...]
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)
    previous: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    time_limit_s: float = DEFAULT_TIME_LIMIT_S

    @cached_property
    def block_by_id(self) -> Mapping[str, Block]:
        """Index the blocks by id."""
        return {block.id: block for block in self.blocks}

    @cached_property
    def skill_by_id(self) -> Mapping[str, Skill]:
        """Index the skills by id."""
        return {skill.id: skill for skill in self.skills}

    @cached_property
    def activity_by_id(self) -> Mapping[str, Activity]:
        """Index the activities by id."""
        return {activity.id: activity for activity in self.activities}

    @cached_property
    def student_by_id(self) -> Mapping[str, Student]:
        """Index the students by id."""
        return {student.id: student for student in self.students}

    @cached_property
    def days(self) -> tuple[tuple[str, tuple[Block, ...]], ...]:
        """Return each day with its blocks in time order.

        Days come in the order they first appear in the file; blocks that
        start at the same time keep their order in the file.
        """
        by_day: dict[str, list[Block]] = {}
        for block in self.blocks:
            by_day.setdefault(block.day, []).append(block)
        return tuple(
            (day, tuple(sorted(blocks, key=lambda block: block.start)))
            for day, blocks in by_day.items()
        )

    @cached_property
    def consecutive_blocks(self) -> tuple[tuple[Block, Block], ...]:
        """Return every pair of blocks that follow each other on one day."""
        return tuple(
            (first, second)
            for _, blocks in self.days
            for first, second in zip(blocks, blocks[1:], strict=False)
        )


# Reading -------------------------------------------------------------------


def parse_problem(data: object) -> Problem:
    """Build a problem from parsed ``coplanner.problem/1`` JSON.

    Raise `ProblemFormatError` naming the first bad field.
    """
    root = read_object(
        read_format(data, PROBLEM_FORMAT),
        "",
        required=("format", "blocks", "skills", "activities", "students"),
        optional=("rules", "weights", "previous", "time_limit_s"),
    )
    blocks = _read_blocks(root["blocks"])
    skills = _read_skills(root["skills"])
    activities = _read_activities(root["activities"], blocks, skills)
    students = _read_students(root["students"], blocks, skills, activities)
    rules = _read_rules(root.get("rules", {}))
    weights = _read_weights(root.get("weights", {}))
    previous = _read_previous(root.get("previous", {}), blocks, activities, students)
    time_limit_s = DEFAULT_TIME_LIMIT_S
    if "time_limit_s" in root:
        time_limit_s = read_number(
            root["time_limit_s"], "time_limit_s", above=0, maximum=MAX_TIME_LIMIT_S
        )
    return Problem(
        blocks=tuple(blocks.values()),
        skills=tuple(skills.values()),
        activities=tuple(activities.values()),
        students=tuple(students.values()),
        rules=rules,
        weights=weights,
        previous=previous,
        time_limit_s=time_limit_s,
    )


def read_problem(text: str) -> Problem:
    """Build a problem from the text of a problem file."""
    return parse_problem(parse_json(text))


def load_problem(path: str | Path) -> Problem:
    """Read a problem file from disk."""
    return read_problem(read_text_file(path))


def _unique_id(value: object, path: str, seen: Mapping[str, object]) -> str:
    identifier = read_string(value, path)
    if identifier in seen:
        raise ProblemFormatError(path, f"duplicate id {shown(identifier)}")
    return identifier


def _reference(value: object, path: str, known: Mapping[str, object], kind: str) -> str:
    identifier = read_string(value, path)
    if identifier not in known:
        raise ProblemFormatError(path, f"unknown {kind} {shown(identifier)}")
    return identifier


def _read_blocks(value: object) -> dict[str, Block]:
    blocks: dict[str, Block] = {}
    entries = read_list(value, "blocks")
    if not entries:
        raise ProblemFormatError("blocks", "expected at least one block")
    for index, raw in enumerate(entries):
        path = item("blocks", index)
        entry = read_object(
            raw, path, required=("id", "day", "start", "minutes", "subject")
        )
        identifier = _unique_id(entry["id"], join(path, "id"), blocks)
        start = read_string(entry["start"], join(path, "start"))
        if not _START.match(start):
            raise ProblemFormatError(
                join(path, "start"), f'expected a time "HH:MM", got {shown(start)}'
            )
        blocks[identifier] = Block(
            id=identifier,
            day=read_string(entry["day"], join(path, "day")),
            start=start,
            minutes=read_whole(
                entry["minutes"],
                join(path, "minutes"),
                minimum=1,
                maximum=MAX_BLOCK_MINUTES,
            ),
            subject=read_string(entry["subject"], join(path, "subject")),
        )
    return blocks


def _read_skills(value: object) -> dict[str, Skill]:
    entries = read_list(value, "skills")
    skills: dict[str, Skill] = {}
    for index, raw in enumerate(entries):
        path = item("skills", index)
        entry = read_object(
            raw, path, required=("id", "subject"), optional=("prerequisites", "name")
        )
        identifier = _unique_id(entry["id"], join(path, "id"), skills)
        skills[identifier] = Skill(
            id=identifier,
            subject=read_string(entry["subject"], join(path, "subject")),
            name=read_optional_string(entry.get("name"), join(path, "name")),
        )
    # Prerequisites may name skills later in the list, so read them second.
    for index, raw in enumerate(entries):
        path = item("skills", index)
        entry = read_mapping(raw, path)
        identifier = str(entry["id"])
        prerequisites_path = join(path, "prerequisites")
        prerequisites = tuple(
            _reference(
                prerequisite, item(prerequisites_path, position), skills, "skill"
            )
            for position, prerequisite in enumerate(
                read_list(entry.get("prerequisites", []), prerequisites_path)
            )
        )
        skill = skills[identifier]
        skills[identifier] = Skill(
            id=skill.id,
            subject=skill.subject,
            prerequisites=prerequisites,
            name=skill.name,
        )
    _refuse_prerequisite_cycles(skills)
    return skills


def _refuse_prerequisite_cycles(skills: Mapping[str, Skill]) -> None:
    """Raise when a skill needs itself, directly or through other skills.

    Such a skill could never be ready to learn. The error names the first
    prerequisite that closes the circle, and the circle itself.
    """
    positions = {skill_id: index for index, skill_id in enumerate(skills)}
    done: set[str] = set()
    for start in skills:
        if start in done:
            continue
        # Depth-first, without recursion: a chain may be thousands long.
        trail: list[str] = [start]
        on_trail = {start}
        pending = [iter(enumerate(skills[start].prerequisites))]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                pending.pop()
                done.add(trail[-1])
                on_trail.discard(trail.pop())
                continue
            position, needed = step
            if needed in on_trail:
                circle = trail[trail.index(needed) :] + [needed]
                path = item(
                    join(item("skills", positions[trail[-1]]), "prerequisites"),
                    position,
                )
                raise ProblemFormatError(
                    path,
                    "prerequisites go round in a circle ("
                    + " needs ".join(shown(each) for each in circle)
                    + "), so no skill of it could ever be learnt first",
                )
            if needed not in done:
                trail.append(needed)
                on_trail.add(needed)
                pending.append(iter(enumerate(skills[needed].prerequisites)))


def _read_activities(
    value: object, blocks: Mapping[str, Block], skills: Mapping[str, Skill]
) -> dict[str, Activity]:
    activities: dict[str, Activity] = {}
    for index, raw in enumerate(read_list(value, "activities")):
        path = item("activities", index)
        entry = read_object(
            raw,
            path,
            required=("id", "name", "subject", "modality"),
            optional=(
                "skills",
                "capacity",
                "staff",
                "blocks",
                "variants",
                "seats_taken",
            ),
        )
        identifier = _unique_id(entry["id"], join(path, "id"), activities)
        modality = read_string(entry["modality"], join(path, "modality"))
        if modality not in MODALITIES:
            raise ProblemFormatError(
                join(path, "modality"),
                f"expected one of {', '.join(MODALITIES)}, got {shown(modality)}",
            )
        skills_path = join(path, "skills")
        activity_skills = tuple(
            _reference(skill, item(skills_path, position), skills, "skill")
            for position, skill in enumerate(
                read_list(entry.get("skills", []), skills_path)
            )
        )
        capacity = entry.get("capacity")
        if capacity is not None:
            capacity = read_whole(
                capacity, join(path, "capacity"), minimum=0, maximum=MAX_COUNT
            )
        taken_path = join(path, "seats_taken")
        seats_taken = tuple(
            (
                _reference(block, join(taken_path, block), blocks, "block"),
                read_whole(
                    count, join(taken_path, block), minimum=0, maximum=MAX_COUNT
                ),
            )
            for block, count in read_mapping(
                entry.get("seats_taken", {}), taken_path
            ).items()
        )
        activity_blocks = None
        if "blocks" in entry:
            blocks_path = join(path, "blocks")
            activity_blocks = tuple(
                _reference(block, item(blocks_path, position), blocks, "block")
                for position, block in enumerate(
                    read_list(entry["blocks"], blocks_path)
                )
            )
        variants: dict[str, Variant] = {}
        variants_path = join(path, "variants")
        for position, raw_variant in enumerate(
            read_list(entry.get("variants", []), variants_path)
        ):
            variant_path = item(variants_path, position)
            variant_entry = read_object(
                raw_variant, variant_path, required=("id", "label")
            )
            variant_id = _unique_id(
                variant_entry["id"], join(variant_path, "id"), variants
            )
            variants[variant_id] = Variant(
                id=variant_id,
                label=read_string(variant_entry["label"], join(variant_path, "label")),
            )
        activities[identifier] = Activity(
            id=identifier,
            name=read_string(entry["name"], join(path, "name")),
            subject=read_string(entry["subject"], join(path, "subject")),
            modality=modality,
            skills=activity_skills,
            capacity=capacity,
            staff=read_optional_string(entry.get("staff"), join(path, "staff")),
            blocks=activity_blocks,
            variants=tuple(variants.values()),
            seats_taken=seats_taken,
        )
    return activities


def _read_students(
    value: object,
    blocks: Mapping[str, Block],
    skills: Mapping[str, Skill],
    activities: Mapping[str, Activity],
) -> dict[str, Student]:
    students: dict[str, Student] = {}
    entries = read_list(value, "students")
    if not entries:
        raise ProblemFormatError("students", "expected at least one student")
    for index, raw in enumerate(entries):
        path = item("students", index)
        entry = read_object(
            raw,
            path,
            required=("id", "grade", "autonomy"),
            optional=("mastery", "preferences", "must_do", "locks", "avoid"),
        )
        identifier = _unique_id(entry["id"], join(path, "id"), students)
        grade = entry["grade"]
        if isinstance(grade, bool) or not isinstance(grade, str | int):
            raise ProblemFormatError(
                join(path, "grade"),
                f"expected a grade as text or a whole number, got {shown(grade)}",
            )
        autonomy = entry["autonomy"]
        # 1.0 equals 1 in Python, but the format holds whole numbers only.
        if (
            not isinstance(autonomy, int)
            or isinstance(autonomy, bool)
            or (autonomy not in (1, 2, 3))
        ):
            raise ProblemFormatError(
                join(path, "autonomy"), f"expected 1, 2 or 3, got {shown(autonomy)}"
            )
        mastery_path = join(path, "mastery")
        mastery = {
            _reference(skill, join(mastery_path, skill), skills, "skill"): read_number(
                probability, join(mastery_path, skill), minimum=0, maximum=1
            )
            for skill, probability in read_mapping(
                entry.get("mastery", {}), mastery_path
            ).items()
        }
        preferences_path = join(path, "preferences")
        preferences: dict[str, int] = {}
        for activity, rating in read_mapping(
            entry.get("preferences", {}), preferences_path
        ).items():
            rating_path = join(preferences_path, activity)
            _reference(activity, rating_path, activities, "activity")
            if (
                not isinstance(rating, int)
                or isinstance(rating, bool)
                or rating not in PREFERENCES
            ):
                raise ProblemFormatError(
                    rating_path, f"expected one of -1, 0, 1, 2, got {shown(rating)}"
                )
            preferences[activity] = rating
        students[identifier] = Student(
            id=identifier,
            grade=grade,
            autonomy=autonomy,
            mastery=mastery,
            preferences=preferences,
            must_do=_read_must_dos(entry.get("must_do", []), path, activities),
            locks=_read_locks(entry.get("locks", []), path, blocks, activities),
            avoid=_read_avoids(entry.get("avoid", []), path, blocks, activities),
        )
    return students


def _read_must_dos(
    value: object, student_path: str, activities: Mapping[str, Activity]
) -> tuple[MustDo, ...]:
    must_dos = []
    list_path = join(student_path, "must_do")
    for position, raw in enumerate(read_list(value, list_path)):
        path = item(list_path, position)
        entry = read_object(raw, path, required=("activity", "at_least"))
        must_dos.append(
            MustDo(
                activity=_reference(
                    entry["activity"], join(path, "activity"), activities, "activity"
                ),
                at_least=read_whole(
                    entry["at_least"], join(path, "at_least"), 1, MAX_COUNT
                ),
            )
        )
    return tuple(must_dos)


def _read_locks(
    value: object,
    student_path: str,
    blocks: Mapping[str, Block],
    activities: Mapping[str, Activity],
) -> tuple[Lock, ...]:
    locks = []
    list_path = join(student_path, "locks")
    for position, raw in enumerate(read_list(value, list_path)):
        path = item(list_path, position)
        entry = read_object(
            raw, path, required=("block", "activity"), optional=("variant",)
        )
        activity = _reference(
            entry["activity"], join(path, "activity"), activities, "activity"
        )
        variant = read_optional_string(entry.get("variant"), join(path, "variant"))
        if variant is not None and activities[activity].variant(variant) is None:
            raise ProblemFormatError(
                join(path, "variant"),
                f"unknown variant {shown(variant)} of activity {shown(activity)}",
            )
        locks.append(
            Lock(
                block=_reference(entry["block"], join(path, "block"), blocks, "block"),
                activity=activity,
                variant=variant,
            )
        )
    return tuple(locks)


def _read_avoids(
    value: object,
    student_path: str,
    blocks: Mapping[str, Block],
    activities: Mapping[str, Activity],
) -> tuple[Avoid, ...]:
    avoids = []
    list_path = join(student_path, "avoid")
    for position, raw in enumerate(read_list(value, list_path)):
        path = item(list_path, position)
        entry = read_object(raw, path, required=("activity",), optional=("block",))
        block = entry.get("block")
        avoids.append(
            Avoid(
                activity=_reference(
                    entry["activity"], join(path, "activity"), activities, "activity"
                ),
                block=None
                if block is None
                else _reference(block, join(path, "block"), blocks, "block"),
            )
        )
    return tuple(avoids)


def _read_rules(value: object) -> Rules:
    defaults = Rules()
    entry = read_object(
        value,
        "rules",
        optional=(
            "subject_minutes",
            "mastered_at",
            "struggle_below",
            "small_group_below",
            "small_group_at_least",
            "max_same_activity_per_day",
        ),
    )
    minutes_path = "rules.subject_minutes"
    subject_minutes = {
        read_string(subject, minutes_path): read_whole(
            minutes, join(minutes_path, subject), minimum=0, maximum=MAX_WEEK_MINUTES
        )
        for subject, minutes in read_mapping(
            entry.get("subject_minutes", {}), minutes_path
        ).items()
    }

    def probability(name: str, default: float) -> float:
        if name not in entry:
            return default
        return read_number(entry[name], join("rules", name), minimum=0, maximum=1)

    def whole(name: str, default: int, minimum: int) -> int:
        if name not in entry:
            return default
        return read_whole(
            entry[name], join("rules", name), minimum=minimum, maximum=MAX_COUNT
        )

    return Rules(
        subject_minutes=subject_minutes,
        mastered_at=probability("mastered_at", defaults.mastered_at),
        struggle_below=probability("struggle_below", defaults.struggle_below),
        small_group_below=probability("small_group_below", defaults.small_group_below),
        small_group_at_least=whole(
            "small_group_at_least", defaults.small_group_at_least, 0
        ),
        max_same_activity_per_day=whole(
            "max_same_activity_per_day", defaults.max_same_activity_per_day, 1
        ),
    )


def _read_weights(value: object) -> Weights:
    names = ("rigor", "voice", "confidence", "variety", "stability")
    entry = read_object(value, "weights", optional=names)
    figures = {
        name: read_number(
            entry[name], join("weights", name), minimum=0, maximum=MAX_WEIGHT
        )
        for name in names
        if name in entry
    }
    return Weights(**figures)


def _read_previous(
    value: object,
    blocks: Mapping[str, Block],
    activities: Mapping[str, Activity],
    students: Mapping[str, Student],
) -> dict[str, dict[str, str]]:
    previous: dict[str, dict[str, str]] = {}
    for student, slots in read_mapping(value, "previous").items():
        student_path = join("previous", student)
        _reference(student, student_path, students, "student")
        previous[student] = {}
        for block, activity in read_mapping(slots, student_path).items():
            slot_path = join(student_path, block)
            _reference(block, slot_path, blocks, "block")
            previous[student][block] = _reference(
                activity, slot_path, activities, "activity"
            )
    return previous


# Writing -------------------------------------------------------------------


def problem_to_json(problem: Problem) -> dict[str, object]:
    """Return the ``coplanner.problem/1`` JSON object of a problem."""
    rules = problem.rules
    weights = problem.weights
    return {
        "format": PROBLEM_FORMAT,
        "blocks": [
            {
                "id": block.id,
                "day": block.day,
                "start": block.start,
                "minutes": block.minutes,
                "subject": block.subject,
            }
            for block in problem.blocks
        ],
        "skills": [_skill_to_json(skill) for skill in problem.skills],
        "activities": [_activity_to_json(activity) for activity in problem.activities],
        "students": [_student_to_json(student) for student in problem.students],
        "rules": {
            "subject_minutes": dict(rules.subject_minutes),
            "mastered_at": rules.mastered_at,
            "struggle_below": rules.struggle_below,
            "small_group_below": rules.small_group_below,
            "small_group_at_least": rules.small_group_at_least,
            "max_same_activity_per_day": rules.max_same_activity_per_day,
        },
        "weights": {
            "rigor": weights.rigor,
            "voice": weights.voice,
            "confidence": weights.confidence,
            "variety": weights.variety,
            "stability": weights.stability,
        },
        "previous": {
            student: dict(slots) for student, slots in problem.previous.items()
        },
        "time_limit_s": problem.time_limit_s,
    }


def write_problem(problem: Problem) -> str:
    """Return the text of the problem file of a problem."""
    return json.dumps(problem_to_json(problem), indent=1, ensure_ascii=False) + "\n"


def save_problem(problem: Problem, path: str | Path) -> None:
    """Write a problem file to disk."""
    Path(path).write_text(write_problem(problem), encoding="utf-8")


def _skill_to_json(skill: Skill) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": skill.id,
        "subject": skill.subject,
        "prerequisites": list(skill.prerequisites),
    }
    if skill.name is not None:
        entry["name"] = skill.name
    return entry


def _activity_to_json(activity: Activity) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": activity.id,
        "name": activity.name,
        "subject": activity.subject,
        "modality": activity.modality,
        "skills": list(activity.skills),
        "capacity": activity.capacity,
        "staff": activity.staff,
    }
    if activity.blocks is not None:
        entry["blocks"] = list(activity.blocks)
    entry["variants"] = [
        {"id": variant.id, "label": variant.label} for variant in activity.variants
    ]
    if activity.seats_taken:
        entry["seats_taken"] = dict(activity.seats_taken)
    return entry


def _student_to_json(student: Student) -> dict[str, object]:
    return {
        "id": student.id,
        "grade": student.grade,
        "autonomy": student.autonomy,
        "mastery": dict(student.mastery),
        "preferences": dict(student.preferences),
        "must_do": [
            {"activity": must_do.activity, "at_least": must_do.at_least}
            for must_do in student.must_do
        ],
        "locks": [
            {"block": lock.block, "activity": lock.activity, "variant": lock.variant}
            for lock in student.locks
        ],
        "avoid": [
            {"activity": avoid.activity}
            if avoid.block is None
            else {"block": avoid.block, "activity": avoid.activity}
            for avoid in student.avoid
        ],
    }
