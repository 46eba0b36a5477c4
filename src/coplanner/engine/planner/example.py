"""Generate plan problems that look like real classrooms, for demos and benchmarks.

A week of 5 days of 6 blocks (a third of them free-choice ``any``), skills
in reading and math with prerequisites and names, about 20 activities per
class of 25 (small groups of at most 6 run by staff, 10 seats per online
program, partner work, hands-on stations, reading spots), and students with
a spread of mastery, likes and dislikes, must-dos, a few locks and avoids.
Larger groups get, per 25 students, one more set of staff with their small
groups and more seats in every station and online program; any student may
join any group, so staff and seats are shared across the whole group.
"""

import math
import random

from coplanner.engine.planner.model import activity_fits
from coplanner.engine.planner.problem import (
    Activity,
    Avoid,
    Block,
    Lock,
    MustDo,
    Problem,
    Rules,
    Skill,
    Student,
    Variant,
    Weights,
)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
STARTS = ("08:30", "09:15", "10:00", "10:45", "12:45", "13:30")
BLOCK_MINUTES = 40
CLASS_SIZE = 25

_MATH = (
    ("m-count-100", "counting to 100", ()),
    ("m-add-10", "adding within 10", ("m-count-100",)),
    ("m-sub-10", "subtracting within 10", ("m-add-10",)),
    ("m-add-20", "adding within 20", ("m-add-10",)),
    ("m-sub-20", "subtracting within 20", ("m-sub-10", "m-add-20")),
    ("m-place-value", "place value to 100", ("m-count-100",)),
    ("m-add-100", "adding within 100", ("m-add-20", "m-place-value")),
    ("m-sub-100", "subtracting within 100", ("m-sub-20", "m-add-100")),
    ("m-length", "measuring length", ("m-place-value",)),
    ("m-time", "telling time", ("m-count-100",)),
)
_READING = (
    ("r-letter-sounds", "letter sounds", ()),
    ("r-short-vowels", "short vowels", ("r-letter-sounds",)),
    ("r-blends", "consonant blends", ("r-short-vowels",)),
    ("r-digraphs", "digraphs", ("r-short-vowels",)),
    ("r-long-vowels", "long vowels", ("r-blends", "r-digraphs")),
    ("r-sight-words", "sight words", ("r-letter-sounds",)),
    ("r-fluency", "reading fluency", ("r-long-vowels", "r-sight-words")),
    ("r-main-idea", "finding the main idea", ("r-fluency",)),
    ("r-retell", "retelling a story", ("r-sight-words",)),
    ("r-endings", "word endings", ("r-long-vowels",)),
)


def build_example_problem(
    students: int = CLASS_SIZE,
    seed: int = 1,
    *,
    time_limit_s: float = 10.0,
    with_previous: bool = False,
) -> Problem:
    """Generate a realistic problem for `students` students.

    The same arguments give the same problem. With `with_previous`, every
    student also gets a previous plan (from a simple rotation) so that the
    stability part counts.
    """
    rng = random.Random(seed)
    units = max(1, math.ceil(students / CLASS_SIZE))
    blocks = _blocks()
    skills = tuple(
        Skill(id=skill_id, subject=subject, prerequisites=prerequisites, name=name)
        for subject, table in (("math", _MATH), ("reading", _READING))
        for skill_id, name, prerequisites in table
    )
    activities = _activities(blocks, units)
    roster = tuple(
        _student(rng, index, blocks, activities) for index in range(students)
    )
    previous: dict[str, dict[str, str]] = {}
    if with_previous:
        for number, student in enumerate(roster):
            previous[student.id] = _rotation(blocks, activities, number)
    return Problem(
        blocks=blocks,
        skills=skills,
        activities=activities,
        students=roster,
        rules=Rules(
            subject_minutes={"math": 11 * BLOCK_MINUTES, "reading": 11 * BLOCK_MINUTES},
            mastered_at=0.85,
            struggle_below=0.6,
            small_group_below=0.6,
            small_group_at_least=2,
            max_same_activity_per_day=2,
        ),
        weights=Weights(
            rigor=0.1, voice=1.0, confidence=0.5, variety=1.0, stability=2.0
        ),
        previous=previous,
        time_limit_s=time_limit_s,
    )


def _blocks() -> tuple[Block, ...]:
    pattern = ("math", "reading", "any", "reading", "math", "any")
    blocks = []
    for day_number, day in enumerate(DAYS):
        for position, start in enumerate(STARTS):
            subject = pattern[(position + day_number) % len(pattern)]
            blocks.append(
                Block(
                    id=f"{day[:3].lower()}-{position + 1}",
                    day=day,
                    start=start,
                    minutes=BLOCK_MINUTES,
                    subject=subject,
                )
            )
    return tuple(blocks)


def _activities(blocks: tuple[Block, ...], units: int) -> tuple[Activity, ...]:
    activities: list[Activity] = []
    for unit in range(1, units + 1):
        suffix = "" if units == 1 else f"-{unit}"
        teacher = f"teacher{suffix or '-1'}"
        aide = f"aide{suffix or '-1'}"
        activities += [
            Activity(
                id=f"math-group-facts{suffix}",
                name="Math group: adding and subtracting",
                subject="math",
                modality="small_group",
                skills=("m-add-10", "m-sub-10", "m-add-20", "m-sub-20"),
                capacity=6,
                staff=teacher,
            ),
            Activity(
                id=f"math-group-place{suffix}",
                name="Math group: place value",
                subject="math",
                modality="small_group",
                skills=("m-place-value", "m-add-100", "m-sub-100"),
                capacity=6,
                staff=teacher,
            ),
            Activity(
                id=f"guided-reading{suffix}",
                name="Guided reading",
                subject="reading",
                modality="small_group",
                skills=("r-fluency", "r-main-idea", "r-retell"),
                capacity=6,
                staff=teacher,
            ),
            Activity(
                id=f"phonics-group-vowels{suffix}",
                name="Phonics group: short vowels",
                subject="reading",
                modality="small_group",
                skills=("r-letter-sounds", "r-short-vowels"),
                capacity=6,
                staff=aide,
            ),
            Activity(
                id=f"phonics-group-blends{suffix}",
                name="Phonics group: blends and digraphs",
                subject="reading",
                modality="small_group",
                skills=("r-blends", "r-digraphs", "r-long-vowels"),
                capacity=6,
                staff=aide,
            ),
        ]

    def seats(per_class: int) -> int:
        return per_class * units

    any_blocks = [block.id for block in blocks if block.subject == "any"]
    activities += [
        Activity(
            id="math-app",
            name="Math app",
            subject="math",
            modality="online",
            skills=("m-add-10", "m-sub-10", "m-add-20", "m-sub-20", "m-add-100"),
            capacity=seats(10),
            variants=(Variant("short", "A shorter session"),),
        ),
        Activity(
            id="fact-fluency",
            name="Fact fluency online",
            subject="math",
            modality="online",
            skills=("m-add-10", "m-sub-10", "m-add-20"),
            capacity=seats(10),
        ),
        Activity(
            id="reading-app",
            name="Reading app",
            subject="reading",
            modality="online",
            skills=("r-short-vowels", "r-blends", "r-digraphs", "r-sight-words"),
            capacity=seats(10),
            variants=(Variant("read-aloud", "With read-aloud"),),
        ),
        Activity(
            id="math-games",
            name="Math partner games",
            subject="math",
            modality="partner",
            skills=("m-add-20", "m-place-value", "m-time"),
            capacity=seats(8),
            variants=(Variant("buddy", "With a buddy you choose"),),
        ),
        Activity(
            id="buddy-reading",
            name="Buddy reading",
            subject="reading",
            modality="partner",
            skills=("r-sight-words", "r-fluency", "r-retell"),
            capacity=seats(8),
        ),
        Activity(
            id="manipulatives",
            name="Math manipulatives",
            subject="math",
            modality="hands_on",
            skills=("m-count-100", "m-place-value", "m-length"),
            capacity=seats(6),
        ),
        Activity(
            id="word-work",
            name="Word work station",
            subject="reading",
            modality="hands_on",
            skills=("r-short-vowels", "r-blends", "r-digraphs", "r-endings"),
            capacity=seats(6),
            variants=(Variant("magnets", "With letter magnets"),),
        ),
        Activity(
            id="reading-nook",
            name="Reading nook",
            subject="reading",
            modality="reading",
            skills=("r-sight-words", "r-fluency", "r-retell"),
            capacity=seats(8),
        ),
        Activity(
            id="independent-reading",
            name="Independent reading",
            subject="reading",
            modality="reading",
            skills=("r-fluency", "r-main-idea"),
        ),
        Activity(
            id="math-practice",
            name="Math practice sheet",
            subject="math",
            modality="other",
            skills=("m-sub-10", "m-sub-20", "m-add-100", "m-sub-100"),
            variants=(Variant("fewer", "Fewer problems"),),
        ),
        Activity(
            id="listening-center",
            name="Listening center",
            subject="reading",
            modality="other",
            skills=("r-sight-words", "r-retell"),
            capacity=seats(6),
        ),
        Activity(
            id="writing-workshop",
            name="Writing workshop",
            subject="writing",
            modality="other",
        ),
        Activity(
            id="science-lab",
            name="Science lab",
            subject="science",
            modality="hands_on",
            capacity=seats(8),
            blocks=tuple(any_blocks[1::2]),
        ),
        Activity(
            id="art-studio",
            name="Art studio",
            subject="art",
            modality="hands_on",
            capacity=seats(8),
            blocks=tuple(any_blocks[::2]),
        ),
        Activity(
            id="coding-club",
            name="Coding club",
            subject="science",
            modality="online",
            capacity=seats(10),
            blocks=tuple(any_blocks[::3]),
        ),
    ]
    return tuple(activities)


def _student(
    rng: random.Random,
    index: int,
    blocks: tuple[Block, ...],
    activities: tuple[Activity, ...],
) -> Student:
    grade = rng.choice((1, 1, 2, 2, 3))
    mastery: dict[str, float] = {}
    for table in (_MATH, _READING):
        level = min(len(table) - 1, max(0, round(rng.gauss(2 + grade, 1.6))))
        for position, (skill_id, _, _) in enumerate(table):
            if position < level:
                probability = rng.uniform(0.86, 0.99)
            elif position <= level + 2:
                probability = rng.uniform(0.15, 0.8)
            else:
                probability = rng.uniform(0.0, 0.3)
            mastery[skill_id] = round(probability, 3)
    preferences: dict[str, int] = {}
    for activity in activities:
        if rng.random() < 0.85:
            preferences[activity.id] = rng.choices((2, 1, 0, -1), (15, 30, 35, 20))[0]

    must_do = [MustDo("math-app", 2)]
    if rng.random() < 0.5:
        must_do.append(
            MustDo(rng.choice(("word-work", "reading-app", "math-games")), 1)
        )
    locks: list[Lock] = []
    if rng.random() < 0.08:
        block = rng.choice([b for b in blocks if b.subject == "reading"])
        locks.append(Lock(block=block.id, activity="independent-reading"))
    elif rng.random() < 0.04:
        block = rng.choice([b for b in blocks if b.subject == "any"])
        fitting = [
            a for a in activities if a.capacity is None and activity_fits(block, a)
        ]
        locks.append(Lock(block=block.id, activity=rng.choice(fitting).id))
    avoid: list[Avoid] = []
    if rng.random() < 0.12:
        disliked = [a for a, rating in preferences.items() if rating == -1]
        required = {item.activity for item in must_do}
        required.update(lock.activity for lock in locks)
        options = [a for a in disliked if a not in required]
        if options:
            avoid.append(Avoid(activity=rng.choice(options)))
    return Student(
        id=f"s{index + 1:03d}",
        grade=grade,
        autonomy=1 if grade <= 1 else 2 if grade == 2 else 3,
        mastery=mastery,
        preferences=preferences,
        must_do=tuple(must_do),
        locks=tuple(locks),
        avoid=tuple(avoid),
    )


def _rotation(
    blocks: tuple[Block, ...], activities: tuple[Activity, ...], number: int
) -> dict[str, str]:
    """Give a student a simple earlier week: each block's fitting activities in turn."""
    week = {}
    for position, block in enumerate(blocks):
        fitting = [a.id for a in activities if activity_fits(block, a)]
        week[block.id] = fitting[(number + position) % len(fitting)]
    return week
