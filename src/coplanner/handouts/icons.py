"""The station icons, drawn as vector shapes so they ship with the code.

Each icon is drawn in a 100 × 100 box (origin at the bottom left) with a dark
outline and the station's colour as its accent, so that a child who cannot
read yet matches the card to the coloured station by shape and colour alone.
"""

import math
from collections.abc import Callable

from reportlab.lib.colors import Color, HexColor, white
from reportlab.pdfgen.canvas import Canvas

from coplanner.handouts.fonts import BOLD

INK = HexColor("#1f2933")
LINE = 6.0

Draw = Callable[[Canvas, Color], None]


def _book(c: Canvas, accent: Color) -> None:
    c.setFillColor(white)
    for side in (-1, 1):
        path = c.beginPath()
        path.moveTo(50, 22)
        path.curveTo(50 + side * 15, 30, 50 + side * 30, 30, 50 + side * 44, 26)
        path.lineTo(50 + side * 44, 80)
        path.curveTo(50 + side * 30, 84, 50 + side * 15, 84, 50, 76)
        path.close()
        c.drawPath(path, stroke=1, fill=1)
    c.line(50, 22, 50, 76)
    c.setStrokeColor(accent)
    c.setLineWidth(4)
    for height in (46, 58):
        c.line(16, height, 40, height + 6)
        c.line(60, height + 6, 84, height)


def _blocks(c: Canvas, accent: Color) -> None:
    c.setFillColor(accent)
    c.rect(12, 14, 36, 36, stroke=1, fill=1)
    c.setFillColor(white)
    c.rect(52, 14, 36, 36, stroke=1, fill=1)
    c.setFillColor(accent)
    c.rect(32, 52, 36, 36, stroke=1, fill=1)


def _tablet(c: Canvas, accent: Color) -> None:
    c.setFillColor(white)
    c.roundRect(22, 8, 56, 84, 8, stroke=1, fill=1)
    c.setFillColor(accent)
    c.rect(30, 24, 40, 58, stroke=0, fill=1)
    c.setFillColor(INK)
    c.circle(50, 15.5, 3.5, stroke=0, fill=1)


def _pencil(c: Canvas, accent: Color) -> None:
    c.saveState()
    c.translate(50, 50)
    c.rotate(45)
    c.setFillColor(accent)
    c.rect(-12, -30, 24, 60, stroke=1, fill=1)
    c.setFillColor(white)
    c.rect(-12, 30, 24, 10, stroke=1, fill=1)
    path = c.beginPath()
    path.moveTo(-12, -30)
    path.lineTo(0, -50)
    path.lineTo(12, -30)
    path.close()
    c.setFillColor(HexColor("#f5deb3"))
    c.drawPath(path, stroke=1, fill=1)
    c.setFillColor(INK)
    path = c.beginPath()
    path.moveTo(-4, -43)
    path.lineTo(0, -50)
    path.lineTo(4, -43)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def _person(c: Canvas, x: float, scale: float, fill: Color) -> None:
    c.setFillColor(fill)
    c.circle(x, 30 + 40 * scale, 13 * scale, stroke=1, fill=1)
    path = c.beginPath()
    path.moveTo(x - 24 * scale, 12)
    path.curveTo(
        x - 24 * scale,
        46 * scale + 8,
        x + 24 * scale,
        46 * scale + 8,
        x + 24 * scale,
        12,
    )
    path.close()
    c.drawPath(path, stroke=1, fill=1)


def _people(c: Canvas, accent: Color) -> None:
    _person(c, 66, 0.85, white)
    _person(c, 36, 1.0, accent)


def _puzzle(c: Canvas, accent: Color) -> None:
    c.setFillColor(accent)
    path = c.beginPath()
    path.moveTo(14, 14)
    path.lineTo(72, 14)
    path.lineTo(72, 36)
    path.arcTo(62, 36, 86, 60, startAng=-90, extent=180)
    path.lineTo(72, 72)
    path.lineTo(54, 72)
    path.arcTo(31, 62, 55, 86, startAng=0, extent=180)
    path.lineTo(14, 72)
    path.close()
    c.drawPath(path, stroke=1, fill=1)


def _headphones(c: Canvas, accent: Color) -> None:
    path = c.beginPath()
    path.arc(16, 20, 84, 88, startAng=0, extent=180)
    c.drawPath(path, stroke=1, fill=0)
    c.setFillColor(accent)
    c.roundRect(10, 18, 18, 36, 6, stroke=1, fill=1)
    c.roundRect(72, 18, 18, 36, 6, stroke=1, fill=1)


def _star_path(c: Canvas, cx: float, cy: float, outer: float) -> object:
    path = c.beginPath()
    for point in range(10):
        radius = outer if point % 2 == 0 else outer * 0.45
        angle = math.pi / 2 + point * math.pi / 5
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        if point == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    return path


def _star(c: Canvas, accent: Color) -> None:
    c.setFillColor(accent)
    c.drawPath(_star_path(c, 50, 46, 44), stroke=1, fill=1)


def _paint(c: Canvas, accent: Color) -> None:
    c.setFillColor(white)
    c.ellipse(8, 14, 92, 86, stroke=1, fill=1)
    for (x, y), colour in zip(
        ((28, 64), (48, 72), (68, 64), (30, 40)),
        (accent, HexColor("#e4572e"), HexColor("#2e86ab"), HexColor("#f6ae2d")),
        strict=True,
    ):
        c.setFillColor(colour)
        c.circle(x, y, 8, stroke=0, fill=1)
    c.setFillColor(white)
    c.circle(64, 34, 8, stroke=1, fill=1)


def _music(c: Canvas, accent: Color) -> None:
    c.setFillColor(accent)
    c.ellipse(12, 14, 40, 34, stroke=1, fill=1)
    c.ellipse(56, 24, 84, 44, stroke=1, fill=1)
    c.line(38, 26, 38, 82)
    c.line(82, 36, 82, 92)
    c.setLineWidth(12)
    c.line(38, 78, 82, 88)


def _letters(text: str) -> Draw:
    def draw(c: Canvas, accent: Color) -> None:
        c.setFillColor(white)
        c.roundRect(6, 18, 88, 64, 10, stroke=1, fill=1)
        c.setFillColor(accent)
        c.setFont(BOLD, 36)
        c.drawCentredString(50, 37, text)

    return draw


def _clock(c: Canvas, accent: Color) -> None:
    c.setFillColor(white)
    c.circle(50, 50, 40, stroke=1, fill=1)
    c.setFillColor(accent)
    for hour in range(12):
        angle = hour * math.pi / 6
        c.circle(
            50 + 32 * math.cos(angle), 50 + 32 * math.sin(angle), 3, stroke=0, fill=1
        )
    c.line(50, 50, 50, 78)
    c.line(50, 50, 68, 50)


def _shop(c: Canvas, accent: Color) -> None:
    c.setFillColor(white)
    c.rect(16, 10, 68, 50, stroke=1, fill=1)
    c.rect(40, 10, 20, 30, stroke=1, fill=0)
    for index in range(4):
        c.setFillColor(accent if index % 2 == 0 else white)
        c.rect(10 + index * 20, 60, 20, 24, stroke=1, fill=1)


def _ruler(c: Canvas, accent: Color) -> None:
    c.saveState()
    c.translate(50, 50)
    c.rotate(30)
    c.setFillColor(accent)
    c.rect(-46, -12, 92, 24, stroke=1, fill=1)
    c.setLineWidth(3.5)
    for index in range(1, 9):
        length = 12 if index % 2 == 0 else 7
        x = -46 + index * 10.2
        c.line(x, 12, x, 12 - length)
    c.restoreState()


ICONS: dict[str, Draw] = {
    "book": _book,
    "blocks": _blocks,
    "tablet": _tablet,
    "pencil": _pencil,
    "people": _people,
    "puzzle": _puzzle,
    "headphones": _headphones,
    "star": _star,
    "paint": _paint,
    "music": _music,
    "abc": _letters("abc"),
    "123": _letters("123"),
    "clock": _clock,
    "shop": _shop,
    "ruler": _ruler,
}


def draw_icon(
    c: Canvas, name: str, x: float, y: float, size: float, accent: str
) -> None:
    """Draw the icon ``name`` (a star when unknown) in a square at (x, y)."""
    draw = ICONS.get(name, _star)
    c.saveState()
    c.translate(x, y)
    c.scale(size / 100, size / 100)
    c.setStrokeColor(INK)
    c.setLineWidth(LINE)
    c.setLineJoin(1)
    c.setLineCap(1)
    draw(c, HexColor(accent))
    c.restoreState()
