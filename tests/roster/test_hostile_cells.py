"""Hostile input to both importers: a clear report, and nothing written.

Cells that a spreadsheet would run as a formula, cells far longer than any
field, control characters, text in another encoding than UTF-8, and files
missing a required column.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coplanner.curriculum.importing import record_skill_import
from coplanner.curriculum.models import Skill, Subject
from coplanner.roster.importing import record_roster_import
from coplanner.roster.models import Classroom, School, Student
from tests.roster.bundles import HEADERS, cedar, csv_bytes, make_bundle

pytestmark = pytest.mark.django_db

HOSTILE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

formula = st.builds(
    lambda start, rest: start + rest,
    st.sampled_from(["=", "+", "-", "@"]),
    st.sampled_from(['HYPERLINK("http://x")', "1+1", "cmd|' /C calc'!A0", "SUM(A1)"]),
)
huge = st.integers(min_value=1_001, max_value=20_000).map(lambda n: "x" * n)
control = st.sampled_from(["Ava\x00", "Le\x07o", "Mi\x1ba", "Zo\x7fe"])
hostile_cell = st.one_of(formula, huge, control)

# The text cells of each kind of row a hostile value may land in.
ROSTER_CELLS = [
    ("users.csv", 6, "givenName"),
    ("users.csv", 7, "familyName"),
    ("users.csv", 0, "username"),
    ("users.csv", 8, "identifier"),
    ("classes.csv", 1, "title"),
    ("classes.csv", 0, "classCode"),
    ("orgs.csv", 1, "name"),
]


def nothing_in_the_roster() -> bool:
    return not (
        School.objects.exists()
        or Classroom.objects.exists()
        or Student.objects.exists()
    )


def assert_clear_report(result) -> None:
    assert not result.ok
    for problem in result.problems:
        # A sentence that says what is wrong and what to do, ending in a stop.
        assert len(problem.message) > 20 and problem.message.endswith(".")
        assert len(problem.value) <= 80


@HOSTILE
@given(cell=st.sampled_from(ROSTER_CELLS), value=hostile_cell)
def test_a_hostile_roster_cell_is_reported_and_nothing_written(cell, value):
    name, index, column = cell
    files = cedar()
    files[name][index][column] = value

    result = record_roster_import(make_bundle(files))

    assert_clear_report(result)
    assert any(
        problem.file == name and problem.column == column for problem in result.problems
    )
    assert nothing_in_the_roster()


@HOSTILE
@given(
    name=st.sampled_from(sorted(set(HEADERS) - {"demographics.csv"})),
    data=st.data(),
)
def test_a_roster_file_missing_a_required_column_is_refused(name, data):
    from coplanner.roster.oneroster import REQUIRED_COLUMNS

    files = cedar()
    dropped = data.draw(st.sampled_from(REQUIRED_COLUMNS[name]))
    header = [column for column in HEADERS[name].split(",") if column != dropped]
    rows = [",".join(row.get(column, "") for column in header) for row in files[name]]
    raw = ("\r\n".join([",".join(header), *rows]) + "\r\n").encode()

    result = record_roster_import(make_bundle(files, raw={name: raw}))

    assert_clear_report(result)
    assert (name, dropped) in {(p.file, p.column) for p in result.problems}
    assert nothing_in_the_roster()


@HOSTILE
@given(encoding=st.sampled_from(["cp1252", "latin-1", "cp437", "mac-roman"]))
def test_a_roster_file_in_another_encoding_is_refused(encoding):
    files = cedar()
    files["users.csv"][9]["givenName"] = "Zoë"
    raw = csv_bytes("users.csv", files["users.csv"]).decode().encode(encoding)

    result = record_roster_import(make_bundle(files, raw={"users.csv": raw}))

    assert_clear_report(result)
    assert "is not UTF-8 text" in result.problems[0].message
    assert nothing_in_the_roster()


SKILL_ROW = "math.k.count,Counting,Math,KG,,"


@HOSTILE
@given(column=st.sampled_from(["code", "name", "subject"]), value=hostile_cell)
def test_a_hostile_skill_cell_is_reported_and_nothing_written(column, value):
    cells = dict(
        zip(
            ["code", "name", "subject", "grade", "parent", "prerequisites"],
            SKILL_ROW.split(","),
            strict=True,
        )
    )
    cells[column] = value
    quoted = ",".join('"' + cell.replace('"', '""') + '"' for cell in cells.values())
    text = "code,name,subject,grade,parent,prerequisites\n" + quoted + "\n"

    result = record_skill_import("skills.csv", text.encode())

    assert_clear_report(result)
    assert result.problems[0].column == column
    assert not Skill.objects.exists() and not Subject.objects.exists()


@HOSTILE
@given(
    field=st.sampled_from(["humanCodingScheme", "fullStatement"]), value=hostile_cell
)
def test_a_hostile_case_field_is_reported_and_nothing_written(field, value):
    import json
    from pathlib import Path

    package = json.loads(
        (
            Path(__file__).parents[1] / "curriculum" / "early_numeracy.case.json"
        ).read_text()
    )
    if field == "fullStatement" and value.startswith("x"):
        value = value * 2  # a statement is shortened, but not past 10,000 characters
    package["CFItems"][2][field] = value

    result = record_skill_import("numeracy.json", json.dumps(package).encode())

    assert_clear_report(result)
    assert ("CFItems", 3, field) in {
        (p.file, p.line, p.column) for p in result.problems
    }
    assert not Skill.objects.exists()


@HOSTILE
@given(encoding=st.sampled_from(["cp1252", "latin-1"]), dropped=st.booleans())
def test_a_skills_csv_in_another_encoding_or_without_a_column_is_refused(
    encoding, dropped
):
    if dropped:
        data = b"code,name\nmath.k.count,Counting\n"
    else:
        data = "code,name,subject\nmath.k.count,Zählen,Mathé\n".encode(encoding)

    result = record_skill_import("skills.csv", data)

    assert_clear_report(result)
    assert not Skill.objects.exists()
