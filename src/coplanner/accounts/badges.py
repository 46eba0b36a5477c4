"""Printable QR badge cards: one card per student, eight to a letter page.

Each card shows the student's first name, their avatar (the same animal and
colour as their tile on the class tablet) and a QR code of their badge
login link. The QR code is large, black on white, with a quiet zone, so a
tablet camera reads it from an ordinary classroom printer. Dashed lines
show where to cut.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from coplanner.accounts.pictures import AVATAR_DRAWINGS, AVATAR_HEX, draw_on_canvas
from coplanner.handouts.fonts import BOLD, REGULAR, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = letter
COLUMNS, ROWS = 2, 4
MARGIN = 0.5 * inch
CARD_WIDTH = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
CARD_HEIGHT = (PAGE_HEIGHT - 2 * MARGIN) / ROWS
# The printed QR code, quiet zone included; tablets read 1.6 inches easily.
QR_SIZE = 1.7 * inch
INK = HexColor("#1f2933")
MUTED = HexColor("#52606d")


@dataclass(frozen=True)
class Badge:
    first_name: str
    animal: str
    colour: str
    url: str


def build_qr_widget(url: str) -> QrCodeWidget:
    """Return the QR code of ``url`` with error correction for a worn card."""
    return QrCodeWidget(url, barLevel="M", barBorder=4)


def _draw_qr(c: Canvas, url: str, x: float, y: float) -> None:
    widget = build_qr_widget(url)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    c.setFillColor(white)
    c.rect(x, y, QR_SIZE, QR_SIZE, stroke=0, fill=1)
    renderPDF.draw(drawing, c, x, y)


def _fit_font(c: Canvas, text: str, font: str, size: float, width: float) -> float:
    """Return the largest size up to ``size`` at which ``text`` fits ``width``."""
    while size > 5 and c.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _draw_card(
    c: Canvas, badge: Badge, x: float, y: float, caption: str, scan_hint: str
) -> None:
    # Cut lines.
    c.setStrokeColor(MUTED)
    c.setLineWidth(0.6)
    c.setDash(4, 4)
    c.rect(x, y, CARD_WIDTH, CARD_HEIGHT, stroke=1, fill=0)
    c.setDash()

    # On the left, the colour band: the avatar on a white disc, the name
    # on a white label under it, both as on the class tablet's tile.
    pad = 9
    band_width = CARD_WIDTH - QR_SIZE - 3 * pad
    band_height = CARD_HEIGHT - 2 * pad
    colour = AVATAR_HEX.get(badge.colour, "#2f6fdb")
    c.setFillColor(HexColor(colour))
    c.roundRect(x + pad, y + pad, band_width, band_height, 10, stroke=0, fill=1)
    centre_x = x + pad + band_width / 2
    label_height = 40
    disc = min(band_width - 24, band_height - label_height - 24)
    disc_centre_y = y + pad + label_height + 8 + (band_height - label_height - 8) / 2
    c.setFillColor(white)
    c.circle(centre_x, disc_centre_y, disc / 2, stroke=0, fill=1)
    avatar = disc * 0.84
    draw_on_canvas(
        c,
        AVATAR_DRAWINGS[badge.animal],
        centre_x - avatar / 2,
        disc_centre_y - avatar / 2,
        avatar,
        colour,
    )
    label_width = band_width - 16
    c.roundRect(
        x + pad + 8, y + pad + 8, label_width, label_height - 6, 8, stroke=0, fill=1
    )
    size = _fit_font(c, badge.first_name, BOLD, 24, label_width - 12)
    c.setFillColor(INK)
    c.setFont(BOLD, size)
    c.drawCentredString(
        centre_x, y + pad + 8 + (label_height - 6 - size) / 2 + 3, badge.first_name
    )

    # On the right, the QR code with what it is for under it.
    qr_x = x + CARD_WIDTH - QR_SIZE - pad
    qr_y = y + CARD_HEIGHT - QR_SIZE - pad
    _draw_qr(c, badge.url, qr_x, qr_y)
    c.setFillColor(INK)
    c.setFont(BOLD, 9)
    c.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 10, scan_hint)
    c.setFillColor(MUTED)
    small = _fit_font(c, caption, REGULAR, 7, QR_SIZE) if len(caption) else 7
    c.setFont(REGULAR, min(small, 7))
    c.drawCentredString(qr_x + QR_SIZE / 2, y + pad + 2, caption)


def build_badge_pdf(
    badges: Sequence[Badge],
    caption: str,
    scan_hint: str,
    title: str,
) -> bytes:
    """Return the PDF of the badge cards, eight to a page.

    ``caption`` is printed small on every card (the class and the date, so
    a teacher tells a new badge from an old one); ``scan_hint`` says what
    the code is for.
    """
    register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=letter, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("coplanner")
    per_page = COLUMNS * ROWS
    for index, badge in enumerate(badges):
        if index and index % per_page == 0:
            c.showPage()
        place = index % per_page
        column, row = place % COLUMNS, place // COLUMNS
        x = MARGIN + column * CARD_WIDTH
        y = PAGE_HEIGHT - MARGIN - (row + 1) * CARD_HEIGHT
        _draw_card(c, badge, x, y, caption, scan_hint)
    if not badges:
        c.setFillColor(black)
        c.setFont(REGULAR, 14)
        c.drawString(MARGIN, PAGE_HEIGHT - MARGIN - 20, title)
    c.showPage()
    c.save()
    return buffer.getvalue()
