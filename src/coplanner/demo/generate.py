"""Build a demo school from a seed: people, skills, activities, week, evidence.

Everything is drawn from one ``random.Random(seed)`` and from constants, so a
seed always gives the same school and another seed gives a different school of
the same shape. The module imports nothing from Django; a loader maps these
dataclasses to database rows. Students, skills, activities, blocks and
classrooms are referred to by their ``code``, staff and guardians by their
``username``.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone

# --- Output ------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectSpec:
    """A subject of the curriculum."""

    code: str
    name: str


@dataclass(frozen=True)
class SkillSpec:
    """A learning target; ``grade`` is 0 for kindergarten up to 3."""

    code: str
    subject: str
    grade: int
    name: str
    prerequisites: tuple[str, ...]


@dataclass(frozen=True)
class StaffSpec:
    """A member of staff; ``role`` is ``leader``, ``coach`` or ``teacher``."""

    username: str
    first_name: str
    last_name: str
    role: str


@dataclass(frozen=True)
class ClassroomSpec:
    """A class of one grade with its teacher and coach (staff usernames)."""

    code: str
    name: str
    grade: int
    teacher: str
    coach: str


@dataclass(frozen=True)
class StudentSpec:
    """A student of one classroom, with the autonomy level the coach set."""

    code: str
    username: str
    first_name: str
    last_name: str
    grade: int
    classroom: str
    autonomy: int


@dataclass(frozen=True)
class GuardianSpec:
    """A family member who sees the week of ``children`` (student codes)."""

    username: str
    first_name: str
    last_name: str
    language: str
    children: tuple[str, ...]


@dataclass(frozen=True)
class VariantSpec:
    """A change to an activity that keeps its learning target."""

    code: str
    label: str


@dataclass(frozen=True)
class ActivitySpec:
    """Something a student can do in a block.

    ``capacity`` and ``staff`` are None when there is no limit or nobody runs
    the activity; ``blocks`` is None when the activity may go in every block of
    its subject; ``classroom`` names the only class that takes part (a
    teacher's own table), None when any class may.
    """

    code: str
    name: str
    subject: str
    modality: str
    skills: tuple[str, ...]
    capacity: int | None
    staff: str | None
    variants: tuple[VariantSpec, ...]
    blocks: tuple[str, ...] | None
    icon: str
    colour: str
    classroom: str | None = None


@dataclass(frozen=True)
class BlockSpec:
    """A block of the week template; ``day`` 0 is Monday, ``start`` is local."""

    code: str
    day: int
    start: time
    minutes: int
    subject: str


@dataclass(frozen=True)
class EvidenceSpec:
    """One item response of a student on a skill."""

    student: str
    skill: str
    correct: bool
    time: datetime
    source: str
    item: str


@dataclass(frozen=True)
class HiddenState:
    """Whether a student truly knows a skill once the evidence ends."""

    student: str
    skill: str
    learned_at_end: bool


@dataclass(frozen=True)
class PreferenceSpec:
    """A rating from -1 (don't like) to 2 (love), with an optional reason.

    ``reason`` is a reason code, a sentence the student typed, or empty.
    """

    student: str
    activity: str
    rating: int
    reason: str


@dataclass(frozen=True)
class GoalSpec:
    """A goal in the student's words, tied to a skill when there is one."""

    student: str
    text: str
    skill: str | None


@dataclass(frozen=True)
class MustDoSpec:
    """An activity every student of a classroom does at least N times a week."""

    classroom: str
    activity: str
    at_least: int


@dataclass(frozen=True)
class DemoSchool:
    """The whole demo school; ``hidden_mastery`` is the truth behind evidence.

    ``hidden_mastery`` has one entry per student and skill of their grade or
    below; skills above a student's grade are never known.
    """

    name: str
    subjects: tuple[SubjectSpec, ...]
    skills: tuple[SkillSpec, ...]
    staff: tuple[StaffSpec, ...]
    classrooms: tuple[ClassroomSpec, ...]
    students: tuple[StudentSpec, ...]
    guardians: tuple[GuardianSpec, ...]
    activities: tuple[ActivitySpec, ...]
    blocks: tuple[BlockSpec, ...]
    evidence: tuple[EvidenceSpec, ...]
    preferences: tuple[PreferenceSpec, ...]
    goals: tuple[GoalSpec, ...]
    must_dos: tuple[MustDoSpec, ...]
    hidden_mastery: tuple[HiddenState, ...]
    password: str


# --- Fixed school data ---------------------------------------------------------

DEMO_PASSWORD = "coplanner-demo"

# The evidence covers whole school weeks that end before this Monday, so the
# data does not depend on the day the demo is generated.
EVIDENCE_END = datetime(2026, 11, 30, tzinfo=UTC)
EVIDENCE_WEEKS = 6

# Block times are wall-clock times of a school five hours behind UTC; evidence
# times are stored in UTC.
SCHOOL_TIMEZONE = timezone(timedelta(hours=-5))

SCHOOL_NAMES = (
    "Maple Grove Elementary",
    "Riverside Elementary",
    "Cedar Hill Primary",
    "Lakeview Elementary",
    "Willow Creek Elementary",
    "Harbor Point Primary",
    "Sunnyside Elementary",
    "Oak Meadow Elementary",
)

SUBJECTS = (SubjectSpec("math", "Math"), SubjectSpec("literacy", "Literacy"))

GRADE_NAMES = ("Kindergarten", "Grade 1", "Grade 2", "Grade 3")

# Each row: code, child-friendly name, prerequisites, and the words a child
# would use in a goal about it. Codes carry subject and grade. The order is a
# teaching order: every prerequisite comes before the skills that need it.
SKILL_TABLE: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    # Math, kindergarten: counting, comparing, first sums, shapes.
    ("math.k.count20", "Counting to 20", (), "counting"),
    ("math.k.compare10", "Which group has more?", ("math.k.count20",), "comparing"),
    ("math.k.shapes", "Naming shapes", (), "shapes"),
    ("math.k.add5", "Adding within 5", ("math.k.count20",), "adding"),
    ("math.k.add10", "Adding within 10", ("math.k.add5",), "adding"),
    ("math.k.sub10", "Taking away within 10", ("math.k.add5",), "taking away"),
    (
        "math.k.teens",
        "Teen numbers: ten and some more",
        ("math.k.count20",),
        "teen numbers",
    ),
    ("math.k.count100", "Counting to 100", ("math.k.count20",), "counting to 100"),
    # Math, grade 1: facts within 20, tens and ones, length, time.
    ("math.1.add20", "Adding within 20", ("math.k.add10",), "adding within 20"),
    (
        "math.1.sub20",
        "Taking away within 20",
        ("math.k.sub10", "math.1.add20"),
        "taking away within 20",
    ),
    (
        "math.1.count120",
        "Counting to 120",
        ("math.k.count100",),
        "counting big numbers",
    ),
    (
        "math.1.tens_ones",
        "Tens and ones",
        ("math.k.teens", "math.1.count120"),
        "tens and ones",
    ),
    (
        "math.1.compare100",
        "Comparing two-digit numbers",
        ("math.k.compare10", "math.1.tens_ones"),
        "comparing big numbers",
    ),
    (
        "math.1.add_tens",
        "Adding tens",
        ("math.1.add20", "math.1.tens_ones"),
        "adding tens",
    ),
    ("math.1.length", "Measuring with cubes", ("math.k.compare10",), "measuring"),
    (
        "math.1.time_half",
        "Telling time to the half hour",
        ("math.k.count100",),
        "telling time",
    ),
    ("math.1.halves", "Halves and quarters", ("math.k.shapes",), "halves"),
    # Math, grade 2: regrouping within 100, hundreds, money, arrays.
    (
        "math.2.add100",
        "Adding within 100 with regrouping",
        ("math.1.add20", "math.1.add_tens"),
        "adding big numbers",
    ),
    (
        "math.2.sub100",
        "Taking away within 100 with regrouping",
        ("math.1.sub20", "math.2.add100"),
        "taking away big numbers",
    ),
    (
        "math.2.hundreds",
        "Hundreds, tens and ones",
        ("math.1.tens_ones",),
        "hundreds, tens and ones",
    ),
    (
        "math.2.skip_count",
        "Skip counting by 2s, 5s and 10s",
        ("math.1.count120",),
        "skip counting",
    ),
    ("math.2.measure", "Measuring with a ruler", ("math.1.length",), "using a ruler"),
    (
        "math.2.time5",
        "Telling time to 5 minutes",
        ("math.1.time_half", "math.2.skip_count"),
        "telling time",
    ),
    (
        "math.2.money",
        "Counting coins",
        ("math.2.skip_count", "math.2.add100"),
        "counting money",
    ),
    (
        "math.2.arrays",
        "Rows and columns",
        ("math.2.skip_count", "math.1.add20"),
        "rows and columns",
    ),
    (
        "math.2.thirds",
        "Halves, thirds and fourths",
        ("math.1.halves",),
        "sharing shapes fairly",
    ),
    # Math, grade 3: multiplication, within 1000, fractions, area.
    ("math.3.multiply", "Multiplying within 100", ("math.2.arrays",), "times tables"),
    ("math.3.divide", "Sharing equally", ("math.3.multiply",), "dividing"),
    (
        "math.3.add1000",
        "Adding and taking away within 1000",
        ("math.2.sub100", "math.2.hundreds"),
        "really big numbers",
    ),
    ("math.3.rounding", "Rounding to 10 and 100", ("math.2.hundreds",), "rounding"),
    (
        "math.3.fractions",
        "Fractions on a number line",
        ("math.2.thirds", "math.2.measure"),
        "fractions",
    ),
    (
        "math.3.area",
        "Area of rectangles",
        ("math.3.multiply", "math.2.measure"),
        "area",
    ),
    (
        "math.3.time_minute",
        "Telling time to the minute",
        ("math.2.time5",),
        "telling time",
    ),
    (
        "math.3.word_problems",
        "Two-step word problems",
        ("math.3.add1000", "math.3.multiply"),
        "word problems",
    ),
    # Literacy, kindergarten: letters and sounds, rhyme, first words, retelling.
    ("literacy.k.letters", "Naming letters", (), "my letters"),
    (
        "literacy.k.letter_sounds",
        "Letter sounds",
        ("literacy.k.letters",),
        "letter sounds",
    ),
    ("literacy.k.rhyme", "Rhyming words", (), "rhyming"),
    (
        "literacy.k.blending",
        "Blending sounds",
        ("literacy.k.rhyme",),
        "blending sounds",
    ),
    (
        "literacy.k.short_vowels",
        "Short vowels",
        ("literacy.k.letter_sounds",),
        "short vowels",
    ),
    (
        "literacy.k.cvc",
        "Reading words like cat and sun",
        ("literacy.k.short_vowels", "literacy.k.blending"),
        "reading short words",
    ),
    (
        "literacy.k.sight_words",
        "First sight words",
        ("literacy.k.letters",),
        "sight words",
    ),
    ("literacy.k.retell", "Telling a story back", (), "telling stories back"),
    # Literacy, grade 1: digraphs, blends, silent e, reading sentences.
    ("literacy.1.digraphs", "sh, ch and th", ("literacy.k.cvc",), "sh, ch and th"),
    ("literacy.1.blends", "Blends like st and fl", ("literacy.k.cvc",), "blends"),
    (
        "literacy.1.silent_e",
        "Long vowels with silent e",
        ("literacy.1.digraphs",),
        "silent e words",
    ),
    (
        "literacy.1.more_sight_words",
        "More sight words",
        ("literacy.k.sight_words",),
        "sight words",
    ),
    (
        "literacy.1.read_sentences",
        "Reading sentences smoothly",
        ("literacy.k.cvc", "literacy.1.more_sight_words"),
        "reading smoothly",
    ),
    (
        "literacy.1.key_details",
        "Who, what and where",
        ("literacy.k.retell",),
        "remembering what I read",
    ),
    (
        "literacy.1.write_sentence",
        "Writing a sentence",
        ("literacy.k.sight_words", "literacy.k.letter_sounds"),
        "writing sentences",
    ),
    # Literacy, grade 2: vowel teams, two-syllable words, main idea, paragraphs.
    (
        "literacy.2.vowel_teams",
        "Vowel teams like ai, ee and oa",
        ("literacy.1.silent_e",),
        "vowel teams",
    ),
    (
        "literacy.2.bossy_r",
        "Bossy r: ar, or and er",
        ("literacy.1.silent_e",),
        "bossy r words",
    ),
    (
        "literacy.2.two_syllables",
        "Reading two-part words",
        ("literacy.2.vowel_teams", "literacy.1.blends"),
        "reading longer words",
    ),
    (
        "literacy.2.expression",
        "Reading with expression",
        ("literacy.1.read_sentences",),
        "reading with expression",
    ),
    (
        "literacy.2.main_idea",
        "Finding the main idea",
        ("literacy.1.key_details",),
        "finding the main idea",
    ),
    (
        "literacy.2.sequence",
        "First, next and last",
        ("literacy.1.key_details",),
        "putting events in order",
    ),
    (
        "literacy.2.paragraph",
        "Writing a paragraph",
        ("literacy.1.write_sentence",),
        "writing paragraphs",
    ),
    # Literacy, grade 3: word parts, long words, chapter books, inference.
    (
        "literacy.3.prefixes",
        "Prefixes and suffixes",
        ("literacy.2.two_syllables",),
        "word parts",
    ),
    (
        "literacy.3.long_words",
        "Reading long words",
        ("literacy.3.prefixes", "literacy.2.bossy_r"),
        "reading long words",
    ),
    (
        "literacy.3.chapter_books",
        "Reading chapter books smoothly",
        ("literacy.2.expression", "literacy.3.long_words"),
        "reading chapter books",
    ),
    (
        "literacy.3.inference",
        "Reading between the lines",
        ("literacy.2.main_idea",),
        "reading between the lines",
    ),
    (
        "literacy.3.compare_stories",
        "Comparing two stories",
        ("literacy.2.main_idea", "literacy.2.sequence"),
        "comparing stories",
    ),
    (
        "literacy.3.new_words",
        "Working out new words",
        ("literacy.2.two_syllables", "literacy.2.main_idea"),
        "working out new words",
    ),
    (
        "literacy.3.opinion",
        "Writing my opinion",
        ("literacy.2.paragraph",),
        "opinion writing",
    ),
)

VARIANT_LABELS = {
    "buddy": "With a buddy",
    "short": "Shorter version",
    "tablet": "On the tablet",
    "afternoon": "In the afternoon",
    "paper": "On paper",
    "quiet": "At the quiet table",
    "headphones": "With headphones",
    "pictures": "With picture cards",
    "listen": "Listen along",
}

ICONS = (
    "book",
    "blocks",
    "tablet",
    "pencil",
    "people",
    "puzzle",
    "headphones",
    "star",
    "paint",
    "music",
    "abc",
    "123",
)

# Enough clearly different colours that no two activities share one.
PALETTE = (
    "#C3447A",
    "#5B8E7D",
    "#F28F3B",
    "#4F6D7A",
    "#E4572E",
    "#2E86AB",
    "#F6AE2D",
    "#4CB944",
    "#8E44AD",
    "#F26DAE",
    "#1ABC9C",
    "#D35400",
    "#34495E",
    "#C0392B",
    "#7F8C8D",
    "#27AE60",
    "#2980B9",
    "#E67E22",
    "#9B59B6",
    "#16A085",
    "#B8860B",
    "#FF6F61",
    "#6B5B95",
    "#88B04B",
    "#00A5CF",
    "#A0522D",
    "#DA70D6",
    "#3D9970",
)

# Where an activity may run: only in the morning, only in the afternoon, or on
# some days. A specialist splits their day between the younger and older
# grades, so their groups are tied to half days.
MORNING = (0, 1, 2, 3)
AFTERNOON = (4, 5)


@dataclass(frozen=True)
class _ActivityRow:
    """An activity of the catalogue before staff, colour and variants are set.

    ``runner`` names who runs it: ``math_specialist``, ``literacy_specialist``,
    ``teacher<grade>``, or empty for nobody. ``traits`` drive the ratings:
    ``screen``, ``social``, ``hands``, ``quiet``, ``noisy``, ``reading``,
    ``math``, ``music``, ``art``.
    """

    code: str
    name: str
    subject: str
    modality: str
    skills: tuple[str, ...]
    capacity: int | None
    runner: str
    variant_kinds: tuple[str, ...]
    positions: tuple[int, ...] | None
    days: tuple[int, ...] | None
    icon: str
    traits: tuple[str, ...]


ACTIVITY_TABLE = (
    _ActivityRow(
        "sg-number",
        "Number group",
        "math",
        "small_group",
        (
            "math.k.count20",
            "math.k.add10",
            "math.k.sub10",
            "math.k.teens",
            "math.1.add20",
            "math.1.sub20",
        ),
        5,
        "math_specialist",
        ("short", "pictures"),
        MORNING,
        None,
        "123",
        ("math", "social"),
    ),
    _ActivityRow(
        "sg-place-value",
        "Place value group",
        "math",
        "small_group",
        (
            "math.1.tens_ones",
            "math.2.hundreds",
            "math.2.add100",
            "math.2.sub100",
            "math.3.add1000",
        ),
        6,
        "math_specialist",
        ("short", "paper"),
        AFTERNOON,
        None,
        "blocks",
        ("math", "social"),
    ),
    _ActivityRow(
        "sg-times-tables",
        "Times tables group",
        "math",
        "small_group",
        ("math.2.arrays", "math.3.multiply", "math.3.divide", "math.3.word_problems"),
        6,
        "teacher3",
        ("short", "paper", "afternoon"),
        None,
        None,
        "star",
        ("math", "social"),
    ),
    _ActivityRow(
        "sg-phonics",
        "Phonics group",
        "literacy",
        "small_group",
        (
            "literacy.k.letter_sounds",
            "literacy.k.short_vowels",
            "literacy.k.blending",
            "literacy.k.cvc",
            "literacy.1.digraphs",
            "literacy.1.blends",
        ),
        5,
        "literacy_specialist",
        ("short", "pictures"),
        MORNING,
        None,
        "abc",
        ("reading", "social"),
    ),
    _ActivityRow(
        "sg-word-study",
        "Word study group",
        "literacy",
        "small_group",
        (
            "literacy.1.silent_e",
            "literacy.2.vowel_teams",
            "literacy.2.bossy_r",
            "literacy.2.two_syllables",
            "literacy.3.prefixes",
            "literacy.3.long_words",
        ),
        6,
        "literacy_specialist",
        ("short", "paper"),
        AFTERNOON,
        None,
        "puzzle",
        ("reading", "social"),
    ),
    _ActivityRow(
        "sg-guided-reading",
        "Guided reading",
        "literacy",
        "small_group",
        (
            "literacy.1.key_details",
            "literacy.2.main_idea",
            "literacy.2.sequence",
            "literacy.3.inference",
            "literacy.3.compare_stories",
        ),
        6,
        "teacher2",
        ("short", "afternoon"),
        None,
        None,
        "book",
        ("reading", "social", "quiet"),
    ),
    _ActivityRow(
        "table-k-numbers",
        "Number table with my teacher",
        "math",
        "small_group",
        (
            "math.k.count20",
            "math.k.compare10",
            "math.k.add5",
            "math.k.add10",
            "math.k.sub10",
            "math.k.teens",
        ),
        6,
        "teacher0",
        (
            "short",
            "pictures",
        ),
        None,
        None,
        "123",
        (
            "math",
            "social",
        ),
    ),
    _ActivityRow(
        "table-k-letters",
        "Letter table with my teacher",
        "literacy",
        "small_group",
        (
            "literacy.k.letters",
            "literacy.k.letter_sounds",
            "literacy.k.blending",
            "literacy.k.short_vowels",
            "literacy.k.cvc",
        ),
        6,
        "teacher0",
        (
            "short",
            "pictures",
        ),
        None,
        None,
        "abc",
        (
            "reading",
            "social",
        ),
    ),
    _ActivityRow(
        "table-1-numbers",
        "Number table with my teacher",
        "math",
        "small_group",
        (
            "math.k.teens",
            "math.1.add20",
            "math.1.sub20",
            "math.1.tens_ones",
            "math.1.compare100",
            "math.1.add_tens",
        ),
        6,
        "teacher1",
        (
            "short",
            "paper",
        ),
        None,
        None,
        "123",
        (
            "math",
            "social",
        ),
    ),
    _ActivityRow(
        "table-1-words",
        "Word table with my teacher",
        "literacy",
        "small_group",
        (
            "literacy.1.digraphs",
            "literacy.1.blends",
            "literacy.1.silent_e",
            "literacy.1.read_sentences",
            "literacy.1.key_details",
        ),
        6,
        "teacher1",
        (
            "short",
            "pictures",
        ),
        None,
        None,
        "abc",
        (
            "reading",
            "social",
        ),
    ),
    _ActivityRow(
        "table-2-math",
        "Math table with my teacher",
        "math",
        "small_group",
        (
            "math.2.add100",
            "math.2.sub100",
            "math.2.hundreds",
            "math.2.skip_count",
            "math.2.money",
        ),
        6,
        "teacher2",
        (
            "short",
            "paper",
        ),
        None,
        None,
        "blocks",
        (
            "math",
            "social",
        ),
    ),
    _ActivityRow(
        "table-3-reading",
        "Reading table with my teacher",
        "literacy",
        "small_group",
        (
            "literacy.3.prefixes",
            "literacy.3.long_words",
            "literacy.3.chapter_books",
            "literacy.3.inference",
            "literacy.3.new_words",
        ),
        6,
        "teacher3",
        (
            "short",
            "paper",
        ),
        None,
        None,
        "book",
        (
            "reading",
            "social",
            "quiet",
        ),
    ),
    _ActivityRow(
        "online-math",
        "Math practice app",
        "math",
        "online",
        (
            "math.k.count20",
            "math.k.compare10",
            "math.k.add10",
            "math.k.sub10",
            "math.1.add20",
            "math.1.sub20",
            "math.1.compare100",
            "math.2.add100",
            "math.2.sub100",
            "math.2.money",
            "math.3.multiply",
            "math.3.divide",
            "math.3.add1000",
            "math.3.rounding",
        ),
        10,
        "",
        ("short", "paper", "afternoon"),
        None,
        None,
        "tablet",
        ("screen", "math"),
    ),
    _ActivityRow(
        "online-reading",
        "Reading app",
        "literacy",
        "online",
        (
            "literacy.k.letter_sounds",
            "literacy.k.cvc",
            "literacy.k.sight_words",
            "literacy.1.digraphs",
            "literacy.1.silent_e",
            "literacy.1.more_sight_words",
            "literacy.2.vowel_teams",
            "literacy.2.two_syllables",
            "literacy.3.prefixes",
            "literacy.3.new_words",
        ),
        10,
        "",
        ("short", "headphones", "afternoon"),
        None,
        None,
        "headphones",
        ("screen", "reading"),
    ),
    _ActivityRow(
        "math-games",
        "Math games with a partner",
        "math",
        "partner",
        (
            "math.k.compare10",
            "math.k.add10",
            "math.1.add20",
            "math.1.compare100",
            "math.2.skip_count",
            "math.3.multiply",
        ),
        8,
        "",
        ("short", "tablet", "afternoon"),
        None,
        None,
        "puzzle",
        ("social", "math", "noisy"),
    ),
    _ActivityRow(
        "buddy-reading",
        "Buddy reading",
        "literacy",
        "partner",
        (
            "literacy.1.read_sentences",
            "literacy.2.expression",
            "literacy.3.chapter_books",
        ),
        8,
        "",
        ("short", "listen", "afternoon"),
        None,
        None,
        "people",
        ("social", "reading"),
    ),
    _ActivityRow(
        "base-ten",
        "Base-ten blocks",
        "math",
        "hands_on",
        ("math.1.tens_ones", "math.2.hundreds", "math.2.add100", "math.3.rounding"),
        6,
        "",
        ("buddy", "tablet", "short"),
        None,
        None,
        "blocks",
        ("hands", "math"),
    ),
    _ActivityRow(
        "measuring",
        "Measuring station",
        "math",
        "hands_on",
        ("math.1.length", "math.2.measure", "math.3.area", "math.3.fractions"),
        6,
        "",
        ("buddy", "short", "paper"),
        None,
        None,
        "123",
        ("hands", "math"),
    ),
    _ActivityRow(
        "class-shop",
        "Class shop",
        "math",
        "hands_on",
        ("math.2.money", "math.2.add100", "math.2.sub100"),
        4,
        "",
        ("buddy", "tablet"),
        None,
        (1, 3),
        "star",
        ("hands", "social", "math", "noisy"),
    ),
    _ActivityRow(
        "clock-corner",
        "Clock corner",
        "math",
        "hands_on",
        ("math.1.time_half", "math.2.time5", "math.3.time_minute"),
        4,
        "",
        ("buddy", "tablet", "short"),
        None,
        None,
        "puzzle",
        ("hands", "math"),
    ),
    _ActivityRow(
        "letter-tiles",
        "Letter tiles",
        "literacy",
        "hands_on",
        (
            "literacy.k.letters",
            "literacy.k.letter_sounds",
            "literacy.k.cvc",
            "literacy.1.digraphs",
            "literacy.1.silent_e",
        ),
        6,
        "",
        ("buddy", "tablet", "pictures"),
        None,
        None,
        "abc",
        ("hands", "reading"),
    ),
    _ActivityRow(
        "reading-nook",
        "Reading nook",
        "literacy",
        "reading",
        (
            "literacy.1.read_sentences",
            "literacy.2.expression",
            "literacy.3.chapter_books",
        ),
        4,
        "",
        ("short", "listen", "afternoon"),
        None,
        None,
        "book",
        ("quiet", "reading"),
    ),
    _ActivityRow(
        "independent-reading",
        "Independent reading",
        "literacy",
        "reading",
        (
            "literacy.k.sight_words",
            "literacy.1.more_sight_words",
            "literacy.1.read_sentences",
            "literacy.2.expression",
            "literacy.3.chapter_books",
            "literacy.3.new_words",
        ),
        None,
        "",
        ("buddy", "short", "listen", "quiet"),
        None,
        None,
        "book",
        ("quiet", "reading"),
    ),
    _ActivityRow(
        "listening-corner",
        "Listening corner",
        "literacy",
        "reading",
        (
            "literacy.k.retell",
            "literacy.k.rhyme",
            "literacy.1.key_details",
            "literacy.2.sequence",
        ),
        6,
        "",
        ("buddy", "short", "pictures"),
        None,
        None,
        "headphones",
        ("quiet", "reading", "screen"),
    ),
    _ActivityRow(
        "writing-workshop",
        "Writing workshop",
        "literacy",
        "other",
        (
            "literacy.1.write_sentence",
            "literacy.2.paragraph",
            "literacy.3.opinion",
        ),
        None,
        "",
        ("buddy", "short", "tablet", "pictures"),
        None,
        None,
        "pencil",
        ("quiet", "art"),
    ),
    _ActivityRow(
        "shape-art",
        "Shapes and patterns art",
        "math",
        "other",
        ("math.k.shapes", "math.1.halves", "math.2.thirds"),
        8,
        "",
        ("buddy", "short"),
        AFTERNOON,
        None,
        "paint",
        ("art", "hands", "math"),
    ),
    _ActivityRow(
        "counting-songs",
        "Counting songs",
        "math",
        "other",
        (
            "math.k.count20",
            "math.k.count100",
            "math.1.count120",
            "math.2.skip_count",
        ),
        None,
        "",
        ("headphones", "short"),
        None,
        (0, 2, 4),
        "music",
        ("music", "social", "noisy", "math"),
    ),
)

# Each day of the week template has two literacy, two math and two open
# blocks; the patterns keep one block of each subject in the afternoon so that
# afternoon-only activities always have somewhere to go.
DAY_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("literacy", "literacy", "math", "math", "any", "any"),
    ("literacy", "any", "math", "literacy", "math", "any"),
    ("math", "literacy", "literacy", "any", "any", "math"),
    ("literacy", "math", "any", "math", "literacy", "any"),
    ("any", "literacy", "math", "literacy", "any", "math"),
)
BLOCK_STARTS = (
    time(8, 30),
    time(9, 15),
    time(10, 15),
    time(11, 0),
    time(13, 0),
    time(13, 45),
)
BLOCK_MINUTES = (45, 40, 40, 45, 40, 35)
# Fridays end early, so their blocks are shorter.
FRIDAY_MINUTES = (40, 35, 35, 40, 35, 30)
DAY_CODES = ("mon", "tue", "wed", "thu", "fri")

# Default autonomy level per grade; the coach changes it for a few students.
AUTONOMY_BY_GRADE = (1, 1, 2, 3)

# How many practice sessions a student of each grade has in a week.
SESSIONS_PER_WEEK = ((3, 5), (4, 6), (5, 7), (5, 8))

# The reasons a student can tap instead of typing one.
REASON_CODES = (
    "too_hard",
    "too_easy",
    "boring",
    "noisy",
    "people",
    "learn_a_lot",
    "fun",
    "quiet",
)

# How often a student leaves the reason empty, or types a sentence, by grade.
EMPTY_REASON_SHARE = (0.5, 0.35, 0.25, 0.2)
TYPED_REASON_SHARE = (0.0, 0.06, 0.12, 0.2)

# Sentences children typed, each with the activity trait it speaks of (empty
# when it fits any activity), so that nobody praises the blocks of a book.
POSITIVE_SENTENCES = (
    ("I get to build stuff", "hands"),
    ("my best friend sits there", "social"),
    ("I can read by myself", "reading"),
    ("it is like a game", "screen"),
    ("I like the stories", "reading"),
    ("we sing the numbers", "music"),
    ("I am fast at it now", ""),
    ("the teacher helps me", ""),
)
NEGATIVE_SENTENCES = (
    ("it is to loud", "noisy"),
    ("I dont get it", ""),
    ("it takes too long", ""),
    ("the tablet keeps freezing", "screen"),
    ("I want to sit with my friend", "quiet"),
    ("my hand gets tired", "art"),
    ("I already read all the books", "reading"),
)

FREE_GOALS_YOUNG = (
    "I want to write my name",
    "I want to read a book to my family",
    "I want to count really high",
    "I want to be a good helper",
)
FREE_GOALS_OLD = (
    "I want to finish my work before lunch",
    "I want to read a whole chapter book",
    "I want to be a good partner",
    "I want to try the hard problems",
    "I want to keep going when it is noisy",
    "I want to read to my little brother",
    "I want to check my work",
)

# Class-wide must-dos a teacher might set, by grade, with the usual count.
MUST_DO_CHOICES: tuple[tuple[tuple[str, int], ...], ...] = (
    (
        ("listening-corner", 2),
        ("letter-tiles", 2),
        ("independent-reading", 2),
        ("counting-songs", 1),
    ),
    (
        ("online-reading", 2),
        ("independent-reading", 3),
        ("writing-workshop", 2),
        ("online-math", 2),
    ),
    (
        ("online-math", 2),
        ("independent-reading", 3),
        ("writing-workshop", 2),
        ("buddy-reading", 1),
    ),
    (
        ("online-math", 2),
        ("independent-reading", 3),
        ("writing-workshop", 3),
        ("clock-corner", 1),
    ),
)


@dataclass(frozen=True)
class _Origin:
    """A naming tradition: names for children, adults and families.

    ``spanish_home`` is the share of families who want the family view in
    Spanish.
    """

    weight: float
    children: tuple[str, ...]
    adults: tuple[str, ...]
    surnames: tuple[str, ...]
    spanish_home: float


ORIGINS = (
    _Origin(
        0.30,
        ("Emma", "Liam", "Olivia", "Noah", "Ava", "Mason", "Harper", "Ethan")
        + ("Lily", "Jack", "Grace", "Owen", "Ella", "Henry", "Nora", "Zoë"),
        ("Sarah", "Michael", "Jennifer", "David", "Laura", "James", "Karen", "Brian"),
        ("Smith", "Johnson", "Brown", "Walker", "Miller", "Taylor", "Clark")
        + ("Hughes", "Bennett", "Foster", "O'Brien", "Murphy"),
        0.0,
    ),
    _Origin(
        0.28,
        ("José", "Sofía", "Mateo", "Valentina", "Santiago", "Camila", "Ángel")
        + ("Lucía", "Diego", "Ximena", "Inés", "Joaquín", "María", "Andrés"),
        ("Carmen", "Alejandro", "Rosa", "Miguel", "Guadalupe", "Javier", "Mónica"),
        ("García", "Hernández", "López", "Martínez", "Sánchez", "Núñez")
        + ("Ramírez", "Peña", "Ibáñez", "Torres", "Flores", "Rodríguez"),
        0.85,
    ),
    _Origin(
        0.08,
        ("An", "Minh", "Linh", "Bảo", "Thảo", "Huy", "Khánh", "Vy"),
        ("Hương", "Tuấn", "Lan", "Dũng"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Võ"),
        0.0,
    ),
    _Origin(
        0.06,
        ("Björn", "Søren", "Astrid", "Jonas", "Freya", "Lukas", "Mia", "Elin"),
        ("Ingrid", "Lars", "Katrin", "Jürgen"),
        ("Müller", "Larsen", "Johansson", "Schäfer", "Østergaard", "Berg"),
        0.0,
    ),
    _Origin(
        0.06,
        ("Łukasz", "Zofia", "Kacper", "Jakub", "Wiktoria", "Oliwia"),
        ("Małgorzata", "Piotr", "Agnieszka", "Tomasz"),
        ("Nowak", "Wójcik", "Mazur", "Zając"),
        0.0,
    ),
    _Origin(
        0.06,
        ("Aïsha", "Omar", "Yusuf", "Amira", "Layla", "Karim", "Zainab", "Idris"),
        ("Fatima", "Ahmed", "Nour", "Samir"),
        ("Haddad", "Khalil", "Mansour", "Saleh"),
        0.0,
    ),
    _Origin(
        0.05,
        ("Chidi", "Ngozi", "Emeka", "Adaeze", "Tobi", "Ife"),
        ("Chiamaka", "Obinna", "Folake", "Tunde"),
        ("Okafor", "Adeyemi", "Eze", "Balogun"),
        0.0,
    ),
    _Origin(
        0.06,
        ("Aarav", "Priya", "Rohan", "Ananya", "Ishaan", "Meera", "Kabir", "Diya"),
        ("Sunita", "Rajesh", "Deepa", "Vikram"),
        ("Patel", "Sharma", "Iyer", "Reddy"),
        0.0,
    ),
    _Origin(
        0.07,
        ("Hana", "Yuki", "Ren", "Jiwoo", "Minjun", "Mei", "Wei", "Sora"),
        ("Soo-jin", "Hiroshi", "Li", "Ying"),
        ("Kim", "Park", "Tanaka", "Chen", "Wang", "Sato"),
        0.0,
    ),
    _Origin(
        0.04,
        ("Chloé", "Maëlle", "Noé", "Léa", "Théo", "Zoé"),
        ("Élodie", "François", "Hélène", "Olivier"),
        ("Dubois", "Lefèvre", "Moreau", "Girard"),
        0.03,
    ),
)

# Letters that Unicode does not split into a base letter and an accent.
_TRANSLITERATION = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"}
)


# --- Entry point -----------------------------------------------------------------


def generate_demo_school(seed: int = 1) -> DemoSchool:
    """Build the demo school for ``seed``; the same seed gives the same school."""
    rng = random.Random(seed)
    skills = build_skills()
    by_code = {skill.code: skill for skill in skills}
    # Knowledge is drawn prerequisites first, so walk the skills in that order.
    teaching_order = tuple(by_code[code] for code in check_prerequisites(skills))
    skill_params = _draw_skill_params(rng, skills)

    staff = _build_staff(rng)
    classrooms = _build_classrooms(rng, staff)
    taken = {member.username for member in staff}
    students, guardians = _build_students_and_guardians(rng, classrooms, taken)
    blocks = _build_blocks(rng)
    activities = _build_activities(rng, staff, classrooms, blocks)

    evidence: list[EvidenceSpec] = []
    hidden: list[HiddenState] = []
    preferences: list[PreferenceSpec] = []
    goals: list[GoalSpec] = []
    for student in students:
        known = _simulate_student(
            rng, student, teaching_order, skill_params, blocks, evidence
        )
        hidden.extend(
            HiddenState(student.code, skill.code, known[skill.code])
            for skill in skills
            if skill.code in known
        )
        preferences.extend(_rate_activities(rng, student, activities, skills, known))
        goals.extend(_set_goals(rng, student, skills, known))

    return DemoSchool(
        name=rng.choice(SCHOOL_NAMES),
        subjects=SUBJECTS,
        skills=skills,
        staff=staff,
        classrooms=classrooms,
        students=students,
        guardians=guardians,
        activities=activities,
        blocks=blocks,
        evidence=tuple(evidence),
        preferences=tuple(preferences),
        goals=tuple(goals),
        must_dos=_build_must_dos(rng, classrooms),
        hidden_mastery=tuple(hidden),
        password=DEMO_PASSWORD,
    )


# --- Skills ------------------------------------------------------------------------


def build_skills() -> tuple[SkillSpec, ...]:
    """Build the K–3 math and literacy skills from the fixed table."""
    return tuple(
        SkillSpec(
            code=code,
            subject=code.split(".")[0],
            grade=_grade_of(code),
            name=name,
            prerequisites=prerequisites,
        )
        for code, name, prerequisites, _goal in SKILL_TABLE
    )


def check_prerequisites(skills: Sequence[SkillSpec]) -> tuple[str, ...]:
    """Check the prerequisite graph and return skill codes in a teaching order.

    Every prerequisite must be a known skill of the same subject and of the
    same grade or below, and the graph must have no cycle; otherwise raise
    ValueError naming the skills at fault.
    """
    by_code = {skill.code: skill for skill in skills}
    for skill in skills:
        for code in skill.prerequisites:
            prerequisite = by_code.get(code)
            if prerequisite is None:
                raise ValueError(f"{skill.code} needs unknown skill {code}")
            if prerequisite.subject != skill.subject:
                raise ValueError(f"{skill.code} needs {code} of another subject")
            if prerequisite.grade > skill.grade:
                raise ValueError(f"{skill.code} needs {code} of a later grade")

    # Kahn's algorithm in table order, so the order returned is stable.
    waiting = {skill.code: len(set(skill.prerequisites)) for skill in skills}
    unlocks: dict[str, list[str]] = {skill.code: [] for skill in skills}
    for skill in skills:
        for code in dict.fromkeys(skill.prerequisites):
            unlocks[code].append(skill.code)
    ready = [skill.code for skill in skills if waiting[skill.code] == 0]
    order: list[str] = []
    while ready:
        code = ready.pop(0)
        order.append(code)
        for later in unlocks[code]:
            waiting[later] -= 1
            if waiting[later] == 0:
                ready.append(later)
    if len(order) != len(skills):
        stuck = sorted(code for code, count in waiting.items() if count > 0)
        raise ValueError(f"prerequisites form a cycle among: {', '.join(stuck)}")
    return tuple(order)


@dataclass(frozen=True)
class _SkillParams:
    """Hidden knowledge-tracing parameters of one skill.

    ``prior`` is the chance of knowing the skill before practice for a student
    of the skill's own grade who knows its prerequisites.
    """

    prior: float
    learn: float
    guess: float
    slip: float


def _draw_skill_params(
    rng: random.Random, skills: Sequence[SkillSpec]
) -> dict[str, _SkillParams]:
    """Draw plausible hidden parameters for every skill."""
    return {
        skill.code: _SkillParams(
            prior=round(rng.uniform(0.1, 0.35), 3),
            learn=round(rng.uniform(0.03, 0.1), 3),
            guess=round(rng.uniform(0.1, 0.3), 3),
            slip=round(rng.uniform(0.04, 0.15), 3),
        )
        for skill in skills
    }


def _grade_of(code: str) -> int:
    """Read the grade from a skill code such as ``math.k.count20``."""
    part = code.split(".")[1]
    return 0 if part == "k" else int(part)


# --- People ------------------------------------------------------------------------


def _build_staff(rng: random.Random) -> tuple[StaffSpec, ...]:
    """Build a leader, two coaches, four class teachers and two specialists.

    The class teachers come in grade order and the two specialists (math, then
    literacy) last, which the rest of the generator relies on.
    """
    roles = ("leader", "coach", "coach") + ("teacher",) * 6
    taken: set[str] = set()
    # Staff are told apart by first and by last name alike.
    used_names: set[str] = set()
    staff: list[StaffSpec] = []
    for role in roles:
        while True:
            origin = _pick_origin(rng)
            first, last = rng.choice(origin.adults), rng.choice(origin.surnames)
            if first not in used_names and last not in used_names:
                break
        used_names.update((first, last))
        username = _claim(f"{_ascii(first)}.{_ascii(last)}", taken)
        staff.append(StaffSpec(username, first, last, role))
    return tuple(staff)


def _build_classrooms(
    rng: random.Random, staff: Sequence[StaffSpec]
) -> tuple[ClassroomSpec, ...]:
    """Build one classroom per grade; each coach looks after two of them."""
    coaches = [member.username for member in staff if member.role == "coach"]
    teachers = [member.username for member in staff if member.role == "teacher"]
    rooms = sorted(rng.sample(range(1, 19), 4))
    return tuple(
        ClassroomSpec(
            code=f"room-{room}",
            name=f"{GRADE_NAMES[grade]} — Room {room}",
            grade=grade,
            teacher=teachers[grade],
            coach=coaches[grade // 2],
        )
        for grade, room in enumerate(rooms)
    )


@dataclass
class _Family:
    """A family while students are being placed: one guardian, its children."""

    origin: _Origin
    surname: str
    grades: list[int]


def _build_students_and_guardians(
    rng: random.Random, classrooms: Sequence[ClassroomSpec], taken: set[str]
) -> tuple[tuple[StudentSpec, ...], tuple[GuardianSpec, ...]]:
    """Build 20 to 24 students per classroom and a guardian per family.

    Some families have children in two grades; their guardian is shared. The
    usernames in ``taken`` are avoided and the new ones added to it.
    """
    sizes = [rng.randint(20, 24) for _ in classrooms]
    open_seats = list(sizes)
    families: list[_Family] = []
    for grade in range(len(classrooms)):
        while open_seats[grade] > 0:
            origin = _pick_origin(rng)
            family = _Family(origin, rng.choice(origin.surnames), [grade])
            open_seats[grade] -= 1
            older = [g for g in range(grade + 1, len(classrooms)) if open_seats[g]]
            if older and rng.random() < 0.15:
                sibling_grade = rng.choice(older)
                family.grades.append(sibling_grade)
                open_seats[sibling_grade] -= 1
            families.append(family)

    # Name every child; no two children share a full name, so siblings never
    # share a first name and a register never lists the same name twice.
    named: list[tuple[str, str, int, int]] = []
    full_names: set[tuple[str, str]] = set()
    for index, family in enumerate(families):
        surnames = [family.surname] + rng.sample(
            family.origin.surnames, len(family.origin.surnames)
        )
        for surname in surnames:
            free = [
                first
                for first in family.origin.children
                if (first, surname) not in full_names
            ]
            if len(free) >= len(family.grades):
                break
        else:
            raise ValueError("the name lists are too short for this many students")
        family.surname = surname
        for grade, first in zip(
            family.grades, rng.sample(free, len(family.grades)), strict=True
        ):
            full_names.add((first, surname))
            named.append((first, surname, grade, index))

    # Within a classroom, list students by name as a register would.
    named.sort(key=lambda row: (row[2], row[1].casefold(), row[0].casefold(), row[3]))
    students: list[StudentSpec] = []
    children_of: list[list[str]] = [[] for _ in families]
    for number, (first, last, grade, family_index) in enumerate(named, start=1):
        code = f"s{number:03d}"
        children_of[family_index].append(code)
        students.append(
            StudentSpec(
                code=code,
                username=_student_username(first, last, taken),
                first_name=first,
                last_name=last,
                grade=grade,
                classroom=classrooms[grade].code,
                autonomy=_autonomy(rng, grade),
            )
        )

    guardians: list[GuardianSpec] = []
    for family, children in zip(families, children_of, strict=True):
        first = rng.choice(family.origin.adults)
        spanish = rng.random() < family.origin.spanish_home
        guardians.append(
            GuardianSpec(
                username=_claim(f"{_ascii(first)}.{_ascii(family.surname)}", taken),
                first_name=first,
                last_name=family.surname,
                language="es" if spanish else "en",
                children=tuple(children),
            )
        )
    return tuple(students), tuple(guardians)


def _autonomy(rng: random.Random, grade: int) -> int:
    """Return the grade's usual autonomy level, moved by one for a few students.

    Kindergarten children always choose from offered options.
    """
    usual = AUTONOMY_BY_GRADE[grade]
    if grade == 0 or rng.random() >= 0.1:
        return usual
    if usual != 2:
        return 2
    return rng.choice((1, 3))


def _pick_origin(rng: random.Random) -> _Origin:
    """Pick a naming tradition with the school's mix of families."""
    return rng.choices(ORIGINS, weights=[origin.weight for origin in ORIGINS])[0]


def _ascii(text: str) -> str:
    """Fold a name to lowercase ASCII letters and digits for a username."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    return "".join(c for c in decomposed.lower() if c.isascii() and c.isalnum())


def _claim(wanted: str, taken: set[str]) -> str:
    """Return ``wanted``, or it with the first free number, and mark it taken."""
    username = wanted
    number = 2
    while username in taken:
        username = f"{wanted}{number}"
        number += 1
    taken.add(username)
    return username


def _student_username(first: str, last: str, taken: set[str]) -> str:
    """Return ``first.l``, using more of the last name only to stay unique."""
    first_part, last_part = _ascii(first), _ascii(last)
    for length in range(1, len(last_part) + 1):
        candidate = f"{first_part}.{last_part[:length]}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    return _claim(f"{first_part}.{last_part}", taken)


# --- Week and activities ---------------------------------------------------------------


def _build_blocks(rng: random.Random) -> tuple[BlockSpec, ...]:
    """Build a week template of five days with six blocks each."""
    blocks: list[BlockSpec] = []
    for day, day_code in enumerate(DAY_CODES):
        subjects = rng.choice(DAY_PATTERNS)
        minutes = FRIDAY_MINUTES if day == 4 else BLOCK_MINUTES
        for position, start in enumerate(BLOCK_STARTS):
            blocks.append(
                BlockSpec(
                    code=f"{day_code}-{position + 1}",
                    day=day,
                    start=start,
                    minutes=minutes[position],
                    subject=subjects[position],
                )
            )
    return tuple(blocks)


def _build_activities(
    rng: random.Random,
    staff: Sequence[StaffSpec],
    classrooms: Sequence[ClassroomSpec],
    blocks: Sequence[BlockSpec],
) -> tuple[ActivitySpec, ...]:
    """Build the activity catalogue with staff, variants, blocks and colours."""
    specialists = [member.username for member in staff if member.role == "teacher"]
    runners = {
        "": None,
        "math_specialist": specialists[-2],
        "literacy_specialist": specialists[-1],
    }
    # What a class teacher runs is for their own class only.
    own_class: dict[str, str] = {}
    for classroom in classrooms:
        runners[f"teacher{classroom.grade}"] = classroom.teacher
        own_class[f"teacher{classroom.grade}"] = classroom.code
    colours = rng.sample(PALETTE, len(ACTIVITY_TABLE))

    activities: list[ActivitySpec] = []
    for row, colour in zip(ACTIVITY_TABLE, colours, strict=True):
        count = rng.randint(2, min(3, len(row.variant_kinds)))
        kinds = sorted(
            rng.sample(row.variant_kinds, count), key=row.variant_kinds.index
        )
        activities.append(
            ActivitySpec(
                code=row.code,
                name=row.name,
                subject=row.subject,
                modality=row.modality,
                skills=row.skills,
                capacity=row.capacity,
                staff=runners[row.runner],
                variants=tuple(
                    VariantSpec(f"{row.code}.{kind}", VARIANT_LABELS[kind])
                    for kind in kinds
                ),
                blocks=_allowed_blocks(row, blocks),
                icon=row.icon,
                colour=colour,
                classroom=own_class.get(row.runner),
            )
        )
    return tuple(activities)


def _allowed_blocks(
    row: _ActivityRow, blocks: Sequence[BlockSpec]
) -> tuple[str, ...] | None:
    """Return the blocks a restricted activity may use, or None if unrestricted.

    Only blocks that also fit the activity's subject are listed, so the list
    says exactly where the activity can go.
    """
    if row.positions is None and row.days is None:
        return None
    allowed = tuple(
        block.code
        for block in blocks
        if block.subject in (row.subject, "any")
        and (row.positions is None or BLOCK_STARTS.index(block.start) in row.positions)
        and (row.days is None or block.day in row.days)
    )
    if not allowed:
        raise ValueError(f"activity {row.code} fits no block of the week")
    return allowed


def _build_must_dos(
    rng: random.Random, classrooms: Sequence[ClassroomSpec]
) -> tuple[MustDoSpec, ...]:
    """Give each classroom two or three class-wide must-dos."""
    must_dos: list[MustDoSpec] = []
    for classroom in classrooms:
        choices = MUST_DO_CHOICES[classroom.grade]
        picked = sorted(rng.sample(range(len(choices)), rng.randint(2, 3)))
        for index in picked:
            activity, at_least = choices[index]
            must_dos.append(MustDoSpec(classroom.code, activity, at_least))
    return tuple(must_dos)


# --- Evidence ------------------------------------------------------------------------


def _simulate_student(
    rng: random.Random,
    student: StudentSpec,
    skills: Sequence[SkillSpec],
    params: dict[str, _SkillParams],
    blocks: Sequence[BlockSpec],
    evidence: list[EvidenceSpec],
) -> dict[str, bool]:
    """Simulate six weeks of practice, appending to ``evidence``.

    Return whether the student knows each skill of their grade and below at
    the end. Each skill follows a hidden knowledge-tracing process: an answer
    is right with probability 1 - slip when the skill is known and guess when
    it is not, and after each answer an unknown skill becomes known with
    probability learn.
    """
    band = [skill for skill in skills if skill.grade <= student.grade]
    known = _initial_knowledge(rng, student, band, params)

    first_monday = EVIDENCE_END - timedelta(weeks=EVIDENCE_WEEKS)
    low, high = SESSIONS_PER_WEEK[student.grade]
    for week in range(EVIDENCE_WEEKS):
        # Sessions go in distinct blocks, taken in time order, so that each
        # answer is simulated after every answer that came before it.
        chosen = sorted(rng.sample(range(len(blocks)), rng.randint(low, high)))
        for block_index in chosen:
            block = blocks[block_index]
            candidates = [
                skill for skill in band if block.subject in (skill.subject, "any")
            ]
            weights = [_practice_weight(skill, student, known) for skill in candidates]
            skill = rng.choices(candidates, weights=weights)[0]
            skill_params = params[skill.code]

            if rng.random() < 0.12:
                source, items = "teacher-check", rng.randint(3, 4)
            elif skill.subject == "math":
                source, items = "mathpractice", rng.randint(5, 9)
            else:
                source, items = "readingapp", rng.randint(5, 9)

            local_day = (first_monday + timedelta(days=7 * week + block.day)).date()
            wall_clock = datetime.combine(local_day, block.start, SCHOOL_TIMEZONE)
            moment = wall_clock.astimezone(UTC) + timedelta(minutes=rng.randint(2, 10))
            for number in range(1, items + 1):
                knows = known[skill.code]
                right_chance = 1 - skill_params.slip if knows else skill_params.guess
                correct = rng.random() < right_chance
                if source == "teacher-check":
                    item = f"{skill.code}/check-{number}"
                else:
                    item = f"{skill.code}/q{rng.randint(1, 40):02d}"
                evidence.append(
                    EvidenceSpec(
                        student.code, skill.code, correct, moment, source, item
                    )
                )
                if not knows and rng.random() < skill_params.learn:
                    known[skill.code] = True
                moment += timedelta(seconds=rng.randint(25, 90))
    return known


def _initial_knowledge(
    rng: random.Random,
    student: StudentSpec,
    band: Sequence[SkillSpec],
    params: dict[str, _SkillParams],
) -> dict[str, bool]:
    """Draw what the student knows before the six weeks, in teaching order.

    A skill whose prerequisites are not all known is rarely known; otherwise
    skills of earlier grades are likely known and the student's general
    strength shifts every chance.
    """
    strength = max(-2.0, min(2.0, rng.gauss(0.0, 1.0)))
    below_grade = {1: 0.75, 2: 0.88, 3: 0.94}
    known: dict[str, bool] = {}
    for skill in band:
        if not all(known[code] for code in skill.prerequisites):
            chance = 0.03
        else:
            gap = student.grade - skill.grade
            base = params[skill.code].prior if gap == 0 else below_grade[gap]
            chance = _logistic(_logit(base) + 0.8 * strength)
        known[skill.code] = rng.random() < chance
    return known


def _practice_weight(
    skill: SkillSpec, student: StudentSpec, known: dict[str, bool]
) -> float:
    """Weigh how likely a skill is picked for the next practice session.

    Practice programs and teachers favour skills the student is ready for,
    review known skills now and then, and sometimes try grade-level work the
    student is not ready for.
    """
    gap = student.grade - skill.grade
    if known[skill.code]:
        return 0.2 / (1 + gap)
    if all(known[code] for code in skill.prerequisites):
        return 4.0 if gap == 0 else 3.0
    return 0.3 if gap == 0 else 0.1


def _logit(p: float) -> float:
    """Return the log-odds of a probability."""
    return math.log(p / (1 - p))


def _logistic(x: float) -> float:
    """Return the probability of some log-odds."""
    return 1 / (1 + math.exp(-x))


# --- Voice -------------------------------------------------------------------------


def _rate_activities(
    rng: random.Random,
    student: StudentSpec,
    activities: Sequence[ActivitySpec],
    skills: Sequence[SkillSpec],
    known: dict[str, bool],
) -> list[PreferenceSpec]:
    """Rate most activities offered to the student, from tastes and difficulty.

    Each student has tastes (screens, company, quiet, making things …); an
    activity whose skills are beyond them feels too hard, one whose skills
    they all know feels too easy.
    """
    tastes = {
        trait: rng.gauss(0.0, 0.55)
        for trait in ("screen", "social", "hands", "quiet")
        + ("reading", "math", "music", "art")
    }
    grade_of = {skill.code: skill.grade for skill in skills}
    prerequisites = {skill.code: skill.prerequisites for skill in skills}
    rows = {row.code: row for row in ACTIVITY_TABLE}

    preferences: list[PreferenceSpec] = []
    for activity in activities:
        # Only skills of the student's grade and the one before count: an
        # activity that works on none of them is not offered to the student.
        own = [
            code
            for code in activity.skills
            if student.grade - 1 <= grade_of[code] <= student.grade
        ]
        if activity.skills and not own:
            continue
        # A card or two is always left unanswered.
        if rng.random() < 0.15:
            continue
        traits = rows[activity.code].traits
        out_of_reach = [
            code
            for code in own
            if not known[code] and not all(known[p] for p in prerequisites[code])
        ]
        hard = bool(own) and len(out_of_reach) * 2 > len(own)
        easy = bool(own) and all(known[code] for code in own)

        score = 0.7 + sum(tastes[t] for t in traits if t in tastes)
        if "noisy" in traits and tastes["quiet"] > 0.3:
            score -= 0.8
        if hard:
            score -= 0.9
        elif easy:
            score -= 0.3
        score += rng.gauss(0.0, 0.5)
        rating = max(-1, min(2, math.floor(score + 0.5)))
        reason = _pick_reason(rng, student.grade, rating, traits, tastes, hard, easy)
        preferences.append(PreferenceSpec(student.code, activity.code, rating, reason))
    return preferences


def _pick_reason(
    rng: random.Random,
    grade: int,
    rating: int,
    traits: tuple[str, ...],
    tastes: dict[str, float],
    hard: bool,
    easy: bool,
) -> str:
    """Pick a reason that fits the rating: a code, a typed sentence, or none."""
    roll = rng.random()
    if roll < EMPTY_REASON_SHARE[grade]:
        return ""
    if roll > 1 - TYPED_REASON_SHARE[grade]:
        sentences = POSITIVE_SENTENCES if rating > 0 else NEGATIVE_SENTENCES
        return rng.choice(
            [text for text, trait in sentences if not trait or trait in traits]
        )

    if rating > 0:
        codes = ["fun"]
        if not easy:
            codes.append("learn_a_lot")
        if "quiet" in traits:
            codes.append("quiet")
        if "social" in traits and tastes["social"] > 0:
            codes.append("people")
    else:
        codes = ["boring"]
        if hard:
            codes.append("too_hard")
        if easy:
            codes.append("too_easy")
        if "noisy" in traits and tastes["quiet"] > 0:
            codes.append("noisy")
    # The reason that explains the rating best is named most often.
    return codes[-1] if rng.random() < 0.5 else rng.choice(codes)


def _set_goals(
    rng: random.Random,
    student: StudentSpec,
    skills: Sequence[SkillSpec],
    known: dict[str, bool],
) -> list[GoalSpec]:
    """Set one to three goals, mostly about a skill the student is ready for."""
    phrase_of = {code: phrase for code, _name, _pre, phrase in SKILL_TABLE}
    ready = [
        skill
        for skill in skills
        if skill.grade <= student.grade
        and not known[skill.code]
        and all(known[code] for code in skill.prerequisites)
    ]
    count = rng.randint(1, 1 + student.grade // 2 + (student.grade == 3))
    goals: list[GoalSpec] = []
    used: list[str] = []
    for _ in range(count):
        if ready and rng.random() < 0.75:
            skill = rng.choice(ready)
            ready.remove(skill)
            text = f"I want to get better at {phrase_of[skill.code]}"
            if text not in used:
                used.append(text)
                goals.append(GoalSpec(student.code, text, skill.code))
            continue
        pool = FREE_GOALS_YOUNG if student.grade < 2 else FREE_GOALS_OLD
        text = rng.choice(pool)
        if text not in used:
            used.append(text)
            goals.append(GoalSpec(student.code, text, None))
    return goals
