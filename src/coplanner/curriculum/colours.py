"""Activity colours as a stylesheet, so that pages need no inline style.

Every activity has a station colour (``#rrggbb``) that cards, boards and the
survey show. A strict Content-Security-Policy forbids ``style="…"``
attributes, so instead of writing the colour into each element, a page gives
the element the class ``colour-rrggbb`` and links this stylesheet, which
defines that class for every activity colour the person can see. The class
sets the CSS custom properties ``--station`` and ``--colour`` that the static
stylesheets draw borders and washes with; it works without JavaScript and in
print.
"""

import hashlib
import re

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET

from coplanner.accounts.access import access_schools, access_students
from coplanner.curriculum.models import Activity
from coplanner.roster.models import School

HEX_COLOUR = re.compile(r"^#([0-9a-fA-F]{6})$")


def colour_class(colour: object) -> str:
    """Return the class that paints ``colour`` (``#7B4FD0`` → ``colour-7b4fd0``).

    Anything that is not a ``#rrggbb`` colour gets no class, and the element
    keeps the stylesheets' neutral default.
    """
    match = HEX_COLOUR.match(str(colour or ""))
    return f"colour-{match.group(1).lower()}" if match else ""


def build_colours_css(colours: list[str]) -> str:
    """Return one rule per colour, each defining its ``colour-rrggbb`` class."""
    rules = []
    for colour in sorted({c.lower() for c in colours if HEX_COLOUR.match(c)}):
        name = colour_class(colour)
        rules.append(f".{name} {{ --station: {colour}; --colour: {colour}; }}")
    header = "/* Station colours of the activities you can see. */"
    return "\n".join([header, *rules]) + "\n"


def _visible_colours(request: HttpRequest) -> list[str]:
    # Staff see their schools' activities; students and families the
    # activities of the schools of the students they may see.
    schools = School.objects.filter(
        Q(pk__in=access_schools(request.user).values("pk"))
        | Q(students__in=access_students(request.user))
    )
    return list(
        Activity.objects.filter(school__in=schools)
        .values_list("colour", flat=True)
        .distinct()
    )


@require_GET
def activity_colours_css(request: HttpRequest) -> HttpResponseBase:
    """Serve the stylesheet of the activity colours the person can see.

    The browser keeps it and asks again with its ETag on every page, so an
    unchanged set of colours costs one small query and an empty answer.
    """
    css = build_colours_css(_visible_colours(request))
    etag = '"' + hashlib.sha256(css.encode()).hexdigest()[:32] + '"'
    unchanged = get_conditional_response(request, etag=etag)
    response = unchanged or HttpResponse(css, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response
