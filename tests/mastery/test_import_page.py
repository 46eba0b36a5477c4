"""The evidence import page: staff upload an export and read the report."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplanner.accounts.roles import ensure_role_groups
from coplanner.mastery.models import (
    DateOrder,
    Evidence,
    EvidenceSource,
    MasteryEstimate,
)
from coplanner.roster.models import School, Staff
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/mastery/import/"
GOOD = (
    "\ufeffStudent ID;Skill;Correct;Date\r\n"
    "ana;math.k.count20;TRUE;03/09/2024\r\n"
    "ben;math.k.count20;FALSE;13/09/2024\r\n"
)
AMBIGUOUS = (
    "student,skill,correct,date\n"
    "ana,math.k.count20,1,03/09/2024\n"
    "ben,math.k.count20,0,04/09/2024\n"
)
BAD = (
    "student,skill,correct,date\n"
    "ana,math.k.count20,1,2024-09-03\n"
    "zoe,math.k.count20,1,2024-09-03\n"
    "ben,math.k.count20,perhaps,2024-09-03\n"
)


def log_in(client, username: str) -> None:
    assert client.login(username=username, password=PASSWORD)


def upload(
    client,
    text: str,
    source: str = "Practice",
    encoding: str = "utf-8",
    date_order: str = "",
):
    file = SimpleUploadedFile("export.csv", text.encode(encoding), "text/csv")
    return client.post(URL, {"file": file, "source": source, "date_order": date_order})


def test_the_page_is_at_mastery_import():
    assert reverse("mastery:import_evidence") == URL


class TestWhoMayImport:
    @pytest.mark.parametrize("username", ["rivera", "okafor", "chen", "hill"])
    def test_staff_of_the_school_see_the_form(self, client, cast, username):
        log_in(client, username)
        page = client.get(URL)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Import evidence" in text and "Maple Elementary" in text

    @pytest.mark.parametrize("username", ["ana", "lopez"])
    def test_students_and_families_find_no_page(self, client, cast, username):
        log_in(client, username)
        assert client.get(URL).status_code == 404
        assert upload(client, GOOD).status_code == 404
        assert not Evidence.objects.exists()

    def test_a_teacher_without_a_school_finds_no_page(self, client, cast):
        user = User.objects.create_user("drifter", password=PASSWORD)
        user.groups.add(ensure_role_groups()["teacher"])
        log_in(client, "drifter")
        assert client.get(URL).status_code == 404

    def test_anonymous_is_sent_to_login(self, client, cast):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_another_schools_teacher_cannot_reach_this_schools_students(
        self, client, cast
    ):
        oak = School.objects.create(name="Oak Middle", slug="oak")
        user = User.objects.create_user("park", password=PASSWORD)
        user.groups.add(ensure_role_groups()["teacher"])
        Staff.objects.create(
            user=user, school=oak, role="teacher", display_name="Jin Park"
        )
        log_in(client, "park")

        page = upload(client, GOOD)

        text = page.content.decode()
        assert page.status_code == 200
        assert "Oak Middle" in text and "Maple Elementary" not in text
        assert "2 rows need fixing" in text
        assert text.count("No student in this school has this code.") == 2
        assert not Evidence.objects.exists()
        assert not EvidenceSource.objects.exists()


class TestImporting:
    def test_a_good_file_is_imported_counted_and_mastery_refreshed(self, client, cast):
        log_in(client, "rivera")
        page = upload(client, GOOD)

        text = page.content.decode()
        assert "Imported from Practice" in text
        assert "2 new" in text and "0 already held" in text
        assert "The file had 2 rows of item responses." in text
        assert "Dates read as day/month/year, as the file shows." in text
        assert "The columns of Practice are remembered for next time:" in text
        assert "“Student ID” → student" in text
        assert "Mastery is refreshed" in text
        assert Evidence.objects.filter(source="Practice").count() == 2
        assert set(MasteryEstimate.objects.values_list("student__code", flat=True)) >= {
            "ana",
            "ben",
        }

    def test_the_same_file_twice_changes_nothing(self, client, cast):
        log_in(client, "hill")
        upload(client, GOOD)
        stored = list(Evidence.objects.order_by("pk").values())

        page = upload(client, GOOD, source="practice")

        text = page.content.decode()
        assert "0 new" in text and "2 already held" in text
        assert "Nothing new: the school already held every row of this file" in text
        assert "remembered for next time" not in text
        assert list(Evidence.objects.order_by("pk").values()) == stored

    def test_bad_rows_are_listed_with_line_column_value_and_reason(self, client, cast):
        log_in(client, "chen")
        page = upload(client, BAD)

        text = page.content.decode()
        assert "Nothing was imported" in text
        assert "2 rows need fixing." in text
        assert (
            "<tr><td>3</td><td>student</td><td>zoe</td><td>No student in this "
            "school has this code. Check it against the class list, or add the "
            "student to the roster first; an evidence import never adds "
            "students.</td></tr>"
        ) in text
        assert (
            "<tr><td>4</td><td>correct</td><td>perhaps</td><td>This does not say "
            "right or wrong. Write TRUE or FALSE (1/0 and yes/no work too); for "
            "partial credit, import the file as scores.</td></tr>"
        ) in text
        assert not Evidence.objects.exists()
        assert not MasteryEstimate.objects.exists()

    def test_a_windows_export_with_tabs_is_accepted(self, client, cast):
        log_in(client, "rivera")
        text = (
            "Student\tSkill\tCorrect\tDate\tItem\r\n"
            "ana\tmath.k.count20\tyes\t2024-09-03\tProblème 1\r\n"
        )
        page = upload(client, text, encoding="cp1252")
        assert "1 new" in page.content.decode()
        assert Evidence.objects.get().item == "Problème 1"

    def test_unknown_columns_say_to_rename_them(self, client, cast):
        log_in(client, "rivera")
        page = upload(
            client, "Pupil,skill,correct,date\nana,math.k.count20,1,2024-09-03\n"
        )
        text = page.content.decode()
        assert "No column holds the student." in text
        assert "Rename those columns in the file to student, skill" in text

    def test_the_form_asks_for_a_file_and_a_source(self, client, cast):
        log_in(client, "rivera")
        page = client.post(URL, {"source": ""})
        assert page.content.decode().count("This field is required.") == 2
        assert not Evidence.objects.exists()

    def test_known_sources_are_offered(self, client, cast):
        log_in(client, "rivera")
        upload(client, GOOD, source="Reading Eggs")
        assert '<option value="Reading Eggs">' in client.get(URL).content.decode()


class TestDateOrder:
    def test_the_form_offers_the_date_orders_deciding_from_the_file_first(
        self, client, cast
    ):
        log_in(client, "rivera")
        text = client.get(URL).content.decode()

        assert '<label for="id_date_order"><strong>Dates like 03/09/2024 are' in text
        assert (
            '<option value="" selected>Decide from the file</option>'
            '<option value="day_first">day/month/year</option>'
            '<option value="month_first">month/day/year</option>'
        ) in text

    def test_a_file_whose_dates_fit_both_orders_asks_for_the_order(self, client, cast):
        log_in(client, "rivera")
        text = upload(client, AMBIGUOUS).content.decode()

        assert "Nothing was imported" in text
        assert (
            "Dates such as 03/09/2024 (line 2) could be day/month/year or "
            "month/day/year, and no date in the file tells which."
        ) in text
        assert "Choose the order under “Dates like 03/09/2024 are” below" in text
        assert not Evidence.objects.exists()

    def test_month_day_year_reads_03_09_as_9_march_and_is_kept(self, client, cast):
        log_in(client, "rivera")
        page = upload(client, AMBIGUOUS, date_order="month_first")

        text = page.content.decode()
        assert "2 new" in text
        assert "Dates read as month/day/year, as chosen for this import." in text
        assert '<option value="month_first" selected>' in text
        ana = Evidence.objects.get(student__code="ana")
        assert (ana.observed_at.month, ana.observed_at.day) == (3, 9)
        assert EvidenceSource.objects.get().date_order == DateOrder.MONTH_FIRST

        later = AMBIGUOUS.replace("2024", "2023")
        text = upload(client, later).content.decode()
        assert (
            "Dates read as month/day/year, as in earlier files from Practice." in text
        )

    def test_an_unknown_date_order_is_a_form_error(self, client, cast):
        log_in(client, "rivera")
        text = upload(client, GOOD, date_order="year_first").content.decode()
        assert "Select a valid choice." in text
        assert not Evidence.objects.exists()
