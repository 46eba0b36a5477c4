"""Import evidence from a CSV export: ``coplanner import-evidence FILE --source NAME``.

A file holds item responses (student, skill, correct, time, optional item)
or scores (student, skill, score, max, date). A score becomes the fraction
``score / max``, which must lie in [0, 1]; without a max column a score must
already be a fraction, or a percentage such as ``85%``. Dates are ISO 8601
(``2024-09-03``, ``2024-09-03 10:15``) or have slashes (``03/09/2024``);
``--date-order day-first|month-first`` says how to read the latter, which
is otherwise decided from the file or remembered for the source. The full
rules of reading are in ``coplanner.mastery.importing``.

A ``.json`` file is read as xAPI statements (one statement, a list, or a
store's ``{"statements": [...]}`` export) by ``coplanner.mastery.xapi``,
with the same all-or-nothing checks; ``--map`` and ``--date-order`` do not
apply to it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coplanner.mastery.importing import (
    FIELD_WORDS,
    EvidenceImport,
    normalise_field,
    record_evidence_import,
)
from coplanner.mastery.models import DateOrder
from coplanner.mastery.xapi import (
    StatementsUnreadable,
    parse_statements,
    record_xapi_statements,
)
from coplanner.roster.models import School

DATE_ORDER_OPTIONS = {
    "day-first": DateOrder.DAY_FIRST,
    "month-first": DateOrder.MONTH_FIRST,
}


class Command(BaseCommand):
    help = (
        "Import item responses or scores from a CSV export into the evidence. "
        "Column names are mapped once per source (--map) and remembered; a "
        "file with any bad row changes nothing and gets a report of every one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            type=Path,
            help="The CSV file to import, or a .json file of xAPI statements.",
        )
        parser.add_argument(
            "--source",
            required=True,
            help="The system the file comes from, such as ASSISTments; "
            "it names the remembered column mapping.",
        )
        parser.add_argument(
            "--school",
            help="The slug of the school (needed when there is more than one).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Read the column COLUMN as FIELD: student, skill, correct, "
            "score, max, date, item. Repeat for each column; remembered for "
            "later imports of the source.",
        )
        parser.add_argument(
            "--date-order",
            choices=DATE_ORDER_OPTIONS,
            help="How dates such as 03/09/2024 are written: day-first "
            "(day/month/year) or month-first (month/day/year). Without it, "
            "the file's dates decide, then the order remembered for the source.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report; write nothing.",
        )

    def handle(
        self,
        *args: object,
        file: Path,
        source: str,
        school: str | None,
        map: list[str],
        date_order: str | None,
        dry_run: bool,
        **options: object,
    ) -> None:
        target = _find_school(school)
        columns = _parse_map(map)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Cannot read {file}: {error.strerror}. Check the path."
            ) from None
        if file.suffix.lower() == ".json":
            if columns or date_order:
                raise CommandError(
                    "--map and --date-order are for CSV files; an xAPI file "
                    "names its fields and writes its times in ISO 8601. Leave "
                    "them out."
                )
            self._import_xapi(target, source, data, dry_run)
            return

        result = record_evidence_import(
            target,
            source,
            data,
            columns=columns,
            date_order=DATE_ORDER_OPTIONS[date_order] if date_order else None,
            dry_run=dry_run,
        )

        if not result.ok:
            self._report_problems(result)
            if result.file_problems:
                why = "the file cannot be read as it is"
            elif result.bad_lines == 1:
                why = "1 row is bad"
            else:
                why = f"{result.bad_lines} rows are bad"
            raise CommandError(
                f"Nothing was imported: {why}. Fix what is listed above, then "
                "import the file again."
            )
        self._report_success(result, target)

    def _import_xapi(
        self, school: School, source: str, data: bytes, dry_run: bool
    ) -> None:
        """Import a JSON file of xAPI statements (see ``coplanner.mastery.xapi``)."""
        try:
            statements = parse_statements(data)
        except StatementsUnreadable as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        result = record_xapi_statements(school, statements, source, dry_run=dry_run)
        if result.source_problem:
            raise CommandError(f"Nothing was imported: {result.source_problem}")
        if result.problems:
            for problem in result.problems:
                self.stderr.write(
                    f"Statement {problem.index + 1}, {problem.field}, value "
                    f"“{problem.value}”: {problem.why}"
                )
            bad = len({problem.index for problem in result.problems})
            raise CommandError(
                f"Nothing was imported: {bad} of {result.records} statements "
                f"{'is' if bad == 1 else 'are'} bad. Fix what is listed above, "
                "then import the file again."
            )
        done = "Dry run, nothing was written" if dry_run else "Imported"
        self.stdout.write(
            f"{done}: {result.records} xAPI statements from {result.source} for "
            f"{school.name}: {result.new} new, {result.held} already held."
        )
        if result.new and not dry_run:
            self.stdout.write(
                "Next: refit mastery so the estimates use the new evidence: "
                f"coplanner fit-mastery --school {school.slug}"
            )

    def _report_problems(self, result: EvidenceImport) -> None:
        for message in result.file_problems:
            self.stderr.write(message)
        if result.unmapped:
            fields = ", ".join(FIELD_WORDS.get(name, name) for name in result.unmapped)
            self.stderr.write(
                f"Name the column that holds each of these ({fields}) with "
                "--map, for example --map 'Learner ID=student'. The mapping is "
                f"remembered for later files from {result.source}."
            )
        if result.date_order_unknown:
            self.stderr.write(
                "Give the date order with --date-order day-first (03/09/2024 is "
                "3 September) or --date-order month-first (9 March). It is "
                f"remembered for later files from {result.source}."
            )
        for problem in result.problems:
            where = f"Line {problem.line}"
            if problem.column:
                where += f", column “{problem.column}”"
            self.stderr.write(f"{where}, value “{problem.value}”: {problem.message}")

    def _report_success(self, result: EvidenceImport, school: School) -> None:
        what = "item responses" if result.kind == "response" else "scores"
        if result.dry_run:
            self.stdout.write(
                f"Dry run, nothing was written. {result.source} ({what}) for "
                f"{school.name}: {result.new} would be new, {result.held} "
                "already held."
            )
            self._report_dates(result)
            return
        self.stdout.write(
            f"Imported {what} from {result.source} for {school.name}: "
            f"{result.new} new, {result.held} already held."
        )
        self._report_dates(result)
        if result.learned:
            mapping = ", ".join(f"{column} → {word}" for column, word in result.mapping)
            self.stdout.write(f"Remembered the columns of {result.source}: {mapping}.")
        if result.new:
            self.stdout.write(
                "Next: refit mastery so the estimates use the new evidence: "
                f"coplanner fit-mastery --school {school.slug}"
            )

    def _report_dates(self, result: EvidenceImport) -> None:
        if result.dates_read_as:
            self.stdout.write(result.dates_read_as)
        for note in result.notes:
            self.stdout.write(note)


def _find_school(slug: str | None) -> School:
    if slug:
        try:
            return School.objects.get(slug=slug)
        except School.DoesNotExist:
            pass
    elif School.objects.count() == 1:
        return School.objects.get()
    known = ", ".join(School.objects.values_list("slug", flat=True)) or "none"
    if slug:
        raise CommandError(f"No school has the slug {slug!r}. Known schools: {known}.")
    raise CommandError(f"Name the school with --school. Known schools: {known}.")


def _parse_map(pairs: list[str]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for pair in pairs:
        column, equals, field = pair.rpartition("=")
        if not equals or not column.strip() or normalise_field(field) is None:
            raise CommandError(
                f"--map {pair!r} is not COLUMN=FIELD. FIELD is one of: student, "
                "skill, correct, score, max, date, item; for example "
                "--map 'Learner ID=student'."
            )
        columns[column.strip()] = field.strip()
    return columns
