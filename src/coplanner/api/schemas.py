"""What the API reads and answers: one schema per thing, in the glossary's words."""

import datetime
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, Strict, StringConstraints

from coplanner.mastery.models import Band
from coplanner.planning.models import PlanStatus
from coplanner.voice.models import Rating, Reason

# The largest id a database row can have (a 64-bit key).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# In a JSON body, a number must be a number and a flag true or false: "1"
# or 1 for true is a mistake to point out, not to guess at. (Query and
# path values are text, so they are read from text.)
BodyId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
BodyFlag = Annotated[bool, Strict()]
BodyNumber = Annotated[float, Strict()]
# Text a database can hold: no NUL character.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
# The start of an ISO 8601 date: pydantic alone would also read a number
# (0, "1700000000") as a Unix time, which no integration means.
ISO_DATE_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value
    if not isinstance(value, str) or not ISO_DATE_START.match(value):
        raise ValueError(
            "Write it in ISO 8601, such as 2024-09-03 or 2024-09-03T10:15:00Z"
        )
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_only)]
IsoDateTime = Annotated[datetime.datetime, BeforeValidator(_iso_only)]
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_BATCH = 10_000


class Paging(Schema):
    """Which part of a list to answer: ``limit`` items from ``offset``."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_ID)


class PageMeta(Schema):
    count: int = Field(description="How many items the whole list has.")
    limit: int
    offset: int


# --- Rosters -----------------------------------------------------------------


class DistrictOut(Schema):
    id: int
    name: str
    slug: str
    source_id: str


class SchoolOut(Schema):
    id: int
    name: str
    slug: str
    source_id: str
    district: DistrictOut | None


class ClassroomOut(Schema):
    id: int
    code: str
    name: str
    grade: int = Field(description="0 is kindergarten, -1 pre-kindergarten.")
    source_id: str
    teacher_ids: list[int]
    coach_id: int | None
    week_template_id: int | None


class ClassroomPage(PageMeta):
    items: list[ClassroomOut]


class StudentOut(Schema):
    id: int
    code: str = Field(description="The school's identifier for the student.")
    first_name: str
    last_name: str
    grade: int
    classroom_id: int | None
    autonomy: int = Field(description="1 choose, 2 arrange, 3 draft.")
    source_id: str


class StudentPage(PageMeta):
    items: list[StudentOut]


class StaffOut(Schema):
    id: int
    display_name: str
    role: Literal["coach", "teacher", "leader"]
    source_id: str
    classroom_ids: list[int] = Field(description="The classrooms they teach.")
    coached_classroom_ids: list[int]


class StaffPage(PageMeta):
    items: list[StaffOut]


# --- Skills and activities ----------------------------------------------------


class SkillOut(Schema):
    id: int
    code: str
    name: str
    subject: str = Field(description="The subject's code.")
    grade: int | None
    parent_id: int | None
    source_id: str
    prerequisite_ids: list[int] = Field(
        description="Skills to master before this one is ready to learn."
    )


class SkillPage(PageMeta):
    items: list[SkillOut]


class ActivityOut(Schema):
    id: int
    code: str
    name: str
    subject: str
    modality: str
    classroom_id: int | None = Field(
        description="The one classroom it is for; null for the whole school."
    )
    skill_ids: list[int]


class ActivityPage(PageMeta):
    items: list[ActivityOut]


# --- Mastery -------------------------------------------------------------------


class EstimateOut(Schema):
    student_id: int
    skill_id: int
    band: Band
    probability: float = Field(ge=0, le=1)
    observations: int
    last_evidence_at: datetime.datetime | None


class EstimatePage(PageMeta):
    items: list[EstimateOut]


class EstimateFilters(Paging):
    student: Id | None = None
    skill: Id | None = None
    classroom: Id | None = None


# --- Plans ----------------------------------------------------------------------


class BlockOut(Schema):
    id: int
    code: str
    day: int = Field(description="0 is Monday.")
    start: str = Field(description="HH:MM, the school's local time.")
    minutes: int


class SlotOut(Schema):
    block: BlockOut
    activity_id: int
    activity_code: str
    activity_name: str
    variant_id: int | None
    variant_label: str | None
    reasons: list[str]


class PlanOut(Schema):
    id: int
    student_id: int
    week_start: datetime.date = Field(description="The Monday of the week.")
    status: PlanStatus
    version: int = Field(description="The number of the current version.")
    updated_at: datetime.datetime
    slots: list[SlotOut]


class PlanPage(PageMeta):
    items: list[PlanOut]


class PlanFilters(Paging):
    student: Id | None = None
    classroom: Id | None = None
    week: IsoDate | None = Field(
        None, description="Any day of the week; this week by default."
    )


# --- Evidence in ---------------------------------------------------------------


class EvidenceIn(Schema):
    """One observation: ``correct`` for an item response, or ``score`` (with ``max``)."""

    student: Text = Field(description="The student's code (or username).")
    skill: Text = Field(description="The skill's code.")
    correct: BodyFlag | None = Field(
        None, description="Right or wrong; for a response."
    )
    score: BodyNumber | None = Field(
        None,
        description="A score: with max, score / max must lie in [0, 1]; "
        "without, the score itself.",
    )
    max: BodyNumber | None = None
    observed_at: IsoDateTime = Field(
        description="ISO 8601; without a zone, the school's local time."
    )
    item: Text = Field("", description="The question or task within the source.")


class EvidenceBatchIn(Schema):
    source: Text | None = Field(
        None,
        description="The system the evidence comes from; the token's name by default.",
    )
    rows: list[EvidenceIn] = Field(min_length=1, max_length=MAX_BATCH)
    dry_run: BodyFlag = Field(False, description="Check everything, write nothing.")
    refit: BodyFlag = Field(
        False, description="Refit the school's mastery estimates after adding evidence."
    )


class EvidenceReport(Schema):
    source: str
    received: int = Field(description="Rows or statements sent.")
    new: int
    held: int = Field(description="Already held from this source: skipped.")
    dry_run: bool
    mastery_refitted: bool


class StatementOptions(Schema):
    source: Text | None = Field(
        None, description="Names the evidence's source; the token's name by default."
    )
    dry_run: bool = False
    refit: bool = False


# An xAPI statement is read by coplanner's own reader, which reports every
# problem by statement; the schema only says it is an object.
Statement = dict[str, Any]


# --- Preferences ----------------------------------------------------------------


class PreferenceIn(Schema):
    activity_id: BodyId
    rating: Annotated[int, Strict()] = Field(
        ge=int(Rating.DONT_LIKE),
        le=int(Rating.LOVE),
        description="-1 don't like, 0 okay, 1 like, 2 love.",
    )
    reason: Reason | Literal[""] = ""
    reason_text: Annotated[Text, StringConstraints(max_length=500)] = ""


class PreferenceOut(Schema):
    student_id: int
    activity_id: int
    rating: int
    reason: str
    reason_text: str
    answered_at: datetime.datetime
    changed: bool = Field(description="False when it repeats the current answer.")


class PreferenceRecordOut(Schema):
    activity_id: int
    rating: int
    reason: str
    reason_text: str
    answered_at: datetime.datetime


class PreferencePage(PageMeta):
    items: list[PreferenceRecordOut]
