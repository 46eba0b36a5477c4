"""The rotation board as a PDF: for every block of the week, who is where.

One landscape page per day (more when a day does not fit), one column per
block; small groups come first with the skills they work on.
"""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen.canvas import Canvas

from coplanner.handouts.drawing import (
    INK,
    MUTED,
    RULE,
    build_canvas,
    fit_lines,
    lighten,
)
from coplanner.handouts.fonts import BOLD, REGULAR
from coplanner.handouts.queries import BoardBlock, ClassWeek, Station
from coplanner.roster.models import Student

PAGE = landscape(letter)
MARGIN = 28.0
GAP = 6.0
# At most this many blocks side by side on one page; a longer day goes on.
MAX_COLUMNS = 7
NAME_SIZE = 7.5
LINE = NAME_SIZE + 1.5
# Space between two boxes of one column.
STACK = 4.0
COLUMN_HEAD = 30.0


@dataclass
class _Box:
    station: Station
    title: list[str]
    detail: list[str]
    names: list[str]

    @property
    def height(self) -> float:
        return (
            8 + 10 * len(self.title) + 8.5 * len(self.detail) + LINE * len(self.names)
        )


def build_rotation_board(week: ClassWeek, board: list[BoardBlock]) -> bytes:
    """Return the rotation board of a class's week as a PDF.

    Each day gets a page with one column per block, time across the top and
    the stations of the block stacked below, small groups first. A column
    too long for the page goes on over the next page.
    """
    title = _("Rotation board")
    canvas, buffer = build_canvas(PAGE, f"{title} · {week.classroom.name}")
    unplanned = [sw.student for sw in week.students if sw.version is None]

    by_day: dict[int, list[BoardBlock]] = {}
    for item in board:
        by_day.setdefault(item.block.day, []).append(item)
    if not by_day:
        _draw_header(canvas, week, title, None)
        canvas.setFont(REGULAR, 12)
        canvas.drawString(
            MARGIN, PAGE[1] - 90, _("This class has no week template yet.")
        )
        canvas.showPage()

    for day, items in sorted(by_day.items()):
        date = week.week_start + datetime.timedelta(days=day)
        for first in range(0, len(items), MAX_COLUMNS):
            _draw_day(
                canvas, week, title, date, items[first : first + MAX_COLUMNS], unplanned
            )
    canvas.save()
    return buffer.getvalue()


def _draw_day(
    c: Canvas,
    week: ClassWeek,
    title: str,
    date: datetime.date,
    items: list[BoardBlock],
    unplanned: list[Student],
) -> None:
    width, _height = PAGE
    columns = max(len(items), 4)
    column_width = (width - 2 * MARGIN - GAP * (columns - 1)) / columns
    pending = [_boxes(item.stations, column_width) for item in items]
    bottom = MARGIN + (4 if unplanned else -12)
    first_page = True
    while first_page or any(pending):
        top = _draw_header(c, week, title, date, continued=not first_page)
        for index, item in enumerate(items):
            x = MARGIN + index * (column_width + GAP)
            _draw_column_head(c, item, x, top, column_width)
            y = top - COLUMN_HEAD
            if first_page and not pending[index]:
                c.setFont(REGULAR, 8)
                c.setFillColor(MUTED)
                c.drawString(x, y - 10, _("Nobody is planned in this block."))
            while pending[index]:
                box = pending[index][0]
                if y - box.height < bottom and y < top - COLUMN_HEAD:
                    break
                _draw_box(c, box, x, y - box.height, column_width)
                y -= box.height + STACK
                pending[index].pop(0)
        if unplanned:
            names = ", ".join(student.display_name for student in unplanned)
            c.setFont(REGULAR, 8)
            c.setFillColor(MUTED)
            line = fit_lines(
                _("No plan yet: %(names)s") % {"names": names},
                REGULAR,
                8,
                width - 2 * MARGIN,
                1,
            )[0]
            c.drawString(MARGIN, MARGIN - 10, line)
        c.showPage()
        first_page = False


def _draw_header(
    c: Canvas,
    week: ClassWeek,
    title: str,
    date: datetime.date | None,
    continued: bool = False,
) -> float:
    width, height = PAGE
    top = height - MARGIN
    c.setFillColor(INK)
    c.setFont(BOLD, 16)
    c.drawString(MARGIN, top - 16, f"{title} · {week.classroom.name}")
    if date is not None:
        c.setFont(BOLD, 14)
        day = date_format(date, "l j F Y")
        if continued:
            day = _("%(day)s (continued)") % {"day": day}
        c.drawRightString(width - MARGIN, top - 16, day)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.8)
    c.line(MARGIN, top - 25, width - MARGIN, top - 25)
    return top - 31


def _draw_column_head(
    c: Canvas, item: BoardBlock, x: float, top: float, w: float
) -> None:
    c.setFillColor(INK)
    c.setFont(BOLD, 12)
    start = item.start.strftime("%H:%M")
    c.drawString(x, top - 12, start)
    c.setFont(REGULAR, 8)
    c.setFillColor(MUTED)
    end = "– " + item.end.strftime("%H:%M")
    c.drawString(x + c.stringWidth(start, BOLD, 12) + 4, top - 12, end)
    if item.block.subject is not None:
        c.drawString(
            x, top - 23, fit_lines(item.block.subject.name, REGULAR, 8, w, 1)[0]
        )


def _boxes(stations: list[Station], width: float) -> list[_Box]:
    boxes = []
    inner = width - 14
    for station in stations:
        title = fit_lines(station.activity.name, BOLD, 8.5, inner, 2)
        detail: list[str] = []
        if station.skills:
            skills = ", ".join(skill.name for skill in station.skills)
            detail = fit_lines(
                _("Skill: %(skills)s") % {"skills": skills}, REGULAR, 6.8, inner, 3
            )
        if station.activity.staff is not None:
            detail += fit_lines(
                station.activity.staff.display_name, REGULAR, 6.8, inner, 1
            )
        names = []
        for student, slot in station.students:
            name = student.display_name
            if slot.variant is not None:
                name = f"{name} · {slot.variant.label}"
            names += fit_lines(name, REGULAR, NAME_SIZE, inner, 1)
        boxes.append(_Box(station, title, detail, names))
    return boxes


def _draw_box(c: Canvas, box: _Box, x: float, y: float, w: float) -> None:
    colour = box.station.activity.colour
    h = box.height
    c.setFillColor(lighten(colour, 0.88))
    c.setStrokeColor(HexColor(colour))
    c.setLineWidth(1)
    c.roundRect(x, y, w, h, 4, stroke=1, fill=1)
    c.setFillColor(HexColor(colour))
    c.rect(x, y, 6, h, stroke=0, fill=1)

    top = y + h - 9
    c.setFillColor(INK)
    c.setFont(BOLD, 8.5)
    for line in box.title:
        c.drawString(x + 10, top, line)
        top -= 10
    c.setFont(REGULAR, 6.8)
    c.setFillColor(MUTED)
    for line in box.detail:
        c.drawString(x + 10, top + 1, line)
        top -= 8.5
    c.setFillColor(INK)
    c.setFont(REGULAR, NAME_SIZE)
    for line in box.names:
        c.drawString(x + 10, top, line)
        top -= LINE
