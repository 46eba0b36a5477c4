"""The ``coplanner`` command.

Engine commands (solve, check, example-problem, trace) run without Django and
without a database. Every other command is one of Django's management commands
(migrate, runserver, demo, …), run with coplanner's settings.
"""

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

DEFAULT_SETTINGS = "coplanner.settings.dev"


# Modules that add the database-free commands; each has ``register(subparsers)``.
ENGINE_COMMAND_MODULES: tuple[str, ...] = (
    "coplanner.engine.planner.commands",
    "coplanner.engine.mastery.commands",
)


def build_engine_parser() -> argparse.ArgumentParser:
    """Return the parser of the commands that need no database."""
    parser = argparse.ArgumentParser(
        prog="coplanner",
        description=(
            "Plan students' learning weeks from mastery data and student voice."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in ENGINE_COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def _engine_command_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {
                choice.dest: choice.help or "" for choice in action._choices_actions
            }
    return {}


def _django_command_names() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return coplanner's own management commands with their help, and the
    other commands grouped by the Django app that defines them."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    own: dict[str, str] = {}
    others: dict[str, list[str]] = {}
    for name, app in sorted(get_commands().items()):
        if app.startswith("coplanner"):
            own[name] = load_command_class(app, name).help.split(". ")[0]
        else:
            others.setdefault(app.split(".")[-1], []).append(name)
    return own, others


def print_help(parser: argparse.ArgumentParser) -> None:
    print("usage: coplanner COMMAND [options]\n")
    print(parser.description)
    engine_commands = _engine_command_names(parser)
    if engine_commands:
        print("\nPlanning and knowledge tracing on files (no database needed):")
        for name, text in engine_commands.items():
            print(f"  {name:<18}{text}")
    own, others = _django_command_names()
    print("\nSchool data and the web app (`coplanner help COMMAND` for details):")
    for name, text in own.items():
        print(f"  {name:<18}{text}")
    print("\nDjango's commands, run with coplanner's settings:")
    for app, names in others.items():
        print(f"  {app}: " + ", ".join(names))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one coplanner command and return its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    parser = build_engine_parser()

    if not args or args[0] in ("-h", "--help"):
        print_help(parser)
        return 0
    if args[0] in _engine_command_names(parser):
        parsed = parser.parse_args(args)
        status: int = parsed.func(parsed)
        return status

    from django.core.management import execute_from_command_line

    execute_from_command_line(["coplanner", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
