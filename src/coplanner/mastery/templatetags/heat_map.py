"""The heat map's cells, written in Python: a class of 30 by 60 skills has
1,800 of them, too many for the template language to render quickly."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coplanner.mastery.queries import StudentRow

register = template.Library()

# Ids no student or skill has, replaced in the one reversed evidence link.
_STUDENT, _SKILL = "9999999991", "9999999992"


@register.simple_tag
def heat_map_cells(row: StudentRow, ready_text: str) -> SafeString:
    """Return a row's cells: the band as a class, a link to the evidence.

    The link's title and its hidden text say the band, the mastery in per
    cent and whether the skill is ready to learn.
    """
    link = reverse("mastery:evidence", args=[int(_STUDENT), int(_SKILL)])
    link = escape(link.replace(_STUDENT, str(row.student_id)))
    name, ready = escape(row.name), escape(ready_text)
    cells = []
    for cell in row.cells:
        label = escape(cell.band_label)
        percent = cell.percent
        title = f"{name} · {escape(cell.skill_name)}: {label}"
        hidden = label
        if percent is not None:
            title += f" ({percent}%)"
            hidden += f", {percent}%"
        if cell.ready:
            title += f" · {ready}"
            hidden += f", {ready}"
        cells.append(
            f'<td class="cell {escape(cell.band)}{" ready" if cell.ready else ""}">'
            f'<a href="{link.replace(_SKILL, str(cell.skill_id))}" title="{title}">'
            f'<span class="visually-hidden">{hidden}</span></a></td>'
        )
    return mark_safe("".join(cells))  # noqa: S308 - every part is escaped above
