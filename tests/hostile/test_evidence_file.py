"""Hostile evidence files: every bad row reported, nothing written.

The reading of bytes and cells needs no database, so those properties run
many examples; the whole import (students and skills looked up, rows
counted before and after) runs a bounded number against the cast. A file
that is refused must say, for each bad row, its line, its column, its value
and why; a file that cannot be read at all must say why in one sentence.
"""

import codecs
import datetime
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coplanner.mastery.importing import (
    CellError,
    FileUnreadable,
    decode_text,
    is_formula,
    parse_observed_at,
    parse_score,
    read_table,
    record_evidence_import,
)
from coplanner.mastery.models import Evidence, EvidenceSource
from tests.cast import PASSWORD

NOW = timezone.make_aware(datetime.datetime(2025, 1, 15, 12, 0))
MANY = settings(max_examples=400, deadline=None, derandomize=True)
FEW = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE_CELLS = [
    "",
    " ",
    "\u0000",
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "-1",
    "-0.5",
    "1_0",
    "٣",
    "0x10",
    "10/0",
    "101%",
    "-5%",
    "0001-01-01",
    "0001-01-01T00:00+14:00",
    "9999-12-31",
    "31/02/2024",
    "2024-13-40",
    "99/99/9999",
    "1969-12-31",
    "TRUE",
    "maybe",
    "é" * 300,
    "x" * 5_000,
    '"',
    "a\nb",
    "ana",
    "math.k.count20",
    "2024-09-03",
    "1",
    "0.5",
]
cells = st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=30))


class TestReadingBytes:
    @MANY
    @given(st.binary(max_size=2_000))
    def test_random_bytes_are_a_table_or_one_sentence(self, data):
        try:
            table = read_table(decode_text(data))
        except FileUnreadable as error:
            assert str(error).endswith(".")
            return
        assert table.header
        for _line, row in table.rows:
            assert all("\x00" not in cell for cell in row)

    @MANY
    @given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-16", "cp1252"]))
    def test_text_in_any_encoding_is_never_a_crash(self, text, encoding):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            return
        try:
            read_table(decode_text(data))
        except FileUnreadable:
            pass

    def test_nul_bytes_are_refused_with_a_sentence(self):
        with pytest.raises(FileUnreadable, match="not text that can be read"):
            decode_text(b"student,skill,correct\nana,\x00\xff\x00,1\n")

    def test_utf16_without_its_mark_is_read(self):
        text = "student,skill,correct,date\nana,math.k.count20,1,2024-09-03\n"
        for codec in ("utf-16-le", "utf-16-be"):
            assert decode_text(text.encode(codec)) == text
        assert decode_text(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text

    def test_a_cell_past_the_csv_limit_names_its_line(self):
        text = 'student,skill\nana,x\nben,"' + "y" * 200_000 + '"\n'
        with pytest.raises(FileUnreadable) as caught:
            read_table(text)
        assert str(caught.value).startswith("Line 3 has a cell longer than ")


class TestReadingCells:
    @MANY
    @given(cells, cells)
    def test_a_score_is_a_fraction_or_a_reason(self, score, maximum):
        try:
            value = parse_score(score, maximum)
        except CellError as error:
            assert str(error).endswith(".")
            return
        assert math.isfinite(value) and 0 <= value <= 1

    @MANY
    @given(cells)
    def test_a_date_is_a_real_moment_or_a_reason(self, cell):
        try:
            moment = parse_observed_at(cell, NOW, order=None)
        except CellError as error:
            assert str(error).endswith(".")
            return
        assert moment.year >= 1970
        assert moment <= NOW + datetime.timedelta(days=1)
        assert moment.astimezone(datetime.UTC).year >= 1970

    @pytest.mark.parametrize(
        ("cell", "message"),
        [
            ("0001-01-01", "This date is before 1970. Check the year."),
            ("9999-12-31", "This date is in the future. Check the year."),
        ],
    )
    def test_dates_out_of_range(self, cell, message):
        with pytest.raises(CellError, match=message):
            parse_observed_at(cell, NOW, order=None)

    @pytest.mark.parametrize("cell", ["1_0", "٣", "0x10", " 1 0"])
    def test_numbers_are_plain_digits(self, cell):
        with pytest.raises(CellError, match="This is not a number"):
            parse_score(cell, "10")

    @pytest.mark.parametrize(
        ("cell", "formula"),
        [
            ('=HYPERLINK("http://x","y")', True),
            ("+SUM(A1)", True),
            ("-2+3", True),
            ("@A1", True),
            ("-3", False),
            ("+0.5", False),
            ("p12", False),
            ("", False),
        ],
    )
    def test_what_a_spreadsheet_runs_as_a_formula(self, cell, formula):
        assert is_formula(cell) is formula


HEADER = "student_id,skill,correct,timestamp,problem_id"
GOOD_ROW = ["ana", "math.k.count20", "1", "2024-09-03 10:15", "p1"]


def csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def build_file(rows: list[list[str]]) -> bytes:
    lines = [HEADER] + [",".join(csv_cell(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def counts() -> tuple[int, int]:
    return Evidence.objects.count(), EvidenceSource.objects.count()


@pytest.mark.django_db
class TestTheWholeImport:
    @FEW
    @given(
        st.lists(st.tuples(st.integers(0, 4), cells), min_size=1, max_size=4),
        st.integers(1, 40),
    )
    def test_hostile_cells_are_reported_and_nothing_is_written(
        self, cast, hostile, good_rows
    ):
        rows = [
            [*GOOD_ROW[:3], f"2024-09-{1 + n % 28:02d} 10:{n % 60:02d}", f"p{n}"]
            for n in range(good_rows)
        ]
        target = len(rows) // 2
        for column, value in hostile:
            rows[target][column] = value
        before = counts()
        result = record_evidence_import(cast.school, "Hostile app", build_file(rows))
        if result.ok:
            return  # the cells happened to be good ones
        assert counts() == before
        assert result.new == 0
        header = HEADER.split(",")
        for problem in result.problems:
            assert (
                2
                <= problem.line
                <= len(rows) + 1 + sum(cell.count("\n") for row in rows for cell in row)
            )
            assert problem.column in header or problem.column == ""
            assert problem.message.endswith(".")
        for message in result.file_problems:
            assert message.endswith(".")

    def test_a_formula_in_the_item_is_a_bad_row(self, cast):
        row = [*GOOD_ROW[:4], '=HYPERLINK("http://evil.example","x")']
        result = record_evidence_import(cast.school, "App", build_file([row]))
        assert [(p.line, p.column, p.value) for p in result.problems] == [
            (2, "problem_id", '=HYPERLINK("http://evil.example","x")')
        ]
        assert result.problems[0].message.startswith("This is a spreadsheet formula")
        assert counts() == (0, 0)

    def test_two_columns_with_one_recognised_name(self, cast):
        data = (
            b"student,student,skill,correct,date\nana,ben,math.k.count20,1,2024-09-03\n"
        )
        result = record_evidence_import(cast.school, "App", data)
        assert result.file_problems == (
            "The file has 2 columns named “student”. Rename all but one, then "
            "import the file again.",
        )
        assert counts() == (0, 0)

    @pytest.mark.parametrize(
        ("score", "message"),
        [
            ("-1", "A score cannot be below 0. Check the score."),
            ("NaN", "This is not a number."),
            ("inf", "This is not a number."),
            ("1e400", "This is not a number."),
        ],
    )
    def test_scores_no_test_gives(self, cast, score, message):
        data = (
            f"student,skill,score,max,date\nana,math.k.count20,{score},10,2024-09-03\n"
        )
        result = record_evidence_import(cast.school, "Tests", data.encode())
        assert [(p.line, p.column, p.value) for p in result.problems] == [
            (2, "score", score)
        ]
        assert result.problems[0].message.startswith(message)
        assert counts() == (0, 0)

    def test_a_date_of_year_one(self, cast):
        data = b"student,skill,correct,date\nana,math.k.count20,1,0001-01-01\n"
        result = record_evidence_import(cast.school, "App", data)
        assert [(p.line, p.column, p.value, p.message) for p in result.problems] == [
            (2, "date", "0001-01-01", "This date is before 1970. Check the year.")
        ]

    def test_a_large_file_of_bad_rows_is_reported_quickly(self, cast):
        rows = [
            ["nobody", "math.k.count20", "1", "2024-09-03", f"p{n}"]
            for n in range(20_000)
        ]
        data = build_file(rows)
        started = datetime.datetime.now()
        result = record_evidence_import(cast.school, "App", data)
        seconds = (datetime.datetime.now() - started).total_seconds()
        assert len(result.problems) == 20_000 and result.bad_lines == 20_000
        assert counts() == (0, 0)
        assert seconds < 20


URL = "/mastery/import/"


@pytest.mark.django_db
class TestTheUploadPage:
    def test_a_file_far_too_large_is_refused_before_it_is_read(self, client, cast):
        assert client.login(username="rivera", password=PASSWORD)
        data = b"student_id,skill,correct,timestamp\n" + b"x" * (22 * 1024 * 1024)
        response = client.post(
            URL, {"source": "Big", "file": SimpleUploadedFile("big.csv", data)}
        )
        assert response.status_code == 413
        text = response.content.decode()
        assert "The file is larger than 20 MB, so it was not read." in text
        assert counts() == (0, 0)

    def test_a_file_just_past_the_limit_is_stopped_while_it_is_read(self, client, cast):
        # Its announced length passes the first check; the upload handler
        # stops it at 20 MB.
        assert client.login(username="rivera", password=PASSWORD)
        data = b"x" * (20 * 1024 * 1024 + 300 * 1024)
        response = client.post(
            URL, {"source": "Big", "file": SimpleUploadedFile("big.csv", data)}
        )
        assert response.status_code == 413, response.content.decode()[-3000:]
        assert "larger than 20 MB" in response.content.decode()
        assert counts() == (0, 0)

    def test_a_file_within_the_limit_is_imported(self, client, cast):
        assert client.login(username="rivera", password=PASSWORD)
        data = build_file([GOOD_ROW])
        response = client.post(
            URL, {"source": "App", "file": SimpleUploadedFile("ok.csv", data)}
        )
        assert response.status_code == 200
        assert counts() == (1, 1)

    def test_the_csrf_check_still_holds(self, cast):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        assert client.login(username="rivera", password=PASSWORD)
        data = build_file([GOOD_ROW])
        response = client.post(
            URL, {"source": "App", "file": SimpleUploadedFile("ok.csv", data)}
        )
        assert response.status_code == 403
        assert counts() == (0, 0)
