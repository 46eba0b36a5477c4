"""Evidence import: reading exports, checking every row, all or nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from coplanner.curriculum.models import Skill
from coplanner.mastery.importing import (
    CellError,
    RowProblem,
    parse_observed_at,
    parse_score,
    read_table,
    record_evidence_import,
)
from coplanner.mastery.models import (
    DateOrder,
    Evidence,
    EvidenceKind,
    EvidenceSource,
)
from coplanner.roster.models import Student

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2025, 1, 15, 12, 0))

RESPONSES = (
    "student_id,skill,correct,timestamp,problem_id\n"
    "ana,math.k.count20,TRUE,2024-09-03 10:15,p1\n"
    "ana,math.k.count20,0,2024-09-03 10:16,p2\n"
    "ben,math.k.add10,yes,2024-09-04T09:00:00,p1\n"
)


@pytest.fixture
def add10(cast):
    return Skill.objects.create(
        code="math.k.add10", subject=cast.math, grade=0, name="Adding within 10"
    )


def local(*parts: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*parts))


def problems(result) -> list[tuple[int, str, str, str]]:
    return [(p.line, p.column, p.value, p.message) for p in result.problems]


class TestItemResponses:
    def test_rows_become_evidence_with_their_answer_time_and_item(self, cast, add10):
        result = record_evidence_import(cast.school, "Practice", RESPONSES.encode())

        assert result.ok
        assert (result.kind, result.rows, result.new, result.held) == (
            "response",
            3,
            3,
            0,
        )
        rows = list(
            Evidence.objects.order_by("observed_at").values_list(
                "student__code", "skill__code", "kind", "correct", "score", "item"
            )
        )
        assert rows == [
            ("ana", "math.k.count20", "response", True, None, "p1"),
            ("ana", "math.k.count20", "response", False, None, "p2"),
            ("ben", "math.k.add10", "response", True, None, "p1"),
        ]
        first = Evidence.objects.order_by("observed_at").first()
        assert first.observed_at == local(2024, 9, 3, 10, 15)
        assert set(Evidence.objects.values_list("source", flat=True)) == {"Practice"}

    @pytest.mark.parametrize(
        "word, correct",
        [
            ("TRUE", True),
            ("false", False),
            ("1", True),
            ("0", False),
            ("Yes", True),
            ("no", False),
        ],
    )
    def test_correct_reads_spreadsheet_words(self, cast, word, correct):
        data = f"student,skill,correct,date\nana,math.k.count20,{word},2024-09-03\n"
        assert record_evidence_import(cast.school, "P", data.encode()).new == 1
        assert Evidence.objects.get().correct is correct

    def test_a_student_is_found_by_username_when_the_code_differs(self, cast):
        Student.objects.filter(pk=cast.ana.pk).update(code="S-0001")
        data = "student,skill,correct,date\nana,math.k.count20,1,2024-09-03\n"
        result = record_evidence_import(cast.school, "P", data.encode())
        assert result.new == 1
        assert Evidence.objects.get().student_id == cast.ana.pk


class TestScores:
    def test_a_score_becomes_its_fraction_of_the_max(self, cast):
        data = (
            "Student;Skill;Points;Points possible;Date\n"
            "ana;math.k.count20;7;10;03/09/2024\n"
            "ben;math.k.count20;7,5;10;04/09/2024\n"
            "carla;math.k.count20;85%;;05/09/2024\n"
            "ana;math.k.count20;0.4;;06/09/2024\n"
        )
        result = record_evidence_import(
            cast.school, "Unit tests", data.encode(), date_order=DateOrder.DAY_FIRST
        )

        assert result.ok and result.kind == "score" and result.new == 4
        evidence = Evidence.objects.order_by("observed_at")
        assert set(evidence.values_list("kind", flat=True)) == {"score"}
        assert list(evidence.values_list("score", flat=True)) == pytest.approx(
            [0.7, 0.75, 0.85, 0.4]
        )
        assert Evidence.objects.order_by("observed_at").first().observed_at == local(
            2024, 9, 3
        )

    def test_a_file_with_correct_and_score_is_read_as_responses(self, cast):
        data = "student,skill,correct,score,date\nana,math.k.count20,1,5,2024-09-03\n"
        result = record_evidence_import(cast.school, "P", data.encode())
        assert result.kind == "response" and "score" not in result.columns

    def test_naming_the_score_column_reads_scores_instead(self, cast):
        data = "student,skill,correct,marks,date\nana,math.k.count20,1,0.5,2024-09-03\n"
        result = record_evidence_import(
            cast.school, "P", data.encode(), columns={"marks": "score"}
        )
        assert result.kind == "score" and "correct" not in result.columns
        assert Evidence.objects.get().score == 0.5


class TestEveryBadRowIsReported:
    def test_response_rows_each_name_line_column_value_and_what_to_do(self, cast):
        long_item = "x" * 129
        data = (
            "student,skill,correct,time,item\n"
            ',math.k.count20,1,2024-09-03,"a question\nover two lines"\n'
            "zoe,math.k.count20,1,2024-09-03,q2\n"
            "ana,,1,2024-09-03,q3\n"
            "ana,math.k.cnt20,1,2024-09-03,q4\n"
            "ana,math.k.count20,maybe,2024-09-03,q5\n"
            "ana,math.k.count20,,2024-09-03,q6\n"
            "\n"
            "ana,math.k.count20,1,,q7\n"
            "ana,math.k.count20,1,next tuesday,q8\n"
            "ana,math.k.count20,1,09/23/2024,q9\n"
            "ana,math.k.count20,1,2099-01-01,q10\n"
            "ana,math.k.count20,1,02/30/2024,q11\n"
            f"ana,math.k.count20,1,2024-09-03,{long_item}\n"
            "ana,math.k.count20,1,2024-09-03,q12,extra\n"
            "ben,math.k.count20,1,2024-09-03,q13\n"
            "ben,math.k.count20,0,2024-09-03,q13\n"
            "ben,math.k.count20,1,2024-09-04,q14\n"
        )
        result = record_evidence_import(cast.school, "Practice", data.encode())

        date_help = (
            "Write it as 2024-09-03, with a time if you have one, such as "
            "2024-09-03 10:15."
        )
        assert problems(result) == [
            (
                2,
                "student",
                "",
                "The student is missing. Fill in the student's code, or delete the row.",
            ),
            (
                3,
                "student",
                "zoe",
                "No student in this school has this code. Check it against the class list, or add the student to the roster first; an evidence import never adds students.",
            ),
            (
                4,
                "skill",
                "",
                "The skill is missing. Fill in the skill's code, or delete the row.",
            ),
            (
                5,
                "skill",
                "math.k.cnt20",
                "No skill has this code. Check it against the skills list, or add the skill first; an evidence import never adds skills.",
            ),
            (
                6,
                "correct",
                "maybe",
                "This does not say right or wrong. Write TRUE or FALSE (1/0 and yes/no work too); for partial credit, import the file as scores.",
            ),
            (
                7,
                "correct",
                "",
                "Whether the answer was right is missing. Write TRUE or FALSE (1/0 and yes/no work too).",
            ),
            (9, "time", "", f"The date is missing. {date_help}"),
            (
                10,
                "time",
                "next tuesday",
                f"This is not a date that can be read. {date_help}",
            ),
            (12, "time", "2099-01-01", "This date is in the future. Check the year."),
            (
                13,
                "time",
                "02/30/2024",
                f"This date does not exist. Check it. {date_help}",
            ),
            (
                14,
                "item",
                long_item,
                "The item is longer than 128 characters. Shorten it.",
            ),
            (
                15,
                "",
                "extra",
                "This row has more cells than the header. A value that holds the separator (; or ,) needs quotes around it.",
            ),
            (
                17,
                "student",
                "ben",
                "This row repeats line 16: the same student, skill, item and time. Delete one of them, or add a column that tells the two apart (the item).",
            ),
        ]
        assert result.bad_lines == 13
        assert (result.new, result.held) == (0, 0)
        assert not Evidence.objects.exists()
        assert not EvidenceSource.objects.exists()

    def test_score_rows_each_say_what_is_wrong_with_the_score_or_max(self, cast):
        data = (
            "student,skill,score,max,date\n"
            "ana,math.k.count20,,10,2024-09-03\n"
            "ana,math.k.count20,seven,10,2024-09-04\n"
            "ana,math.k.count20,-1,10,2024-09-05\n"
            "ana,math.k.count20,11,10,2024-09-06\n"
            "ana,math.k.count20,3,0,2024-09-07\n"
            "ana,math.k.count20,3,,2024-09-08\n"
            "ana,math.k.count20,120%,,2024-09-09\n"
            "ana,math.k.count20,80%,10,2024-09-10\n"
            "ana,math.k.count20,8,10,2024-09-11\n"
        )
        result = record_evidence_import(cast.school, "Tests", data.encode())

        assert problems(result) == [
            (2, "score", "", "The score is missing. Fill it in, or delete the row."),
            (
                3,
                "score",
                "seven",
                "This is not a number. Write the score as a number, such as 7 or 7.5.",
            ),
            (4, "score", "-1", "A score cannot be below 0. Check the score."),
            (
                5,
                "score",
                "11",
                "The score is more than the max (10). Check both, then import the file again.",
            ),
            (6, "max", "0", "The max must be a number above 0, such as 10. Check it."),
            (
                7,
                "score",
                "3",
                "Without a max, a score must be between 0 and 1, or a percentage such as 85%. Add a column with the points possible to the file.",
            ),
            (
                8,
                "score",
                "120%",
                "A percentage cannot be more than 100%. Check the score.",
            ),
            (
                9,
                "score",
                "80%",
                "This score is a percentage and the row also has a max. Give one or the other.",
            ),
        ]
        assert not Evidence.objects.exists()

    def test_unknown_students_and_skills_are_reported_never_created(self, cast):
        students, skills = Student.objects.count(), Skill.objects.count()
        data = (
            "student,skill,correct,date\n"
            "ana,math.k.count20,1,2024-09-03\n"
            "newkid,math.k.count20,1,2024-09-03\n"
            "ana,science.k.magnets,1,2024-09-03\n"
        )
        result = record_evidence_import(cast.school, "P", data.encode())

        assert [(p.line, p.column, p.value) for p in result.problems] == [
            (3, "student", "newkid"),
            (4, "skill", "science.k.magnets"),
        ]
        assert (Student.objects.count(), Skill.objects.count()) == (students, skills)
        assert not Evidence.objects.exists()

    def test_a_student_of_another_school_is_unknown(self, cast):
        from coplanner.roster.models import School

        other = School.objects.create(name="Oak Middle", slug="oak")
        data = "student,skill,correct,date\nana,math.k.count20,1,2024-09-03\n"
        result = record_evidence_import(other, "P", data.encode())
        assert [(p.line, p.column, p.value) for p in result.problems] == [
            (2, "student", "ana")
        ]

    def test_a_held_observation_with_another_result_is_a_clash(self, cast):
        first = "student,skill,correct,date,item\nana,math.k.count20,1,2024-09-03,q1\n"
        record_evidence_import(cast.school, "P", first.encode())
        changed = first.replace(",1,", ",0,") + "ben,math.k.count20,1,2024-09-03,q1\n"
        result = record_evidence_import(cast.school, "P", changed.encode())

        assert problems(result) == [
            (
                2,
                "student",
                "ana",
                "The school already holds this observation from this source with another result. Correct the row, or ask your school leader to remove the old evidence in the admin pages first.",
            ),
        ]
        assert Evidence.objects.count() == 1
        assert Evidence.objects.get().correct is True


class TestFileProblems:
    def test_an_empty_file_says_so(self, cast):
        result = record_evidence_import(cast.school, "P", b"")
        assert result.file_problems == (
            "The file is empty. Export the data again, with a header row.",
        )

    def test_a_header_without_rows_says_so(self, cast):
        result = record_evidence_import(
            cast.school, "P", b"student,skill,correct,date\n"
        )
        assert result.file_problems == (
            "The file has a header but no rows of evidence. Check that you "
            "exported the right file.",
        )

    def test_columns_that_cannot_be_recognised_are_named(self, cast):
        data = "Pupil,Objective,Right?,When\nana,math.k.count20,1,2024-09-03\n"
        result = record_evidence_import(cast.school, "Odd", data.encode())

        listed = "“Pupil”, “Objective”, “Right?”, “When”"
        assert result.file_problems == (
            f"No column holds the student. The file's columns are: {listed}.",
            f"No column holds the skill. The file's columns are: {listed}.",
            f"No column holds the date. The file's columns are: {listed}.",
            "No column holds the correct (right or wrong) or the score. The "
            f"file's columns are: {listed}.",
        )
        assert result.unmapped == ("student", "skill", "time", "correct or score")
        assert not EvidenceSource.objects.exists()

    def test_a_file_that_is_not_text_is_refused(self, cast):
        result = record_evidence_import(cast.school, "P", b"\x81\x8d\x8f\x90\x9d")
        assert result.file_problems == (
            "The file is not text that can be read. Save it from your "
            "spreadsheet as CSV (comma or semicolon separated), then import it "
            "again.",
        )


class TestExcelExports:
    def test_utf8_with_bom_and_semicolons_and_day_month_dates(self, cast):
        data = (
            "\ufeffStudent ID;Skill;Correct;Date\r\n"
            "ana;math.k.count20;TRUE;03.09.2024 10:15\r\n"
            "ben;math.k.count20;FALSE;14/9/24\r\n"
        ).encode("utf-8")
        result = record_evidence_import(cast.school, "Excel", data)

        assert result.ok and result.new == 2
        times = list(
            Evidence.objects.order_by("observed_at").values_list(
                "observed_at", flat=True
            )
        )
        assert times == [local(2024, 9, 3, 10, 15), local(2024, 9, 14)]

    def test_windows_1252_with_tabs_and_quoted_line_breaks(self, cast):
        data = (
            "Élève\tCompétence\tCorrect\tDate\tQuestion\r\n"
            'ana\tmath.k.count20\t1\t2024-09-03\t"Combien ?\r\nÇa fait 12"\r\n'
            "ben\tmath.k.count20\t0\t2024-09-03\tQ2\r\n"
        ).encode("cp1252")
        result = record_evidence_import(
            cast.school,
            "Logiciel",
            data,
            columns={"Élève": "student", "Compétence": "skill", "Question": "item"},
        )

        assert result.ok and result.new == 2
        assert set(Evidence.objects.values_list("item", flat=True)) == {
            "Combien ?\r\nÇa fait 12",
            "Q2",
        }

    def test_line_numbers_count_a_quoted_line_break_as_one_row(self, cast):
        data = (
            "student,skill,correct,date,item\n"
            'ana,math.k.count20,1,2024-09-03,"two\nlines"\n'
            "ana,math.k.count20,1,someday,q2\n"
        )
        result = record_evidence_import(cast.school, "P", data.encode())
        assert [(p.line, p.column) for p in result.problems] == [(3, "date")]

    def test_utf16_and_an_excel_separator_line(self, cast):
        utf16 = "student\tskill\tcorrect\tdate\nana\tmath.k.count20\t1\t2024-09-03\n"
        assert record_evidence_import(cast.school, "A", utf16.encode("utf-16")).new == 1
        sep = "sep=;\nstudent;skill;correct;date\nben;math.k.count20;1;2024-09-03\n"
        result = record_evidence_import(cast.school, "B", sep.encode())
        assert result.new == 1
        bad = "sep=;\nstudent;skill;correct;date\nben;math.k.count20;1;never\n"
        assert (
            record_evidence_import(cast.school, "B", bad.encode()).problems[0].line == 2
        )


class TestReimport:
    def test_the_same_file_twice_changes_nothing(self, cast, add10):
        first = record_evidence_import(cast.school, "Practice", RESPONSES.encode())
        stored = list(Evidence.objects.order_by("pk").values())
        again = record_evidence_import(cast.school, "Practice", RESPONSES.encode())

        assert (first.new, first.held) == (3, 0)
        assert again.ok and (again.new, again.held) == (0, 3)
        assert list(Evidence.objects.order_by("pk").values()) == stored

    def test_a_longer_file_adds_only_its_new_rows(self, cast, add10):
        record_evidence_import(cast.school, "Practice", RESPONSES.encode())
        longer = RESPONSES + "carla,math.k.add10,no,2024-09-05 08:30,p9\n"
        result = record_evidence_import(cast.school, "Practice", longer.encode())
        assert (result.new, result.held) == (1, 3)
        assert Evidence.objects.count() == 4

    def test_dry_run_checks_and_writes_nothing(self, cast, add10):
        result = record_evidence_import(
            cast.school, "Practice", RESPONSES.encode(), dry_run=True
        )
        assert result.ok and result.new == 3
        assert not Evidence.objects.exists() and not EvidenceSource.objects.exists()


class TestRememberedColumns:
    ODD = "Pupil,Objective,Right?,When,Task\nana,math.k.count20,1,2024-09-03,t1\n"
    MAP = {
        "Pupil": "student",
        "Objective": "skill",
        "Right?": "correct",
        "When": "date",
        "Task": "item",
    }

    def test_the_first_import_stores_the_mapping_and_later_ones_reuse_it(self, cast):
        first = record_evidence_import(
            cast.school, "Math Quest", self.ODD.encode(), columns=self.MAP
        )
        assert first.ok and first.learned
        source = EvidenceSource.objects.get(school=cast.school)
        assert (source.name, source.columns) == (
            "Math Quest",
            {
                "student": "Pupil",
                "skill": "Objective",
                "correct": "Right?",
                "time": "When",
                "item": "Task",
            },
        )

        later = self.ODD.replace("t1", "t2")
        second = record_evidence_import(cast.school, "math quest", later.encode())
        assert second.ok and not second.learned and second.new == 1
        assert set(Evidence.objects.values_list("source", "item")) == {
            ("Math Quest", "t1"),
            ("Math Quest", "t2"),
        }

    def test_recognised_headers_are_remembered_as_they_are_spelled(self, cast):
        data = "User ID,KC,Correct First Attempt,Timestamp\nana,math.k.count20,1,2024-09-03\n"
        record_evidence_import(cast.school, "Tutor", data.encode())
        assert EvidenceSource.objects.get().columns == {
            "student": "User ID",
            "skill": "KC",
            "correct": "Correct First Attempt",
            "time": "Timestamp",
        }

    def test_a_remembered_column_missing_from_a_later_file_is_named(self, cast):
        record_evidence_import(
            cast.school, "Math Quest", self.ODD.encode(), columns=self.MAP
        )
        renamed = self.ODD.replace("Pupil", "Kid")
        result = record_evidence_import(cast.school, "Math Quest", renamed.encode())

        assert result.file_problems == (
            "The file has no column “Pupil”, which held the student in earlier "
            "files from Math Quest. Check that the file comes from Math Quest; if "
            "its export changed, name the new column.",
        )
        assert result.unmapped == ("student",)
        assert Evidence.objects.count() == 1

    def test_a_new_mapping_replaces_the_remembered_one(self, cast):
        record_evidence_import(
            cast.school, "Math Quest", self.ODD.encode(), columns=self.MAP
        )
        renamed = self.ODD.replace("Pupil", "Kid").replace("t1", "t3")
        result = record_evidence_import(
            cast.school, "Math Quest", renamed.encode(), columns={"Kid": "student"}
        )
        assert result.ok and result.new == 1 and result.learned
        assert EvidenceSource.objects.get().columns["student"] == "Kid"

    def test_each_school_keeps_its_own_mapping(self, cast):
        from coplanner.roster.models import School

        other = School.objects.create(name="Oak Middle", slug="oak")
        record_evidence_import(
            cast.school, "Math Quest", self.ODD.encode(), columns=self.MAP
        )
        result = record_evidence_import(other, "Math Quest", self.ODD.encode())
        assert result.unmapped == ("student", "skill", "time", "correct or score")


class TestDateOrder:
    AMBIGUOUS = (
        "student,skill,correct,date,item\n"
        "ana,math.k.count20,1,03/09/2024,q1\n"
        "ben,math.k.count20,0,04/09/2024 10:15,q2\n"
    )
    REFUSED = (
        "Dates such as 03/09/2024 (line 2) could be day/month/year or "
        "month/day/year, and no date in the file tells which. Choose the date "
        "order, or export the dates as 2024-09-03, then import the file again."
    )

    def observed(self) -> list[datetime.datetime]:
        return list(
            Evidence.objects.order_by("item").values_list("observed_at", flat=True)
        )

    def test_a_second_number_past_12_makes_the_file_month_first(self, cast):
        data = self.AMBIGUOUS + "carla,math.k.count20,1,12/31/2024,q3\n"
        result = record_evidence_import(cast.school, "US Quiz", data.encode())

        assert result.ok and result.new == 3
        assert (result.date_order, result.date_order_from) == (
            DateOrder.MONTH_FIRST,
            "file",
        )
        assert result.dates_read_as == (
            "Dates read as month/day/year, as the file shows."
        )
        assert self.observed() == [
            local(2024, 3, 9),
            local(2024, 4, 9, 10, 15),
            local(2024, 12, 31),
        ]
        assert EvidenceSource.objects.get().date_order == DateOrder.MONTH_FIRST

    def test_a_first_number_past_12_makes_the_file_day_first(self, cast):
        data = self.AMBIGUOUS + "carla,math.k.count20,1,31/12/2024,q3\n"
        result = record_evidence_import(cast.school, "EU Quiz", data.encode())

        assert result.ok and result.date_order == DateOrder.DAY_FIRST
        assert self.observed() == [
            local(2024, 9, 3),
            local(2024, 9, 4, 10, 15),
            local(2024, 12, 31),
        ]
        assert EvidenceSource.objects.get().date_order == DateOrder.DAY_FIRST

    def test_a_file_whose_dates_fit_both_orders_is_refused(self, cast):
        result = record_evidence_import(cast.school, "Quiz", self.AMBIGUOUS.encode())

        assert result.file_problems == (self.REFUSED,)
        assert result.date_order_unknown and not result.problems
        assert not Evidence.objects.exists()
        assert not EvidenceSource.objects.exists()

    def test_the_chosen_order_reads_the_file_and_is_remembered(self, cast):
        result = record_evidence_import(
            cast.school,
            "Quiz",
            self.AMBIGUOUS.encode(),
            date_order=DateOrder.MONTH_FIRST,
        )

        assert result.ok and result.date_order_from == "chosen"
        assert result.dates_read_as == (
            "Dates read as month/day/year, as chosen for this import."
        )
        assert self.observed() == [local(2024, 3, 9), local(2024, 4, 9, 10, 15)]
        assert EvidenceSource.objects.get().date_order == DateOrder.MONTH_FIRST

    def test_the_remembered_order_reads_a_later_file_that_does_not_tell(self, cast):
        first = "student,skill,correct,date,item\nana,math.k.count20,1,12/31/2024,q0\n"
        record_evidence_import(cast.school, "Quiz", first.encode())

        result = record_evidence_import(cast.school, "quiz", self.AMBIGUOUS.encode())

        assert result.ok and result.new == 2
        assert (result.date_order, result.date_order_from) == (
            DateOrder.MONTH_FIRST,
            "source",
        )
        assert result.dates_read_as == (
            "Dates read as month/day/year, as in earlier files from Quiz."
        )
        assert self.observed() == [
            local(2024, 12, 31),
            local(2024, 3, 9),
            local(2024, 4, 9, 10, 15),
        ]

    def test_a_file_showing_the_other_order_is_read_in_it_with_a_note(self, cast):
        record_evidence_import(
            cast.school,
            "Quiz",
            self.AMBIGUOUS.encode(),
            date_order=DateOrder.MONTH_FIRST,
        )
        data = (
            "student,skill,correct,date,item\n"
            "ana,math.k.count20,1,05/09/2024,q5\n"
            "ben,math.k.count20,1,25/09/2024,q6\n"
        )
        result = record_evidence_import(cast.school, "Quiz", data.encode())

        assert result.ok and result.date_order == DateOrder.DAY_FIRST
        assert result.notes == (
            "The dates of this file are day/month/year (such as 25/09/2024 on "
            "line 3), unlike earlier files from Quiz, which were month/day/year. "
            "Later files from Quiz whose dates fit both orders are read as "
            "day/month/year.",
        )
        assert Evidence.objects.get(item="q5").observed_at == local(2024, 9, 5)
        assert EvidenceSource.objects.get().date_order == DateOrder.DAY_FIRST

    def test_dates_that_contradict_most_of_the_file_are_bad_rows(self, cast):
        data = (
            "student,skill,correct,date,item\n"
            "ana,math.k.count20,1,31/12/2024,q1\n"
            "ana,math.k.count20,1,13/11/2024,q2\n"
            "ben,math.k.count20,1,12/31/2024,q3\n"
            "ben,math.k.count20,1,03/09/2024,q4\n"
        )
        result = record_evidence_import(cast.school, "Quiz", data.encode())

        assert problems(result) == [
            (
                4,
                "date",
                "12/31/2024",
                "This date is month/day/year (there is no month 31), but most "
                "dates in this file are day/month/year, such as 31/12/2024 on "
                "line 2. Write it in that order, then import the file again.",
            ),
        ]
        assert not Evidence.objects.exists()
        assert not EvidenceSource.objects.exists()

    def test_as_many_dates_of_each_order_refuse_the_file(self, cast):
        data = (
            "student,skill,correct,date\n"
            "ana,math.k.count20,1,31/12/2024\n"
            "ben,math.k.count20,1,12/30/2024\n"
        )
        result = record_evidence_import(cast.school, "Quiz", data.encode())

        assert result.file_problems == (
            "This file has as many day/month/year dates (such as 31/12/2024 on "
            "line 2) as month/day/year ones (such as 12/30/2024 on line 3). "
            "Choose the date order to see the dates that do not fit it, or "
            "export the dates as 2024-09-03.",
        )
        assert result.date_order_unknown
        assert not Evidence.objects.exists()

    def test_the_remembered_order_breaks_a_tie(self, cast):
        record_evidence_import(
            cast.school, "Quiz", self.AMBIGUOUS.encode(), date_order=DateOrder.DAY_FIRST
        )
        data = (
            "student,skill,correct,date,item\n"
            "ana,math.k.count20,1,31/12/2024,q7\n"
            "ben,math.k.count20,1,12/30/2024,q8\n"
        )
        result = record_evidence_import(cast.school, "Quiz", data.encode())

        assert problems(result) == [
            (
                3,
                "date",
                "12/30/2024",
                "This date is month/day/year (there is no month 30), but earlier "
                "files from this source were day/month/year, and this file has as "
                "many dates of each order. Write it in that order, then import the "
                "file again.",
            ),
        ]

    def test_a_date_that_contradicts_the_chosen_order_is_a_bad_row(self, cast):
        data = self.AMBIGUOUS + "carla,math.k.count20,1,12/31/2024,q3\n"
        result = record_evidence_import(
            cast.school, "Quiz", data.encode(), date_order=DateOrder.DAY_FIRST
        )

        assert problems(result) == [
            (
                4,
                "date",
                "12/31/2024",
                "This date is month/day/year (there is no month 31), but "
                "day/month/year was chosen for this import. Choose month/day/year "
                "if the whole file is, or fix the date.",
            ),
        ]
        assert not Evidence.objects.exists()

    def test_a_dry_run_remembers_no_order(self, cast):
        record_evidence_import(
            cast.school,
            "Quiz",
            self.AMBIGUOUS.encode(),
            date_order=DateOrder.MONTH_FIRST,
            dry_run=True,
        )
        result = record_evidence_import(cast.school, "Quiz", self.AMBIGUOUS.encode())
        assert result.file_problems == (self.REFUSED,)

    def test_iso_dates_need_and_store_no_order(self, cast):
        data = "student,skill,correct,date\nana,math.k.count20,1,2024-09-03\n"
        result = record_evidence_import(
            cast.school, "Quiz", data.encode(), date_order=DateOrder.MONTH_FIRST
        )

        assert result.ok and result.date_order is None and not result.dates_read_as
        assert EvidenceSource.objects.get().date_order == ""


class TestReadingCells:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("2024-09-03", (2024, 9, 3, 0, 0)),
            ("2024-09-03 10:15", (2024, 9, 3, 10, 15)),
            ("2024/09/03", (2024, 9, 3, 0, 0)),
            ("03/09/2024", (2024, 9, 3, 0, 0)),
            ("3.9.2024 7:05", (2024, 9, 3, 7, 5)),
            ("03-09-24 14:30:10", (2024, 9, 3, 14, 30)),
        ],
    )
    def test_dates_in_iso_and_day_month_year(self, text, expected):
        moment = parse_observed_at(text, NOW, order=DateOrder.DAY_FIRST)
        assert moment == local(*expected, 10 if text.endswith(":10") else 0)

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("2024-09-03", (2024, 9, 3)),
            ("03/09/2024", (2024, 3, 9)),
            ("12/31/24", (2024, 12, 31)),
        ],
    )
    def test_dates_in_iso_and_month_day_year(self, text, expected):
        moment = parse_observed_at(text, NOW, order=DateOrder.MONTH_FIRST)
        assert moment == local(*expected)

    def test_without_an_order_a_date_is_read_in_the_one_order_it_fits(self):
        assert parse_observed_at("31/12/2024", NOW, order=None) == local(2024, 12, 31)
        assert parse_observed_at("12/31/2024", NOW, order=None) == local(2024, 12, 31)
        with pytest.raises(CellError, match="could be day/month/year or month/day"):
            parse_observed_at("03/09/2024", NOW, order=None)

    def test_a_date_that_cannot_be_in_the_order_says_so(self):
        with pytest.raises(CellError) as raised:
            parse_observed_at("12/31/2024", NOW, order=DateOrder.DAY_FIRST)
        assert str(raised.value) == (
            "There is no month 31 in a day/month/year date. Check the date and "
            "the date order."
        )

    def test_a_time_with_a_zone_keeps_it(self):
        moment = parse_observed_at("2024-09-03T10:15:00Z", NOW, order=None)
        assert moment == datetime.datetime(2024, 9, 3, 10, 15, tzinfo=datetime.UTC)

    def test_score_without_max_must_be_a_fraction(self):
        assert parse_score("0.5", "") == 0.5
        with pytest.raises(CellError):
            parse_score("5", "")

    def test_separator_is_sniffed_from_the_header(self):
        assert read_table("a;b,c;d\n1;2,3;4\n").separator == ";"
        assert read_table("a\tb\n1\t2\n").separator == "\t"
        assert read_table('"a,b";c;d\n1;2;3\n').separator == ";"


class TestCommand:
    def run(self, *args: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command("import-evidence", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def write(self, tmp_path, text: str, encoding: str = "utf-8"):
        path = tmp_path / "evidence.csv"
        path.write_bytes(text.encode(encoding))
        return str(path)

    def test_prints_counts_the_mapping_and_the_next_step(self, cast, add10, tmp_path):
        path = self.write(tmp_path, RESPONSES)
        out, _ = self.run(path, "--source", "Practice")
        assert out.splitlines() == [
            "Imported item responses from Practice for Maple Elementary: 3 new, "
            "0 already held.",
            "Remembered the columns of Practice: student_id → student, skill → "
            "skill, correct → correct, timestamp → date, problem_id → item.",
            "Next: refit mastery so the estimates use the new evidence: "
            "coplanner fit-mastery --school maple",
        ]
        out, _ = self.run(path, "--source", "Practice", "--school", "maple")
        assert out.splitlines() == [
            "Imported item responses from Practice for Maple Elementary: 0 new, "
            "3 already held."
        ]

    def test_bad_rows_are_printed_and_nothing_is_imported(self, cast, tmp_path):
        path = self.write(
            tmp_path,
            "student,skill,correct,date\n"
            "zoe,math.k.count20,1,2024-09-03\n"
            "ana,math.k.count20,2,2024-09-03\n",
        )
        err = io.StringIO()
        with pytest.raises(CommandError) as raised:
            call_command("import-evidence", path, "--source", "P", stderr=err)
        assert str(raised.value) == (
            "Nothing was imported: 2 rows are bad. Fix what is listed above, "
            "then import the file again."
        )
        lines = err.getvalue().splitlines()
        assert lines[0].startswith("Line 2, column “student”, value “zoe”: No student")
        assert lines[1].startswith("Line 3, column “correct”, value “2”: This does not")
        assert not Evidence.objects.exists()

    def test_map_names_columns_and_dry_run_writes_nothing(self, cast, tmp_path):
        path = self.write(
            tmp_path,
            "Pupil;Standard;Mark;Out of;Day\nana;math.k.count20;4;5;03/09/2024\n",
            "cp1252",
        )
        out, _ = self.run(
            path,
            "--source",
            "Quiz",
            "--dry-run",
            "--map",
            "Pupil=student",
            "--map",
            "Standard=skill",
            "--map",
            "Mark=score",
            "--map",
            "Out of=max",
            "--map",
            "Day=date",
            "--date-order",
            "day-first",
        )
        assert out.splitlines() == [
            "Dry run, nothing was written. Quiz (scores) for Maple Elementary: "
            "1 would be new, 0 already held.",
            "Dates read as day/month/year, as chosen for this import.",
        ]
        assert not Evidence.objects.exists() and not EvidenceSource.objects.exists()

    def test_unmapped_columns_say_how_to_map_them(self, cast, tmp_path):
        path = self.write(
            tmp_path, "Pupil,skill,correct,date\nana,math.k.count20,1,2024-09-03\n"
        )
        err = io.StringIO()
        with pytest.raises(CommandError, match="the file cannot be read as it is"):
            call_command("import-evidence", path, "--source", "Q", stderr=err)
        assert err.getvalue().splitlines()[-1] == (
            "Name the column that holds each of these (student) with --map, for "
            "example --map 'Learner ID=student'. The mapping is remembered for "
            "later files from Q."
        )

    def test_a_bad_map_is_refused(self, cast, tmp_path):
        path = self.write(tmp_path, RESPONSES)
        with pytest.raises(CommandError, match="--map 'Pupil' is not COLUMN=FIELD"):
            self.run(path, "--source", "Q", "--map", "Pupil")
        with pytest.raises(CommandError, match="is not COLUMN=FIELD"):
            self.run(path, "--source", "Q", "--map", "Pupil=name")

    def test_a_file_whose_dates_fit_both_orders_says_how_to_choose(
        self, cast, tmp_path
    ):
        path = self.write(tmp_path, TestDateOrder.AMBIGUOUS)
        err = io.StringIO()
        with pytest.raises(CommandError, match="the file cannot be read as it is"):
            call_command("import-evidence", path, "--source", "Quiz", stderr=err)
        assert err.getvalue().splitlines() == [
            TestDateOrder.REFUSED,
            "Give the date order with --date-order day-first (03/09/2024 is 3 "
            "September) or --date-order month-first (9 March). It is remembered "
            "for later files from Quiz.",
        ]
        assert not Evidence.objects.exists()

    def test_date_order_month_first_reads_03_09_as_9_march(self, cast, tmp_path):
        path = self.write(tmp_path, TestDateOrder.AMBIGUOUS)
        out, _ = self.run(path, "--source", "Quiz", "--date-order", "month-first")

        assert out.splitlines()[1] == (
            "Dates read as month/day/year, as chosen for this import."
        )
        assert Evidence.objects.get(item="q1").observed_at == local(2024, 3, 9)
        assert EvidenceSource.objects.get().date_order == DateOrder.MONTH_FIRST

    def test_a_changed_order_is_printed_as_a_note(self, cast, tmp_path):
        path = self.write(tmp_path, TestDateOrder.AMBIGUOUS)
        self.run(path, "--source", "Quiz", "--date-order", "day-first")
        later = self.write(
            tmp_path,
            "student,skill,correct,date,item\nana,math.k.count20,1,12/31/2024,q9\n",
        )
        out, _ = self.run(later, "--source", "Quiz")
        assert out.splitlines()[1:3] == [
            "Dates read as month/day/year, as the file shows.",
            "The dates of this file are month/day/year (such as 12/31/2024 on "
            "line 2), unlike earlier files from Quiz, which were day/month/year. "
            "Later files from Quiz whose dates fit both orders are read as "
            "month/day/year.",
        ]

    def test_an_unknown_date_order_is_refused(self, cast, tmp_path):
        path = self.write(tmp_path, RESPONSES)
        with pytest.raises(CommandError, match="invalid choice: 'us'"):
            self.run(path, "--source", "Q", "--date-order", "us")

    def test_an_unknown_school_lists_the_known_ones(self, cast, tmp_path):
        path = self.write(tmp_path, RESPONSES)
        with pytest.raises(CommandError) as raised:
            self.run(path, "--source", "Q", "--school", "oak")
        assert (
            str(raised.value) == "No school has the slug 'oak'. Known schools: maple."
        )


def test_row_problem_is_plain_data():
    assert RowProblem(2, "skill", "x", "Why.") == RowProblem(2, "skill", "x", "Why.")
    assert EvidenceKind.RESPONSE == "response"
