"""The student's schedule card: one landscape page per student and week.

Each day is a row of big cards in the order the student does them, with an
arrow between cards, so the card works without a clock: the icon and the
station's colour for a child who cannot read yet, short words and the variant
for one who can, the start time in small type for the adults.
"""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen.canvas import Canvas

from coplanner.curriculum.models import Block
from coplanner.handouts.drawing import (
    INK,
    MUTED,
    RULE,
    build_canvas,
    fit_lines,
    lighten,
)
from coplanner.handouts.fonts import BOLD, REGULAR
from coplanner.handouts.icons import draw_icon
from coplanner.handouts.queries import ClassWeek, get_goals, get_student_ideas
from coplanner.planning.models import Slot

PAGE = landscape(letter)
MARGIN = 30.0
DAY_COLUMN = 74.0
ARROW = 14.0
HEADER = 78.0
FOOTER = 26.0


@dataclass
class CardPage:
    """What one student's card shows."""

    name: str
    week_start: datetime.date
    days: list[tuple[str, datetime.date, list[tuple[Block, Slot]]]]
    goal: str
    ideas: list[str]


def build_card_pages(week: ClassWeek) -> list[CardPage]:
    """Return one card page per student of the week, planned or not."""
    students = [sw.student for sw in week.students]
    goals = get_goals(students)
    ideas = get_student_ideas([sw.plan for sw in week.students if sw.plan])
    pages = []
    for sw in week.students:
        days = []
        for day, blocks in week.days():
            planned = [(b, sw.slots[b.pk]) for b in blocks if b.pk in sw.slots]
            date = week.week_start + datetime.timedelta(days=day)
            days.append((str(blocks[0].get_day_display()), date, planned))
        goal = goals.get(sw.student.pk)
        pages.append(
            CardPage(
                name=sw.student.display_name,
                week_start=week.week_start,
                days=days,
                goal=goal.text if goal else "",
                ideas=ideas.get(sw.plan.pk, []) if sw.plan else [],
            )
        )
    return pages


def build_schedule_cards(pages: list[CardPage]) -> bytes:
    """Return a PDF with one page per card, in the active language."""
    canvas, buffer = build_canvas(PAGE, _("Schedule cards"))
    for page in pages:
        _draw_page(canvas, page)
        canvas.showPage()
    if not pages:
        canvas.setFont(REGULAR, 14)
        canvas.drawString(MARGIN, PAGE[1] - MARGIN - 14, _("No students to print."))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_page(c: Canvas, page: CardPage) -> None:
    width, height = PAGE
    top = height - MARGIN

    # Header: the name, the week, the goal.
    c.setFillColor(INK)
    c.setFont(BOLD, 24)
    c.drawString(MARGIN, top - 24, page.name)
    week = date_format(page.week_start, "MONTH_DAY_FORMAT")
    c.setFont(REGULAR, 11)
    c.setFillColor(MUTED)
    c.drawRightString(width - MARGIN, top - 20, _("Week of %(date)s") % {"date": week})
    if page.goal:
        draw_icon(c, "star", MARGIN, top - 58, 22, "#f6ae2d")
        c.setFillColor(INK)
        c.setFont(BOLD, 13)
        label = _("My goal:") + " "
        c.drawString(MARGIN + 28, top - 51, label)
        c.setFont(REGULAR, 13)
        indent = c.stringWidth(label, BOLD, 13)
        line = fit_lines(page.goal, REGULAR, 13, width - 2 * MARGIN - 28 - indent, 1)
        c.drawString(MARGIN + 28 + indent, top - 51, line[0])

    # The days: one row each, cards in order.
    rows_top = top - HEADER
    rows_bottom = MARGIN + (FOOTER if page.ideas else 0)
    rows = max(len(page.days), 1)
    row_height = (rows_top - rows_bottom) / rows
    most = max((len(cells) for _label, _date, cells in page.days), default=1) or 1
    area = width - 2 * MARGIN - DAY_COLUMN
    card_width = min((area - ARROW * (most - 1)) / most, 150.0)
    for index, (label, date, cells) in enumerate(page.days):
        y = rows_top - (index + 1) * row_height
        if index:
            c.setStrokeColor(RULE)
            c.setLineWidth(0.6)
            c.line(MARGIN, y + row_height, width - MARGIN, y + row_height)
        c.setFillColor(INK)
        size = 13.0
        while size > 8 and c.stringWidth(label, BOLD, size) > DAY_COLUMN - 8:
            size -= 0.5
        c.setFont(BOLD, size)
        c.drawString(MARGIN, y + row_height / 2 + 2, label)
        c.setFont(REGULAR, 9)
        c.setFillColor(MUTED)
        c.drawString(MARGIN, y + row_height / 2 - 10, date_format(date, "j M"))
        x = MARGIN + DAY_COLUMN
        for position, (block, slot) in enumerate(cells):
            if position:
                _draw_arrow(c, x - ARROW, y + row_height / 2)
            _draw_card(c, x, y + 5, card_width, row_height - 10, block, slot)
            x += card_width + ARROW
        if not cells:
            c.setFont(REGULAR, 10)
            c.drawString(MARGIN + DAY_COLUMN, y + row_height / 2, _("No plan yet."))

    # Footer: what the student asked for that made it into the plan.
    if page.ideas:
        c.setFillColor(INK)
        c.setFont(BOLD, 11)
        label = _("My ideas in this plan:") + " "
        c.drawString(MARGIN, MARGIN + 6, label)
        indent = c.stringWidth(label, BOLD, 11)
        c.setFont(REGULAR, 11)
        line = fit_lines(
            "; ".join(page.ideas), REGULAR, 11, width - 2 * MARGIN - indent, 1
        )
        c.drawString(MARGIN + indent, MARGIN + 6, line[0])


def _draw_arrow(c: Canvas, x: float, y: float) -> None:
    c.setFillColor(MUTED)
    path = c.beginPath()
    path.moveTo(x + 3, y + 6)
    path.lineTo(x + ARROW - 3, y)
    path.lineTo(x + 3, y - 6)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def _draw_card(
    c: Canvas, x: float, y: float, w: float, h: float, block: Block, slot: Slot
) -> None:
    colour = slot.activity.colour
    band = h * 0.56

    # The card, its colour band and the icon on a white disc.
    c.setLineWidth(2.5)
    c.setStrokeColor(HexColor(colour))
    c.setFillColor(lighten(colour, 0.85))
    c.roundRect(x, y, w, h, 8, stroke=1, fill=1)
    c.setFillColor(HexColor(colour))
    c.roundRect(x, y + h - band, w, band, 8, stroke=0, fill=1)
    c.rect(x, y + h - band, w, 8, stroke=0, fill=1)
    radius = min(band * 0.44, w * 0.3)
    centre_y = y + h - band / 2
    c.setFillColor(white)
    c.circle(x + w / 2, centre_y, radius, stroke=0, fill=1)
    icon = radius * 1.45
    draw_icon(
        c, slot.activity.icon, x + w / 2 - icon / 2, centre_y - icon / 2, icon, colour
    )

    # The start time, small, in the corner.
    time = block.start.strftime("%H:%M")
    c.setFont(REGULAR, 6.5)
    pill = c.stringWidth(time, REGULAR, 6.5) + 6
    c.setFillColor(white)
    c.roundRect(x + 4, y + h - 13, pill, 9, 3, stroke=0, fill=1)
    c.setFillColor(INK)
    c.drawString(x + 7, y + h - 10.5, time)

    # Short words: the activity, then the variant.
    words_top = y + h - band - 11
    c.setFillColor(INK)
    size = 9.5 if w > 95 else 8.5
    variant_room = 9.0 if slot.variant is not None else 0.0
    room = int((h - band - 6 - variant_room) // (size + 1.5))
    lines = fit_lines(slot.activity.name, BOLD, size, w - 8, max(room, 1))
    c.setFont(BOLD, size)
    for line in lines:
        c.drawCentredString(x + w / 2, words_top, line)
        words_top -= size + 1.5
    if slot.variant is not None:
        c.setFont(REGULAR, 7.5)
        c.setFillColor(MUTED)
        variant = fit_lines(slot.variant.label, REGULAR, 7.5, w - 8, 1)[0]
        c.drawCentredString(x + w / 2, words_top - 0.5, variant)
