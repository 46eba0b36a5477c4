"""CSV that is safe to open in a spreadsheet.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as
a formula, and one that starts with a tab or a carriage return may be read
that way after the program trims it. A student's name, an activity or a
reason typed as ``=HYPERLINK("http://…","Click")`` or ``=cmd|' /C calc'!A0``
would then run on the teacher's computer when the export is opened. Every
CSV coplanner writes goes through this module, which:

- puts a ``'`` in front of such a text cell, which the spreadsheet shows as
  plain text (numbers stay numbers: ``-0.5`` the number is left alone, the
  text ``"-0.5"`` is prefixed like any other text);
- quotes every text cell, so that a spreadsheet set to split on ``;`` (as
  in much of Europe) cannot cut ``Ana;=1+1`` into a second, formula cell.

Nothing here imports Django, so the engine's commands use it too.
"""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Return ``value`` safe for a spreadsheet cell (text that is no formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row: Iterable[object]) -> list[object]:
    """Return the cells of ``row``, each made safe by ``neutralise``."""
    return [neutralise(value) for value in row]


def build_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return a header and ``rows`` as CSV text, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(neutralise_row(columns))
    for row in rows:
        writer.writerow(neutralise_row(row))
    return buffer.getvalue()
