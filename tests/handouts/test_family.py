"""The family view: read only, own children only, in the family's language."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from coplanner.curriculum.models import Activity, Skill, Variant
from coplanner.voice.models import Reflection
from tests.cast import PASSWORD
from tests.handouts.helpers import add_small_group, add_voice, make_plan, read_po

pytestmark = pytest.mark.django_db


class VisibleText(HTMLParser):
    """Collect the text a reader sees inside <main>, one string per text node."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.hidden = 0
        self.strings: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        if tag in ("style", "script", "title"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        if tag in ("style", "script", "title"):
            self.hidden -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if self.depth and not self.hidden and text:
            self.strings.append(text)


@pytest.fixture
def family(cast):
    add_small_group(cast)
    make_plan(cast.ana, math="count-table")
    make_plan(cast.ben)
    add_voice(cast.ana, "Contar hasta 20")
    Reflection.objects.create(
        student=cast.ana,
        week_start=cast.ana.plans.get().week_start,
        goal_moved=True,
        note="Me gustó leer con Ben",
    )
    return cast


def test_a_family_sees_their_own_child_only(client, family):
    assert client.login(username="lopez", password=PASSWORD)
    own = client.get(reverse("handouts:family_week", args=[family.ana.pk]))
    assert own.status_code == 200
    other = client.get(reverse("handouts:family_week", args=[family.ben.pk]))
    assert other.status_code == 404


def test_the_family_view_shows_plan_progress_goal_and_reflection(client, family):
    family.lopez.language = "en"
    family.lopez.save()
    assert client.login(username="lopez", password=PASSWORD)
    html = client.get(reverse("handouts:family_week", args=[family.ana.pk])).content
    text = html.decode()
    assert "Ana López's week" in text
    assert "Counting table" in text and "With a buddy" in text
    assert "Contar hasta 20" in text and "Me gustó leer con Ben" in text
    assert "<svg" in text and 'width="126.0"' in text  # 30 % of 420
    assert "30 % · Not yet" in text
    # Reasons are the planner's English words: they stay on the staff pages.
    assert "Reason for" not in text


def test_the_spanish_family_view_has_no_untranslated_string(client, family):
    family.lopez.language = "es"
    family.lopez.save()
    assert client.login(username="lopez", password=PASSWORD)
    html = client.get(reverse("handouts:family_week", args=[family.ana.pk])).content
    parser = VisibleText()
    parser.feed(html.decode())

    # What the school typed in is shown as typed; everything else is ours.
    data = {
        *Activity.objects.values_list("name", flat=True),
        *Variant.objects.values_list("label", flat=True),
        *Skill.objects.values_list("name", flat=True),
        "Contar hasta 20",
        "Me gustó leer con Ben",
    }
    catalogue = read_po()
    translated = [s for strs in catalogue.values() for s in strs if s]
    templates = [
        re.compile(re.sub(r"%\\\(\w+\\\)[sd]", ".+", re.escape(s)) + "$")
        for s in translated
    ]
    untranslated = []
    for string in parser.strings:
        bare = string.strip("“”·– ")
        if not bare or bare in data or re.fullmatch(r"[\d\s:%.·,]+", bare):
            continue
        if re.fullmatch(r"\d+ % · .+", bare):
            bare = bare.split(" · ", 1)[1]
        if re.fullmatch(r"\d{1,2} \w{3}\.?", bare):  # "1 dic" next to a day name
            continue
        if not any(t.match(bare) for t in templates):
            untranslated.append(string)
    assert untranslated == []
    assert "Semana del" in html.decode() and "lunes" in html.decode()
    assert "Progress" not in html.decode()


def test_staff_see_the_family_view_in_the_page_language(client, family):
    assert client.login(username="rivera", password=PASSWORD)
    html = client.get(reverse("handouts:family_week", args=[family.ana.pk])).content
    assert b"Progress on this week" in html
