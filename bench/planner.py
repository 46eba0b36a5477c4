"""How good and how fast the planner is, on generated classrooms.

Measures, on 2 cores, against the LP relaxation of the same model (HiGHS)
as the bound and against a greedy planner written as a naive product would:

- a class of 25: gap to the bound after at most 10 s;
- requests in that class: re-plan latency (median, 95th percentile), and
  that no other student's slot changed without the answer saying why;
- a pod of 100 students sharing staff and seats: gap after at most 60 s;
- a school of 500 students in 20 classes: all plans within 2 minutes,
  median gap (two classes at a time, one per core).

Every plan is checked with `check_plan`. Run from the repository root:
``.venv/bin/python bench/planner.py [--quick] [--skip-school]``.
"""

import argparse
import random
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from coplanner.engine.planner import Problem, build_example_problem, check_plan, solve
from coplanner.engine.planner.greedy import greedy_weeks
from coplanner.engine.planner.model import prepare
from coplanner.engine.planner.replan import (
    DropRequest,
    LockRequest,
    MoveRequest,
    Request,
    SwapRequest,
    VariantRequest,
    answer_request,
)
from coplanner.engine.planner.solve import make_plan


def gap(objective: float | None, bound: float | None) -> float:
    """Return the relative gap between a plan and the bound, in percent."""
    if objective is None or bound is None:
        return float("nan")
    return 100 * (bound - objective) / max(1e-9, abs(bound))


def greedy_figures(problem: Problem) -> tuple[float, int, float]:
    """Return the greedy plan's objective, its broken rules and its seconds."""
    started = time.monotonic()
    prepared = prepare(problem)
    weeks = greedy_weeks(prepared)
    seconds = time.monotonic() - started
    plan = make_plan(prepared, weeks, "feasible", None, seconds)
    report = check_plan(problem, plan)
    assert plan.objective is not None
    return plan.objective, len(report.violations), seconds


def solve_and_report(
    label: str, problem: Problem, time_limit_s: float, workers: int
) -> dict:
    """Solve one problem, check the plan, compare with greedy; print one line."""
    plan = solve(problem, time_limit_s=time_limit_s, workers=workers, seed=0)
    if plan.objective is None:
        print(
            f"{label:<18} {plan.status:<9} no plan in {plan.seconds:.1f} s", flush=True
        )
        return {"label": label, "status": plan.status, "gap": float("nan")}
    report = check_plan(problem, plan)
    greedy_objective, greedy_broken, greedy_seconds = greedy_figures(problem)
    row = {
        "label": label,
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": gap(plan.objective, plan.bound),
        "seconds": plan.seconds,
        "valid": report.ok,
        "greedy": greedy_objective,
        "greedy_broken": greedy_broken,
        "greedy_seconds": greedy_seconds,
    }
    print(
        f"{label:<18} {plan.status:<9} objective {plan.objective:9.2f}  "
        f"bound {_shown(plan.bound)}  gap {row['gap']:5.2f}%  {plan.seconds:5.1f} s  "
        f"check {'ok' if report.ok else 'FAILED'}  | greedy {greedy_objective:9.2f} "
        f"({100 * greedy_objective / plan.objective:5.1f}% of ours, "
        f"{greedy_broken} broken rules, {greedy_seconds:.2f} s)",
        flush=True,
    )
    return row


def _shown(value: float | None) -> str:
    return "     none" if value is None else f"{value:9.2f}"


def random_request(
    problem: Problem, weeks: dict[str, dict[str, str]], rng: random.Random
) -> Request:
    """Draw a request a student might make in a conference."""
    asker = rng.choice(problem.students).id
    blocks = [block.id for block in problem.blocks]
    kind = rng.randrange(5)
    if kind == 0:
        block = rng.choice(blocks)
        subject = problem.block_by_id[block].subject
        fitting = [a.id for a in problem.activities if subject in ("any", a.subject)]
        return LockRequest(asker, block, rng.choice(fitting))
    if kind == 1:
        same = [
            (a, b)
            for a in blocks
            for b in blocks
            if a < b
            and problem.block_by_id[a].subject == problem.block_by_id[b].subject
        ]
        return SwapRequest(asker, *rng.choice(same))
    if kind == 2:
        return MoveRequest(asker, *rng.sample(blocks, 2))
    if kind == 3:
        return DropRequest(asker, rng.choice(list(weeks[asker].values())))
    block = rng.choice(blocks)
    activity = problem.activity_by_id[weeks[asker][block]]
    variant = activity.variants[0].id if activity.variants else None
    return VariantRequest(asker, block, variant)


def measure_requests(problem: Problem, count: int) -> None:
    """Answer random requests one after another, as in a day of conferences."""
    plan = solve(problem, time_limit_s=10, workers=2, seed=0)
    rng = random.Random(7)
    latencies = []
    applied = refused = moved_others = unexplained = invalid = 0
    for _ in range(count):
        request = random_request(problem, plan.assignment(), rng)
        started = time.perf_counter()
        answer = answer_request(problem, plan, request)
        latencies.append(1000 * (time.perf_counter() - started))
        if not answer.applied:
            refused += 1
            continue
        applied += 1
        if not check_plan(answer.problem, answer.plan).ok:
            invalid += 1
        changed = {(c.student, c.block) for c in answer.changes}
        before = plan.assignment()
        after = answer.plan.assignment()
        for student, week in before.items():
            for block, activity in week.items():
                if (
                    after[student][block] != activity
                    and (student, block) not in changed
                ):
                    unexplained += 1
        if any(c.student != request.student for c in answer.changes):
            moved_others += 1
        problem, plan = answer.problem, answer.plan
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    print(
        f"requests           {count} answered: {applied} applied, {refused} refused; "
        f"latency median {statistics.median(latencies):.0f} ms, 95th percentile "
        f"{p95:.0f} ms, max {latencies[-1]:.0f} ms; {moved_others} moved other "
        f"students (each said why); {unexplained} unexplained changes; "
        f"{invalid} invalid plans",
        flush=True,
    )


def _school_class(seed: int) -> dict:
    problem = build_example_problem(25, seed=100 + seed)
    return solve_and_report(f"school class {seed + 1:2d}", problem, 11.0, 1)


def measure_school() -> None:
    """Plan 20 classes of 25, two at a time (one per core)."""
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(_school_class, range(20)))
    seconds = time.monotonic() - started
    planned = [row for row in rows if "objective" in row]
    gaps = [row["gap"] for row in planned]
    greedy = sum(row["greedy"] for row in planned)
    ours = sum(row["objective"] for row in planned)
    print(
        f"school of 500      20 classes in {seconds:.0f} s; {len(planned)}/20 planned; "
        f"gap median {statistics.median(gaps):.2f}%, worst {max(gaps):.2f}%; "
        f"{sum(row['valid'] for row in planned)}/20 plans pass the checker; greedy "
        f"broke rules in {sum(row['greedy_broken'] > 0 for row in planned)}/20 "
        f"classes and reached {100 * greedy / ours:.1f}% of our objective",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter")
    parser.add_argument("--skip-school", action="store_true")
    parser.add_argument("--skip-pod", action="store_true")
    args = parser.parse_args()

    classes = 1 if args.quick else 3
    for seed in range(1, classes + 1):
        solve_and_report(
            f"class of 25 #{seed}", build_example_problem(25, seed=seed), 10, 2
        )
    measure_requests(build_example_problem(25, seed=1), 20 if args.quick else 60)
    if not args.skip_pod:
        solve_and_report("pod of 100", build_example_problem(100, seed=1), 60, 2)
    if not args.skip_school:
        measure_school()


if __name__ == "__main__":
    main()
