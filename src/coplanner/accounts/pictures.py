"""The pictures of the picture login: student avatars and password pictures.

Both are drawn from a handful of plain shapes (circles, ellipses, polygons,
rectangles, lines) in a 100 × 100 box with y pointing down, so that the same
drawing becomes inline SVG on the login page and vector shapes on the printed
badge cards, with nothing to download and no font or emoji to depend on.

An **avatar** is an animal in one of the avatar colours; every student of a
class gets a different pair, so a child who cannot read finds their own tile
by animal and colour. A **password picture** keeps its own natural colours (a
yellow sun, a red apple) and has a short name that is read aloud.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.db import models
from django.utils.translation import gettext_lazy as _
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

INK = "#1f2933"
WHITE = "#ffffff"
# Stands for the student's avatar colour in an avatar drawing.
COLOUR = "colour"
OUTLINE_WIDTH = 3.0


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str


@dataclass(frozen=True)
class Ellipse:
    cx: float
    cy: float
    rx: float
    ry: float
    fill: str


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    radius: float = 0.0


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = OUTLINE_WIDTH
    colour: str = INK


Shape = Circle | Ellipse | Polygon | Rect | Line
Drawing = tuple[Shape, ...]


class Animal(models.TextChoices):
    CAT = "cat", _("cat")
    BEAR = "bear", _("bear")
    RABBIT = "rabbit", _("rabbit")
    FISH = "fish", _("fish")
    BIRD = "bird", _("bird")
    OWL = "owl", _("owl")
    MOUSE = "mouse", _("mouse")
    FROG = "frog", _("frog")


class AvatarColour(models.TextChoices):
    BLUE = "blue", _("blue")
    RED = "red", _("red")
    GREEN = "green", _("green")
    ORANGE = "orange", _("orange")
    PURPLE = "purple", _("purple")
    PINK = "pink", _("pink")
    YELLOW = "yellow", _("yellow")
    TEAL = "teal", _("teal")


# Strong, distinct colours that stay apart on a cheap classroom printer.
AVATAR_HEX = {
    AvatarColour.BLUE: "#2f6fdb",
    AvatarColour.RED: "#d64545",
    AvatarColour.GREEN: "#3f9c4a",
    AvatarColour.ORANGE: "#e8833a",
    AvatarColour.PURPLE: "#8a4fd0",
    AvatarColour.PINK: "#e56fae",
    AvatarColour.YELLOW: "#f2c230",
    AvatarColour.TEAL: "#1f9e9a",
}


class Picture(models.TextChoices):
    SUN = "sun", _("sun")
    MOON = "moon", _("moon")
    STAR = "star", _("star")
    HEART = "heart", _("heart")
    TREE = "tree", _("tree")
    FLOWER = "flower", _("flower")
    APPLE = "apple", _("apple")
    HOUSE = "house", _("house")
    BOAT = "boat", _("boat")


# How many pictures, tapped in order, make a picture password.
PICTURE_PASSWORD_LENGTH = 3


def _star_points(cx: float, cy: float, outer: float) -> tuple[tuple[float, float], ...]:
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else outer * 0.45
        angle = -math.pi / 2 + index * math.pi / 5
        points.append(
            (
                round(cx + radius * math.cos(angle), 1),
                round(cy + radius * math.sin(angle), 1),
            )
        )
    return tuple(points)


def _arc(
    centre: tuple[float, float],
    radius: float,
    start: float,
    end: float,
    through: float,
    steps: int = 24,
) -> list[tuple[float, float]]:
    """Return points on a circle from angle ``start`` to ``end`` via ``through``."""
    sweep = (end - start) % math.tau
    if (through - start) % math.tau > sweep:
        sweep -= math.tau
    return [
        (
            round(centre[0] + radius * math.cos(start + sweep * step / steps), 1),
            round(centre[1] + radius * math.sin(start + sweep * step / steps), 1),
        )
        for step in range(steps + 1)
    ]


def _crescent() -> tuple[tuple[float, float], ...]:
    """Return a crescent moon: a disc with a smaller disc cut out of one side."""
    (ox, oy), outer = (44.0, 52.0), 38.0
    (cx, cy), cut = (66.0, 38.0), 32.0
    distance = math.dist((ox, oy), (cx, cy))
    along = (outer**2 - cut**2 + distance**2) / (2 * distance)
    half_chord = math.sqrt(outer**2 - along**2)
    ux, uy = (cx - ox) / distance, (cy - oy) / distance
    bx, by = ox + along * ux, oy + along * uy
    first = (bx - half_chord * uy, by + half_chord * ux)
    second = (bx + half_chord * uy, by - half_chord * ux)
    away = math.atan2(oy - cy, ox - cx)
    rim = _arc(
        (ox, oy),
        outer,
        math.atan2(first[1] - oy, first[0] - ox),
        math.atan2(second[1] - oy, second[0] - ox),
        away,
    )
    bite = _arc(
        (cx, cy),
        cut,
        math.atan2(second[1] - cy, second[0] - cx),
        math.atan2(first[1] - cy, first[0] - cx),
        away,
    )
    return tuple(rim + bite[1:-1])


def _eyes(y: float, apart: float = 11, size: float = 4.5) -> Drawing:
    return (Circle(50 - apart, y, size, INK), Circle(50 + apart, y, size, INK))


AVATAR_DRAWINGS: dict[str, Drawing] = {
    Animal.CAT: (
        Polygon(((22, 44), (26, 10), (48, 28)), COLOUR),
        Polygon(((78, 44), (74, 10), (52, 28)), COLOUR),
        Circle(50, 56, 32, COLOUR),
        *_eyes(50),
        Polygon(((45, 62), (55, 62), (50, 68)), INK),
        Line(14, 62, 34, 65),
        Line(14, 72, 34, 69),
        Line(86, 62, 66, 65),
        Line(86, 72, 66, 69),
    ),
    Animal.BEAR: (
        Circle(24, 26, 13, COLOUR),
        Circle(76, 26, 13, COLOUR),
        Circle(50, 56, 34, COLOUR),
        Ellipse(50, 70, 15, 11, WHITE),
        Ellipse(50, 65, 6, 4, INK),
        *_eyes(48, 13),
    ),
    Animal.RABBIT: (
        Ellipse(37, 26, 9, 23, COLOUR),
        Ellipse(63, 26, 9, 23, COLOUR),
        Ellipse(37, 28, 4, 15, WHITE),
        Ellipse(63, 28, 4, 15, WHITE),
        Circle(50, 66, 28, COLOUR),
        *_eyes(62, 10),
        Ellipse(50, 72, 5, 3.5, "#e56fae"),
    ),
    Animal.FISH: (
        Polygon(((70, 50), (95, 28), (95, 72)), COLOUR),
        Ellipse(44, 50, 34, 23, COLOUR),
        Polygon(((40, 30), (56, 14), (60, 30)), COLOUR),
        Circle(26, 45, 6, WHITE),
        Circle(26, 45, 3, INK),
        Line(50, 38, 50, 62),
    ),
    Animal.BIRD: (
        Line(42, 84, 42, 95),
        Line(58, 84, 58, 95),
        Circle(50, 54, 32, COLOUR),
        Ellipse(40, 62, 16, 10, WHITE),
        Polygon(((78, 46), (96, 52), (78, 58)), "#f6ae2d"),
        Circle(62, 42, 5, INK),
    ),
    Animal.OWL: (
        Polygon(((20, 30), (24, 6), (40, 22)), COLOUR),
        Polygon(((80, 30), (76, 6), (60, 22)), COLOUR),
        Ellipse(50, 56, 33, 38, COLOUR),
        Circle(36, 42, 12, WHITE),
        Circle(64, 42, 12, WHITE),
        Circle(36, 42, 5, INK),
        Circle(64, 42, 5, INK),
        Polygon(((45, 55), (55, 55), (50, 64)), "#f6ae2d"),
        Ellipse(50, 78, 16, 10, WHITE),
    ),
    Animal.MOUSE: (
        Circle(24, 32, 18, COLOUR),
        Circle(76, 32, 18, COLOUR),
        Circle(24, 32, 9, WHITE),
        Circle(76, 32, 9, WHITE),
        Ellipse(50, 60, 28, 30, COLOUR),
        *_eyes(54, 10),
        Circle(50, 78, 5, INK),
    ),
    Animal.FROG: (
        Circle(30, 30, 14, COLOUR),
        Circle(70, 30, 14, COLOUR),
        Circle(30, 30, 7, WHITE),
        Circle(70, 30, 7, WHITE),
        Circle(30, 30, 3.5, INK),
        Circle(70, 30, 3.5, INK),
        Ellipse(50, 62, 40, 27, COLOUR),
        Line(32, 68, 50, 76),
        Line(50, 76, 68, 68),
    ),
}

PICTURE_DRAWINGS: dict[str, Drawing] = {
    Picture.SUN: (
        Line(50, 6, 50, 20, 6, "#e8a317"),
        Line(50, 80, 50, 94, 6, "#e8a317"),
        Line(6, 50, 20, 50, 6, "#e8a317"),
        Line(80, 50, 94, 50, 6, "#e8a317"),
        Line(19, 19, 29, 29, 6, "#e8a317"),
        Line(71, 71, 81, 81, 6, "#e8a317"),
        Line(19, 81, 29, 71, 6, "#e8a317"),
        Line(71, 29, 81, 19, 6, "#e8a317"),
        Circle(50, 50, 24, "#f7c531"),
    ),
    Picture.MOON: (Polygon(_crescent(), "#f2d35b"),),
    Picture.STAR: (Polygon(_star_points(50, 54, 44), "#f6ae2d"),),
    Picture.HEART: (
        Polygon(((12, 44), (50, 90), (88, 44), (50, 30)), "#e03b4a"),
        Circle(31, 36, 20, "#e03b4a"),
        Circle(69, 36, 20, "#e03b4a"),
    ),
    Picture.TREE: (
        Rect(42, 58, 16, 36, "#8b5a2b"),
        Circle(50, 40, 32, "#3f9c4a"),
    ),
    Picture.FLOWER: (
        Line(50, 58, 50, 96, 5, "#3f9c4a"),
        Ellipse(64, 82, 12, 6, "#3f9c4a"),
        Circle(50, 20, 13, "#e56fae"),
        Circle(50, 52, 13, "#e56fae"),
        Circle(34, 36, 13, "#e56fae"),
        Circle(66, 36, 13, "#e56fae"),
        Circle(50, 36, 10, "#f7c531"),
    ),
    Picture.APPLE: (
        Line(50, 30, 54, 10, 5, "#8b5a2b"),
        Ellipse(66, 16, 12, 6, "#3f9c4a"),
        Ellipse(50, 60, 36, 32, "#d62f2f"),
        Ellipse(38, 50, 6, 9, "#f08080"),
    ),
    Picture.HOUSE: (
        Rect(18, 46, 64, 46, "#f2e2c4"),
        Polygon(((8, 48), (50, 10), (92, 48)), "#c0392b"),
        Rect(42, 64, 16, 28, "#2f6fdb"),
        Rect(24, 56, 12, 12, WHITE),
        Rect(64, 56, 12, 12, WHITE),
    ),
    Picture.BOAT: (
        Line(50, 10, 50, 66, 5),
        Polygon(((54, 12), (54, 58), (86, 58)), WHITE),
        Polygon(((46, 22), (46, 58), (18, 58)), "#f6ae2d"),
        Polygon(((8, 66), (92, 66), (78, 88), (22, 88)), "#2f6fdb"),
    ),
}


# The read-aloud button's speaker, drawn like the pictures so it needs no
# emoji font.
SPEAKER: Drawing = (
    Polygon(((14, 38), (32, 38), (54, 18), (54, 82), (32, 62), (14, 62)), INK),
    Line(66, 36, 72, 50, 6),
    Line(72, 50, 66, 64, 6),
    Line(78, 24, 88, 50, 6),
    Line(88, 50, 78, 76, 6),
)


def _fill(fill: str, colour: str) -> str:
    return colour if fill == COLOUR else fill


def _svg_shape(shape: Shape, colour: str) -> str:
    outline = f'stroke="{INK}" stroke-width="{OUTLINE_WIDTH}" stroke-linejoin="round"'
    if isinstance(shape, Circle):
        fill = _fill(shape.fill, colour)
        return (
            f'<circle cx="{shape.cx}" cy="{shape.cy}" r="{shape.r}" '
            f'fill="{fill}" {outline}/>'
        )
    if isinstance(shape, Ellipse):
        fill = _fill(shape.fill, colour)
        return (
            f'<ellipse cx="{shape.cx}" cy="{shape.cy}" rx="{shape.rx}" '
            f'ry="{shape.ry}" fill="{fill}" {outline}/>'
        )
    if isinstance(shape, Polygon):
        points = " ".join(f"{x},{y}" for x, y in shape.points)
        fill = _fill(shape.fill, colour)
        return f'<polygon points="{points}" fill="{fill}" {outline}/>'
    if isinstance(shape, Rect):
        fill = _fill(shape.fill, colour)
        return (
            f'<rect x="{shape.x}" y="{shape.y}" width="{shape.w}" '
            f'height="{shape.h}" rx="{shape.radius}" fill="{fill}" {outline}/>'
        )
    return (
        f'<line x1="{shape.x1}" y1="{shape.y1}" x2="{shape.x2}" y2="{shape.y2}" '
        f'stroke="{shape.colour}" stroke-width="{shape.width}" '
        'stroke-linecap="round"/>'
    )


def build_svg(drawing: Drawing, colour: str = INK, label: str = "") -> str:
    """Return ``drawing`` as an inline SVG element.

    With a ``label`` the SVG is an image with that name for screen readers;
    without one it is decoration next to words that already say it.
    """
    body = "".join(_svg_shape(shape, colour) for shape in drawing)
    if label:
        named = f'role="img" aria-label="{escape(label)}"'
    else:
        named = 'aria-hidden="true" focusable="false"'
    return (
        f'<svg class="picture" viewBox="0 0 100 100" {named} '
        f'xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def draw_on_canvas(
    c: Canvas, drawing: Drawing, x: float, y: float, size: float, colour: str
) -> None:
    """Draw ``drawing`` on a ReportLab canvas in the square at (x, y), size wide.

    (x, y) is the square's bottom left corner, in ReportLab's points; the
    drawing's y-down box is flipped to fit.
    """
    c.saveState()
    c.translate(x, y + size)
    c.scale(size / 100, -size / 100)
    c.setStrokeColor(HexColor(INK))
    c.setLineJoin(1)
    c.setLineCap(1)
    for shape in drawing:
        c.setLineWidth(OUTLINE_WIDTH)
        c.setStrokeColor(HexColor(INK))
        if isinstance(shape, Line):
            c.setStrokeColor(HexColor(shape.colour))
            c.setLineWidth(shape.width)
            c.line(shape.x1, shape.y1, shape.x2, shape.y2)
            continue
        c.setFillColor(HexColor(_fill(shape.fill, colour)))
        if isinstance(shape, Circle):
            c.circle(shape.cx, shape.cy, shape.r, stroke=1, fill=1)
        elif isinstance(shape, Ellipse):
            c.ellipse(
                shape.cx - shape.rx,
                shape.cy - shape.ry,
                shape.cx + shape.rx,
                shape.cy + shape.ry,
                stroke=1,
                fill=1,
            )
        elif isinstance(shape, Rect):
            c.rect(shape.x, shape.y, shape.w, shape.h, stroke=1, fill=1)
        else:
            path = c.beginPath()
            first, *rest = shape.points
            path.moveTo(*first)
            for point in rest:
                path.lineTo(*point)
            path.close()
            c.drawPath(path, stroke=1, fill=1)
    c.restoreState()


def avatar_svg(animal: str, colour: str, label: str = "") -> str:
    """Return the SVG of an avatar: ``animal`` in the avatar colour ``colour``."""
    return build_svg(
        AVATAR_DRAWINGS.get(animal, AVATAR_DRAWINGS[Animal.CAT]),
        AVATAR_HEX.get(colour, AVATAR_HEX[AvatarColour.BLUE]),
        label,
    )


def picture_svg(picture: str, label: str = "") -> str:
    """Return the SVG of a password picture."""
    return build_svg(PICTURE_DRAWINGS[picture], INK, label)


def picture_names(pictures: Sequence[str]) -> list[str]:
    """Return the spoken names of ``pictures``, in order."""
    labels = dict(Picture.choices)
    return [str(labels[picture]) for picture in pictures]


def avatar_pairs() -> list[tuple[str, str]]:
    """Return every (animal, colour) pair, mixed so neighbours differ in both.

    The n-th student of a class gets the n-th pair: the first eight are
    eight different animals in eight different colours.
    """
    animals = list(Animal.values)
    colours = list(AvatarColour.values)
    pairs = []
    for shift in range(len(colours)):
        for index, animal in enumerate(animals):
            pairs.append((animal, colours[(index + shift * 3) % len(colours)]))
    return pairs
