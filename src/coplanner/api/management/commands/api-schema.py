"""Write the API's OpenAPI schema: ``coplanner api-schema -o docs/openapi.json``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from coplanner.api.api import build_schema_text


class Command(BaseCommand):
    # Writing the schema needs neither the database nor the site's URLs.
    requires_system_checks: list[str] = []
    help = (
        "Write the OpenAPI schema of the API (v1), as served at "
        "/api/v1/openapi.json, to a file or to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", type=Path, help="The file to write (default: print it)."
        )

    def handle(self, *args: object, output: Path | None, **options: object) -> None:
        text = build_schema_text()
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote the API schema to {output}.")
