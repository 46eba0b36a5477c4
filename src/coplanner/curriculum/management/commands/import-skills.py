"""Import skills: ``coplanner import-skills FILE (.json|.csv) [--subject S] [--dry-run]``.

A ``.json`` file is a CASE CFPackage (CFDocument, CFItems, CFAssociations);
a ``.csv`` file has the columns code, name, subject, grade, parent and
prerequisites (codes separated by ``;``). The rules are in
``coplanner.curriculum.importing``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coplanner.curriculum.importing import describe_left_out, record_skill_import


class Command(BaseCommand):
    help = (
        "Import skills with their parents and prerequisites from a CASE package "
        "(.json) or a CSV file. A file with any bad item changes nothing and gets "
        "a report of every one; importing it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CASE .json or the .csv file.")
        parser.add_argument(
            "--subject",
            help="The subject of every skill of a CASE package, instead of the "
            "framework's own (a subject's code or name, such as math).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would change; write nothing.",
        )

    def handle(
        self,
        *args: object,
        file: Path,
        subject: str | None,
        dry_run: bool,
        **options: object,
    ) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Cannot read {file}: {error.strerror}. Check the path."
            ) from None
        result = record_skill_import(file.name, data, subject=subject, dry_run=dry_run)
        if not result.ok:
            for problem in result.problems:
                value = f", value “{problem.value}”" if problem.value else ""
                self.stderr.write(
                    f"{problem.where or file.name}{value}: {problem.message}"
                )
            raise CommandError(
                f"Nothing was imported: {len(result.problems)} problems. Fix what "
                "is listed above, then import the file again."
            )
        if not result.changed:
            self.stdout.write(
                f"Nothing changed: coplanner already holds these {result.unchanged} "
                "skills as the file gives them."
            )
        else:
            lead = (
                "Dry run, nothing was written. Would import" if dry_run else "Imported"
            )
            self.stdout.write(
                f"{lead} {result.format} skills: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged; "
                f"prerequisites {result.prerequisites_added} added, "
                f"{result.prerequisites_removed} removed."
            )
            for name in result.subjects_created:
                self.stdout.write(f"New subject: {name}.")
        for sentence in describe_left_out(result.left_out):
            self.stdout.write(sentence)
