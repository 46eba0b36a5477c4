"""The planner's commands: ``solve``, ``check`` and ``example-problem``.

``solve PROBLEM.json -o PLAN.json`` drafts every student's week; the exit
status is 0 when a plan was found and 1 otherwise (the plan file then says
why). ``check PROBLEM.json PLAN.json`` recomputes every hard rule and score
part; 0 when the plan is valid and its scores match. ``example-problem``
writes a realistic generated problem.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

from coplanner.engine.planner.check import TOLERANCE, check_plan
from coplanner.engine.planner.errors import ProblemFormatError
from coplanner.engine.planner.example import build_example_problem
from coplanner.engine.planner.plan import Plan, load_plan, save_plan
from coplanner.engine.planner.problem import load_problem, write_problem
from coplanner.engine.planner.solve import solve


def register(subparsers: Any) -> None:
    """Add the ``solve``, ``check`` and ``example-problem`` commands to ``subparsers``."""
    solve_parser = subparsers.add_parser(
        "solve",
        help="draft every student's week from a problem file",
        description="Draft every student's week from a coplanner.problem/1 file "
        "and write a coplanner.plan/1 file. Exit status 0 when a plan was "
        "found, 1 when none was (the plan file says why).",
    )
    solve_parser.add_argument("problem", type=Path, metavar="PROBLEM.json")
    solve_parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PLAN.json"
    )
    solve_parser.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="seconds to search (default: the problem's time_limit_s)",
    )
    solve_parser.add_argument(
        "--workers", type=int, default=2, metavar="N", help="CP-SAT workers (default 2)"
    )
    solve_parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed, for repeatable runs (default 0)",
    )
    solve_parser.set_defaults(func=run_solve)

    check_parser = subparsers.add_parser(
        "check",
        help="check a plan against its problem file",
        description="Recompute every hard rule and every score part of a plan. "
        f"Exit status 0 when the plan is valid and every reported score part "
        f"is within {TOLERANCE} per student of the recomputed one, 1 otherwise.",
    )
    check_parser.add_argument("problem", type=Path, metavar="PROBLEM.json")
    check_parser.add_argument("plan", type=Path, metavar="PLAN.json")
    check_parser.set_defaults(func=run_check)

    example_parser = subparsers.add_parser(
        "example-problem",
        help="write a realistic generated problem file",
        description="Write a generated problem that looks like a real classroom: "
        "5 days of 6 blocks, about 20 activities per 25 students, small "
        "groups run by staff, shared online seats.",
    )
    example_parser.add_argument("--students", type=int, default=25, metavar="N")
    example_parser.add_argument("--seed", type=int, default=1)
    example_parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="default: standard output"
    )
    example_parser.set_defaults(func=run_example_problem)


def run_solve(args: argparse.Namespace) -> int:
    """Solve a problem file and write the plan file."""
    try:
        problem = load_problem(args.problem)
    except (OSError, ProblemFormatError) as error:
        return _fail(args.problem, error)
    plan = solve(
        problem, time_limit_s=args.time_limit, workers=args.workers, seed=args.seed
    )
    save_plan(plan, args.output)
    print(_summary(plan))
    for conflict in plan.conflicts:
        print(f"- {conflict.message} {conflict.fix}")
    print(f"Plan written to {args.output}.")
    return 0 if plan.has_plan else 1


def run_check(args: argparse.Namespace) -> int:
    """Check a plan file against its problem file and print what was found."""
    try:
        problem = load_problem(args.problem)
    except (OSError, ProblemFormatError) as error:
        return _fail(args.problem, error)
    try:
        plan = load_plan(args.plan)
    except (OSError, ProblemFormatError) as error:
        return _fail(args.plan, error)
    report = check_plan(problem, plan)
    if not plan.has_plan:
        verdict = "well formed" if report.ok else "not well formed"
        print(f"The answer is {plan.status}, with no plan; it is {verdict}.")
    elif report.ok:
        print(
            f"The plan is valid: every hard rule holds and every score part "
            f"matches (objective {report.objective:.2f})."
        )
    else:
        print(f"The plan has {len(report.lines())} problem(s):")
    for line in report.lines():
        print(f"- {line}")
    return 0 if report.ok else 1


def run_example_problem(args: argparse.Namespace) -> int:
    """Write a generated problem file."""
    if args.students < 1:
        print("error: --students must be at least 1", file=sys.stderr)
        return 1
    text = write_problem(build_example_problem(args.students, seed=args.seed))
    if args.output is None:
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Problem with {args.students} students written to {args.output}.")
    return 0


def _summary(plan: Plan) -> str:
    if not plan.has_plan:
        return f"No plan ({plan.status}) after {plan.seconds:.1f} s."
    assert plan.objective is not None
    text = f"Plan {plan.status}: objective {plan.objective:.2f}"
    if plan.bound is not None:
        gap = (plan.bound - plan.objective) / max(1e-9, abs(plan.bound))
        text += f", bound {plan.bound:.2f} (gap {100 * gap:.2f}%)"
    return text + f", in {plan.seconds:.1f} s."


def _fail(path: Path, error: Exception) -> int:
    print(f"error: {path}: {error}", file=sys.stderr)
    return 1
