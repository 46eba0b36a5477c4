from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coplanner.privacy.backup import BackupError, read_backup, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `coplanner backup`, row for row with the same "
        "keys, into an empty database or one the school was erased from. All or "
        "nothing: a clash with rows the database holds restores nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The backup file.")

    def handle(self, *args: object, file: str, **options: object) -> None:
        try:
            summary = restore_backup(read_backup(Path(file)))
        except BackupError as error:
            raise CommandError(str(error)) from error
        what = f"school {summary.school}" if summary.school else "every school"
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {what}: {summary.written} rows written, "
                f"{summary.kept} already in the database and equal."
            )
        )
