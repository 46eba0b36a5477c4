"""Glyphs for the voice pages: activity icons, faces, reasons, focus aids, goals.

An activity's ``icon`` is a short name; pages show it as an emoji with the
activity's name beside it in words, so the glyph only ever adds to the text.
"""

from django import template

from coplanner.voice.models import FocusAid, GoalProgress, Rating, Reason, SelfView

register = template.Library()

# Every icon name the demo school and the admin pages use.
ICON_GLYPHS = {
    "book": "📖",
    "blocks": "🧱",
    "tablet": "📱",
    "pencil": "✏️",
    "people": "👥",
    "puzzle": "🧩",
    "headphones": "🎧",
    "star": "⭐",
    "paint": "🎨",
    "music": "🎵",
    "abc": "🔤",
    "123": "🔢",
}
DEFAULT_ICON_GLYPH = "⭐"

FACE_GLYPHS: dict[int, str] = {
    Rating.LOVE: "😍",
    Rating.LIKE: "🙂",
    Rating.OKAY: "😐",
    Rating.DONT_LIKE: "🙁",
}

REASON_GLYPHS: dict[str, str] = {
    Reason.TOO_HARD: "🧗",
    Reason.TOO_EASY: "🪶",
    Reason.BORING: "😴",
    Reason.NOISY: "📢",
    Reason.PEOPLE: "👫",
    Reason.LEARN_A_LOT: "🧠",
    Reason.FUN: "🎉",
    Reason.QUIET: "🤫",
    Reason.OTHER: "💬",
}

AID_GLYPHS: dict[str, str] = {
    FocusAid.QUIET_PLACE: "🤫",
    FocusAid.HEADPHONES: "🎧",
    FocusAid.BUDDY: "👫",
    FocusAid.BREAKS: "⏸️",
    FocusAid.MOVING: "🤸",
    FocusAid.NEAR_TEACHER: "🧑‍🏫",
    FocusAid.TIMER: "⏲️",
    FocusAid.HOLD: "🧸",
}

SELF_VIEW_GLYPHS: dict[str, str] = {
    SelfView.CAN_DO: "😄",
    SelfView.GETTING_THERE: "🙂",
    SelfView.NOT_YET: "🤔",
}

PROGRESS_GLYPHS: dict[str, str] = {
    GoalProgress.YES: "🎯",
    GoalProgress.A_LITTLE: "🌱",
    GoalProgress.NOT_YET: "⏳",
}

# Subjects by a word their code contains; the first match wins.
SUBJECT_GLYPHS = (
    ("math", "🔢"),
    ("liter", "📖"),
    ("read", "📖"),
    ("writ", "✏️"),
    ("scien", "🔬"),
    ("art", "🎨"),
    ("music", "🎵"),
)


@register.filter
def icon_glyph(name: str) -> str:
    """Return the emoji of an activity's icon name (a star for unknown names)."""
    return ICON_GLYPHS.get(str(name).lower(), DEFAULT_ICON_GLYPH)


@register.filter
def face_glyph(rating: object) -> str:
    """Return the face of a rating (−1 … 2), or nothing for another value."""
    try:
        return FACE_GLYPHS.get(int(str(rating)), "")
    except ValueError:
        return ""


@register.filter
def reason_glyph(reason: object) -> str:
    """Return the emoji of a reason code."""
    return REASON_GLYPHS.get(str(reason), "")


@register.filter
def aid_glyph(aid: object) -> str:
    """Return the emoji of a focus aid code."""
    return AID_GLYPHS.get(str(aid), "")


@register.filter
def self_view_glyph(value: object) -> str:
    """Return the face of a self-assessment value."""
    return SELF_VIEW_GLYPHS.get(str(value), "")


@register.filter
def subject_glyph(code: str) -> str:
    """Return an emoji for a subject code, a star when none fits."""
    code = str(code).lower()
    return next(
        (glyph for word, glyph in SUBJECT_GLYPHS if word in code), DEFAULT_ICON_GLYPH
    )


@register.filter
def progress_glyph(value: object) -> str:
    """Return the emoji of an answer to "did your goal move?"."""
    return PROGRESS_GLYPHS.get(str(value), "")
