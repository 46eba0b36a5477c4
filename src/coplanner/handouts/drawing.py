"""Small drawing helpers shared by the PDF handouts."""

import io

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from coplanner.handouts.fonts import register_fonts

INK = HexColor("#1f2933")
MUTED = HexColor("#52606d")
RULE = HexColor("#cbd2d9")


def build_canvas(
    pagesize: tuple[float, float], title: str
) -> tuple[Canvas, io.BytesIO]:
    """Return a canvas writing into memory, with the fonts registered."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("coplanner")
    return canvas, buffer


def fit_lines(text: str, font: str, size: float, width: float, lines: int) -> list[str]:
    """Wrap ``text`` to ``width``, keeping at most ``lines`` lines.

    A cut last line ends with an ellipsis so that nobody mistakes it for the
    whole name.
    """
    wrapped = simpleSplit(text, font, size, width) or [""]
    if len(wrapped) <= lines:
        return wrapped
    kept = wrapped[:lines]
    last = kept[-1]
    while last and stringWidth(last + "…", font, size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept


def lighten(colour: str, amount: float) -> Color:
    """Return ``colour`` (#rrggbb) mixed with white; 1.0 is white."""
    base = HexColor(colour)
    return Color(
        base.red + (1 - base.red) * amount,
        base.green + (1 - base.green) * amount,
        base.blue + (1 - base.blue) * amount,
    )


def is_dark(colour: str) -> bool:
    """Tell whether white text reads better than dark text on ``colour``."""
    base = HexColor(colour)
    luminance = 0.2126 * base.red + 0.7152 * base.green + 0.0722 * base.blue
    return luminance < 0.55
