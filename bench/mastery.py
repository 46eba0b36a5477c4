"""Benchmark coplanner's knowledge tracing against pyBKT 1.4.3 on real data.

Run from the repository root: ``.venv/bin/python bench/mastery.py``. It reads
the ASSISTments files in ``../shared/data/real`` (or ``COPLANNER_REAL_DATA``)
where they are, and in one run measures:

- accuracy: next-answer prediction (AUC and RMSE), 5-fold cross-validation
  by student, the same folds for both tracers, per skill and overall, on
  every data set;
- speed: fitting every skill of ASSISTments 2009, against pyBKT's compiled
  C++ build and its pure-Python wheel (timed on three skills and scaled by
  rows, since a full pure-Python fit takes about 20 minutes);
- scale: ASSISTments 2015 loaded into a school's database (SQLite) and
  refitted as ``coplanner fit-mastery --school`` does it, every student's
  estimates stored; then the engine alone on the same data in memory. Each
  runs in a separate process so that its memory can be read.
  ``--scale-only`` runs this part alone, without pyBKT.

pyBKT runs in two virtual environments of its own under ``bench/``, built
here when absent, and exchanges rows and predictions through files in a
temporary folder. Results go to ``bench/out/``.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from coplanner.engine.mastery import (
    FitOptions,
    ParamBounds,
    TraceParams,
    encode,
    estimate_all,
    fit_trace_params,
    group_by_skill,
    trace_arrays,
)

REPO = Path(__file__).resolve().parents[1]
DATA = Path(
    os.environ.get("COPLANNER_REAL_DATA", REPO.parent / "shared" / "data" / "real")
)
BENCH = REPO / "bench"
OUT = BENCH / "out"
WORKER = BENCH / "_pybkt_worker.py"
VENV_CPP = BENCH / ".venv-pybkt-cpp"
VENV_PURE = BENCH / ".venv-pybkt-pure"
PYBKT = "pybkt==1.4.3"
PYBKT_NEEDS = ["numpy<2.4", "scikit-learn<1.8", "pandas"]

FOLDS = 5
FOLD_SEED = 0
PYBKT_SEED = 42
NUM_FITS = 5
# Skills of ASSISTments 2009 timed with pure-Python pyBKT (7,589 rows).
PURE_SKILLS = ("Area Rectangle", "Volume Cylinder", "Venn Diagram")
AUC_MARGIN = 0.005


@dataclass(frozen=True)
class DataSet:
    """Name a data file and its columns."""

    name: str
    path: str
    skill_column: str
    student_column: str = "user_id"
    correct_column: str = "correct"
    order_column: str = "order_id"


DATASETS = (
    DataSet(
        "ASSISTments 2009",
        "assistments2009_dkvmn/assistments2009_dkvmn_long.csv.gz",
        "skill_name",
    ),
    DataSet(
        "ASSISTments 2015",
        "assistments2015_dkvmn/assistments2015_dkvmn_long.csv.gz",
        "skill_id",
    ),
    DataSet(
        "ASSISTments 2009 hw-cmp", "assistments2009_mlbd/as_hw_cmp.csv", "skill_name"
    ),
    DataSet(
        "ASSISTments 2009 supersmall",
        "assistments2009_mlbd/as_supersmall.csv",
        "skill_name",
    ),
)


@dataclass(frozen=True, eq=False)
class Rows:
    """Hold the rows of one data set as columns."""

    students: list[str]
    skills: list[str]
    values: NDArray[np.float64]
    order: NDArray[np.int64]

    def take(self, index: NDArray[np.int64]) -> Rows:
        return Rows(
            [self.students[i] for i in index],
            [self.skills[i] for i in index],
            self.values[index],
            self.order[index],
        )


def read_rows(dataset: DataSet) -> Rows:
    """Read a data set from the shared folder."""
    path = DATA / dataset.path
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="") as handle:
        reader = csv.DictReader(handle)
        students, skills, values, order = [], [], [], []
        for row in reader:
            students.append(row[dataset.student_column])
            skills.append(row[dataset.skill_column])
            values.append(float(row[dataset.correct_column]))
            order.append(int(row[dataset.order_column]))
    return Rows(students, skills, np.array(values), np.array(order, dtype=np.int64))


# --- pyBKT environments -------------------------------------------------------


def _has_extension(venv: Path) -> bool:
    return any(venv.glob("lib/python*/site-packages/pyBKT/fit/*.so"))


def _imports_pybkt(venv: Path) -> bool:
    python = venv / "bin" / "python"
    if not python.exists():
        return False
    check = subprocess.run(
        [str(python), "-c", "import pyBKT.models"], capture_output=True
    )
    return check.returncode == 0


def _install(venv: Path, *packages: str, isolated: bool = True) -> None:
    uv = shutil.which("uv")
    python = str(venv / "bin" / "python")
    if uv:
        options = (
            []
            if isolated
            else ["--no-binary", "pybkt", "--no-build-isolation-package", "pybkt"]
        )
        command = [uv, "pip", "install", "-q", "--python", python, *options]
    else:
        options = [] if isolated else ["--no-binary", "pybkt", "--no-build-isolation"]
        command = [python, "-m", "pip", "install", "-q", *options]
    subprocess.run([*command, *packages], check=True)


def _create(venv: Path) -> None:
    uv = shutil.which("uv")
    if venv.exists():
        shutil.rmtree(venv)
    if uv:
        subprocess.run(
            [uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True
        )
    else:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)


def ensure_pybkt() -> tuple[Path, Path]:
    """Build pyBKT's C++ and pure-Python environments when absent; return their Pythons."""
    if not (_imports_pybkt(VENV_CPP) and _has_extension(VENV_CPP)):
        print(f"Building pyBKT with its C++ extension in {VENV_CPP} ...", flush=True)
        _create(VENV_CPP)
        # The extension compiles only against an installed numpy and without
        # build isolation; with isolation pip silently falls back to pure Python.
        _install(VENV_CPP, *PYBKT_NEEDS, "setuptools", "wheel")
        _install(VENV_CPP, PYBKT, isolated=False)
        if not _has_extension(VENV_CPP):
            raise SystemExit(
                f"pyBKT in {VENV_CPP} has no compiled extension; see SETUP-NOTES."
            )
    if not _imports_pybkt(VENV_PURE):
        print(f"Installing the pure-Python pyBKT wheel in {VENV_PURE} ...", flush=True)
        _create(VENV_PURE)
        _install(VENV_PURE, *PYBKT_NEEDS, PYBKT)
    return VENV_CPP / "bin" / "python", VENV_PURE / "bin" / "python"


def run_pybkt(python: Path, job: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Run one pyBKT job in ``python`` and return its result."""
    job = {"seed": PYBKT_SEED, "num_fits": NUM_FITS, **job}
    job["result"] = str(folder / f"result-{os.getpid()}-{time.monotonic_ns()}.json")
    job_path = folder / "job.json"
    job_path.write_text(json.dumps(job))
    subprocess.run([str(python), str(WORKER), str(job_path)], check=True)
    result: dict[str, Any] = json.loads(Path(job["result"]).read_text())
    return result


def write_exchange(rows: Rows, folds: NDArray[np.int64], path: Path) -> None:
    """Write rows in pyBKT's column names, with a row number and a fold."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "user_id", "skill_name", "correct", "order_id", "fold"])
        for k in range(len(rows.students)):
            writer.writerow(
                [
                    k,
                    rows.students[k],
                    rows.skills[k],
                    int(rows.values[k]),
                    rows.order[k],
                    folds[k],
                ]
            )


# --- metrics ------------------------------------------------------------------


def auc(truth: NDArray[np.float64], predicted: NDArray[np.float64]) -> float:
    """Return the area under the ROC curve (ties count half); NaN for one class."""
    positives = truth == 1.0
    n_pos = int(positives.sum())
    n_neg = truth.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    _, inverse, counts = np.unique(predicted, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2.0)[inverse]
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def rmse(truth: NDArray[np.float64], predicted: NDArray[np.float64]) -> float:
    """Return the root mean squared error."""
    return float(np.sqrt(np.mean((truth - predicted) ** 2)))


# --- our tracer ---------------------------------------------------------------


def fit_ours(rows: Rows, options: FitOptions) -> TraceParams:
    """Fit every skill of ``rows``."""
    student_codes, _ = encode(rows.students)
    skill_codes, labels = encode(rows.skills)
    grouped = group_by_skill(skill_codes, student_codes, rows.values, rows.order)
    return fit_trace_params({labels[c]: s for c, s in grouped.items()}, options)


def predict_ours(rows: Rows, trace_params: TraceParams) -> NDArray[np.float64]:
    """Return ``p_correct`` for every row, from the earlier rows only."""
    student_codes, _ = encode(rows.students)
    skill_codes, labels = encode(rows.skills)
    grouped = group_by_skill(skill_codes, student_codes, rows.values, rows.order)
    predictions = np.empty(rows.values.size)
    for code, sequences in grouped.items():
        params, _ = trace_params.for_skill(labels[code])
        p_correct, _ = trace_arrays(
            sequences.values, sequences.offsets, params.as_array()
        )
        predictions[sequences.rows] = p_correct
    return predictions


def student_folds(rows: Rows) -> NDArray[np.int64]:
    """Return the fold of every row: students shuffled with a fixed seed, dealt in turn."""
    students = sorted(set(rows.students))
    fold_of = dict(
        zip(
            students,
            np.random.default_rng(FOLD_SEED).permutation(len(students)) % FOLDS,
            strict=True,
        )
    )
    return np.array([fold_of[s] for s in rows.students], dtype=np.int64)


# A diagnostic only: guess and slip free, and more starts, to tell how much of
# a gap to pyBKT comes from the bounds rather than from the fitter.
LIFTED = FitOptions(
    bounds=ParamBounds(guess=(1e-4, 0.99), slip=(1e-4, 0.99)),
    restarts=20,
    screen_iterations=200,
)


def crossvalidate_ours(
    rows: Rows, folds: NDArray[np.int64], options: FitOptions | None = None
) -> tuple[NDArray[np.float64], float]:
    """Return out-of-fold predictions and the total fit time."""
    options = options or FitOptions()
    predictions = np.empty(rows.values.size)
    seconds = 0.0
    for fold in range(FOLDS):
        train = np.flatnonzero(folds != fold)
        test = np.flatnonzero(folds == fold)
        started = time.perf_counter()
        trace_params = fit_ours(rows.take(train), options)
        seconds += time.perf_counter() - started
        predictions[test] = predict_ours(rows.take(test), trace_params)
    return predictions, seconds


# --- report -------------------------------------------------------------------


def repeated_rows(rows: Rows) -> int:
    """Return how many rows repeat the student, skill and order of an earlier row."""
    keys = set(zip(rows.students, rows.skills, rows.order.tolist(), strict=True))
    return len(rows.students) - len(keys)


def merge_repeats(rows: Rows) -> Rows:
    """Keep the first of the rows that repeat one student's answer on one item.

    coplanner's evidence store holds an observation once (student, skill,
    source, item and time are unique), so this is the data as a school's
    coplanner would trace it.
    """
    seen: set[tuple[str, str, int]] = set()
    keep = []
    for index, key in enumerate(
        zip(rows.students, rows.skills, rows.order.tolist(), strict=True)
    ):
        if key not in seen:
            seen.add(key)
            keep.append(index)
    return rows.take(np.array(keep, dtype=np.int64))


def compare(
    dataset: DataSet,
    rows: Rows,
    ours: NDArray[np.float64],
    theirs: NDArray[np.float64],
    lifted: NDArray[np.float64],
) -> dict[str, Any]:
    """Return per-skill and overall metrics of both tracers."""
    skill_codes, labels = encode(rows.skills)
    student_codes, _ = encode(rows.students)
    per_skill = []
    for code, label in enumerate(labels):
        mask = skill_codes == code
        truth = rows.values[mask]
        per_skill.append(
            {
                "skill": label,
                "rows": int(mask.sum()),
                "students": int(np.unique(student_codes[mask]).size),
                "auc_ours": auc(truth, ours[mask]),
                "auc_pybkt": auc(truth, theirs[mask]),
                "rmse_ours": rmse(truth, ours[mask]),
                "rmse_pybkt": rmse(truth, theirs[mask]),
            }
        )
    per_skill.sort(key=lambda entry: -entry["rows"])
    scored = [
        e
        for e in per_skill
        if not np.isnan(e["auc_ours"]) and not np.isnan(e["auc_pybkt"])
    ]
    weights = np.array([e["rows"] for e in scored], dtype=float)
    overall = {
        "auc_ours": auc(rows.values, ours),
        "auc_pybkt": auc(rows.values, theirs),
        "rmse_ours": rmse(rows.values, ours),
        "rmse_pybkt": rmse(rows.values, theirs),
        "mean_skill_auc_ours": float(np.mean([e["auc_ours"] for e in scored])),
        "mean_skill_auc_pybkt": float(np.mean([e["auc_pybkt"] for e in scored])),
        "weighted_skill_auc_ours": float(
            weights @ [e["auc_ours"] for e in scored] / weights.sum()
        ),
        "weighted_skill_auc_pybkt": float(
            weights @ [e["auc_pybkt"] for e in scored] / weights.sum()
        ),
        "skills": len(labels),
        "skills_with_auc": len(scored),
        "skills_ours_worse": sum(
            e["auc_ours"] < e["auc_pybkt"] - AUC_MARGIN for e in scored
        ),
        "skills_ours_better": sum(
            e["auc_ours"] > e["auc_pybkt"] + AUC_MARGIN for e in scored
        ),
        "rows": int(rows.values.size),
        "students": int(np.unique(student_codes).size),
        "repeated_rows": repeated_rows(rows),
        "auc_ours_bounds_lifted": auc(rows.values, lifted),
        "rmse_ours_bounds_lifted": rmse(rows.values, lifted),
    }
    return {"dataset": dataset.name, "per_skill": per_skill, "overall": overall}


def skill_table(result: dict[str, Any]) -> list[str]:
    """Return the per-skill lines of a data set, as a Markdown table."""
    lines = [
        f"### {result['dataset']}: per skill (5-fold CV by student)",
        "",
        "| skill | rows | students | AUC ours | AUC pyBKT | Δ AUC | RMSE ours | RMSE pyBKT |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for e in result["per_skill"]:
        lines.append(
            f"| {e['skill']} | {e['rows']} | {e['students']} | {e['auc_ours']:.4f} | "
            f"{e['auc_pybkt']:.4f} | {e['auc_ours'] - e['auc_pybkt']:+.4f} | "
            f"{e['rmse_ours']:.4f} | {e['rmse_pybkt']:.4f} |"
        )
    return lines


def overall_table(results: list[dict[str, Any]]) -> list[str]:
    """Return the overall accuracy lines of every data set."""
    lines = [
        "| data set | rows | students | skills | AUC ours | AUC pyBKT | Δ | mean skill AUC ours / pyBKT"
        " | RMSE ours | RMSE pyBKT | skills ours worse / better by > 0.005 | AUC ≥ pyBKT − 0.005"
        " | repeated rows | AUC ours, bounds lifted |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|---:|---:|",
    ]
    for result in results:
        o = result["overall"]
        passed = (
            o["auc_ours"] >= o["auc_pybkt"] - AUC_MARGIN
            and o["mean_skill_auc_ours"] >= o["mean_skill_auc_pybkt"] - AUC_MARGIN
        )
        lines.append(
            f"| {result['dataset']} | {o['rows']} | {o['students']} | {o['skills']} | "
            f"{o['auc_ours']:.4f} | {o['auc_pybkt']:.4f} | {o['auc_ours'] - o['auc_pybkt']:+.4f} | "
            f"{o['mean_skill_auc_ours']:.4f} / {o['mean_skill_auc_pybkt']:.4f} | "
            f"{o['rmse_ours']:.4f} | {o['rmse_pybkt']:.4f} | "
            f"{o['skills_ours_worse']} / {o['skills_ours_better']} of {o['skills_with_auc']} | "
            f"{'yes' if passed else 'NO'} | {o['repeated_rows']} | "
            f"{o['auc_ours_bounds_lifted']:.4f} |"
        )
    return lines


# --- speed and scale ----------------------------------------------------------


def time_ours(rows: Rows, options: FitOptions, repeats: int) -> list[float]:
    """Time ``fit_ours`` (grouping included), after one warm-up run."""
    fit_ours(rows, options)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        fit_ours(rows, options)
        seconds.append(time.perf_counter() - started)
    return seconds


def speed(
    rows: Rows, cpp: Path, pure: Path, folder: Path, skip_pure: bool
) -> dict[str, Any]:
    """Time fitting all skills of one data set with every tracer."""
    exchange = folder / "speed.csv"
    write_exchange(rows, np.zeros(rows.values.size, dtype=np.int64), exchange)
    result: dict[str, Any] = {
        "rows": int(rows.values.size),
        "skills": len(set(rows.skills)),
    }
    print(
        "  timing coplanner (compiled, 2 threads / 1 thread; NumPy engine) ...",
        flush=True,
    )
    result["ours_2_threads"] = time_ours(rows, FitOptions(workers=2), 5)
    result["ours_1_thread"] = time_ours(rows, FitOptions(workers=1), 5)
    started = time.perf_counter()
    fit_ours(rows, FitOptions(engine="numpy", workers=1))
    result["ours_numpy_engine"] = [time.perf_counter() - started]
    for parallel in (False, True):
        print(f"  timing pyBKT C++ (parallel={parallel}) ...", flush=True)
        job = {
            "action": "time_fit",
            "data": str(exchange),
            "repeats": 3,
            "parallel": parallel,
        }
        result[f"cpp_parallel_{parallel}"] = run_pybkt(cpp, job, folder)["fit_seconds"]

    subset_index = np.flatnonzero(np.isin(np.array(rows.skills), PURE_SKILLS))
    subset = rows.take(subset_index)
    result["pure_subset_rows"] = int(subset.values.size)
    result["pure_subset_skills"] = list(PURE_SKILLS)
    result["ours_subset_2_threads"] = time_ours(subset, FitOptions(workers=2), 5)
    if not skip_pure:
        subset_path = folder / "pure-subset.csv"
        write_exchange(
            subset, np.zeros(subset.values.size, dtype=np.int64), subset_path
        )
        print(f"  timing pure-Python pyBKT on {', '.join(PURE_SKILLS)} ...", flush=True)
        job = {
            "action": "time_fit",
            "data": str(subset_path),
            "repeats": 1,
            "parallel": False,
        }
        result["pure_subset"] = run_pybkt(pure, job, folder)["fit_seconds"]
    return result


def speed_lines(result: dict[str, Any]) -> list[str]:
    """Return the speed figures as text, with the ratios."""
    ours = statistics.median(result["ours_2_threads"])
    ours_one = statistics.median(result["ours_1_thread"])
    cpp_single = statistics.median(result["cpp_parallel_False"])
    cpp_parallel = statistics.median(result["cpp_parallel_True"])
    cpp_best = min(cpp_single, cpp_parallel)
    numpy_engine = result["ours_numpy_engine"][0]
    lines = [
        f"Fit of all {result['skills']} skills of ASSISTments 2009 ({result['rows']} rows),"
        " median of repeated runs, data already in memory:",
        "",
        "| tracer | seconds | coplanner is faster by |",
        "|---|---:|---:|",
        f"| coplanner, compiled, 2 threads | {ours:.3f} | |",
        f"| coplanner, compiled, 1 thread | {ours_one:.3f} | |",
        f"| coplanner, NumPy engine, 1 thread | {numpy_engine:.2f} | {numpy_engine / ours:.0f}× "
        "(what the compiled kernel pays) |",
        f"| pyBKT C++, single thread | {cpp_single:.3f} | {cpp_single / ours:.1f}× "
        f"(1 thread vs 1 thread: {cpp_single / ours_one:.1f}×) |",
        f"| pyBKT C++, OpenMP (parallel=True) | {cpp_parallel:.3f} | {cpp_parallel / ours:.1f}× |",
    ]
    if "pure_subset" in result:
        pure = result["pure_subset"][0]
        ours_subset = statistics.median(result["ours_subset_2_threads"])
        scale = result["rows"] / result["pure_subset_rows"]
        pure_all = pure * scale
        lines.append(
            f"| pyBKT pure Python, estimated: {pure:.1f} s on {result['pure_subset_rows']} rows "
            f"({', '.join(result['pure_subset_skills'])}) × {scale:.1f} (rows) | {pure_all:.0f} | "
            f"{pure_all / ours:.0f}× (measured on those skills alone: "
            f"{pure:.1f} s vs {ours_subset:.4f} s = {pure / ours_subset:.0f}×) |"
        )
    lines += [
        "",
        f"Target ≥ 5× pyBKT C++: {cpp_best / ours:.1f}× against its faster mode "
        f"({'met' if cpp_best / ours >= 5 else 'NOT met'}).",
    ]
    if "pure_subset" in result:
        pure_all = (
            result["pure_subset"][0] * result["rows"] / result["pure_subset_rows"]
        )
        lines.append(
            f"Target ≥ 1000× pure-Python pyBKT: {pure_all / ours:.0f}× "
            f"({'met' if pure_all / ours >= 1000 else 'NOT met'})."
        )
    return lines


# The scale target: the 2015 set fitted and every student's estimates stored,
# through the database, as `coplanner fit-mastery --school` does it.
SCALE_TARGET_SECONDS = 60.0
SCALE_SCHOOL = "assistments-2015"
SCALE_SOURCE = "assistments2015"
# Evidence rows per bulk insert while building the database (not timed).
SETUP_BATCH = 5000


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup_django(folder: Path) -> None:
    # Settings read the environment once, on import: set it before setup.
    os.environ["DJANGO_SETTINGS_MODULE"] = "coplanner.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'scale.sqlite3'}"
    import django

    django.setup()


def scale_setup_child(folder: Path) -> None:
    """Build a school holding ASSISTments 2015 as evidence; print figures as JSON.

    The database is what an import would leave: one school and classroom,
    a student per user id, a skill per skill id and one response per row,
    observed a second apart in the data's order.
    """
    _setup_django(folder)
    from django.core.management import call_command
    from django.db import transaction

    from coplanner.curriculum.models import Skill, Subject
    from coplanner.mastery.models import Evidence, EvidenceKind
    from coplanner.roster.models import Classroom, School, Student

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate = time.perf_counter() - started
    rows = read_rows(DATASETS[1])

    started = time.perf_counter()
    base = datetime(2015, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        school = School.objects.create(name="ASSISTments 2015", slug=SCALE_SCHOOL)
        classroom = Classroom.objects.create(
            school=school, code="all", name="All students", grade=7
        )
        subject = Subject.objects.create(code="math", name="Mathematics")
        skill_ids = {
            skill.code: skill.pk
            for skill in Skill.objects.bulk_create(
                Skill(code=code, subject=subject, name=f"Skill {code}")
                for code in sorted(set(rows.skills))
            )
        }
        student_ids = {
            student.code: student.pk
            for student in Student.objects.bulk_create(
                (
                    Student(
                        school=school,
                        classroom=classroom,
                        code=code,
                        first_name="Student",
                        last_name=code,
                        grade=7,
                    )
                    for code in dict.fromkeys(rows.students)
                ),
                batch_size=SETUP_BATCH,
            )
        }
        # Built a batch at a time, so that setup does not hold 683,801 model
        # instances at once.
        for first in range(0, rows.values.size, SETUP_BATCH):
            Evidence.objects.bulk_create(
                [
                    Evidence(
                        student_id=student_ids[rows.students[k]],
                        skill_id=skill_ids[rows.skills[k]],
                        kind=EvidenceKind.RESPONSE,
                        correct=bool(rows.values[k]),
                        observed_at=base + timedelta(seconds=k),
                        source=SCALE_SOURCE,
                        item=str(rows.order[k]),
                    )
                    for k in range(first, min(first + SETUP_BATCH, rows.values.size))
                ],
                batch_size=SETUP_BATCH,
            )
    figures = {
        "migrate_seconds": migrate,
        "setup_seconds": time.perf_counter() - started,
        "setup_evidence": Evidence.objects.count(),
        "setup_peak_rss_mib": _peak_rss_mib(),
    }
    print(json.dumps(figures))


def scale_fit_child(folder: Path, profile: Path | None = None) -> None:
    """Run what `coplanner fit-mastery --school` runs; print figures as JSON."""
    _setup_django(folder)
    from coplanner.mastery.actions import record_mastery_fit
    from coplanner.mastery.models import Evidence, MasteryEstimate
    from coplanner.roster.models import School

    school = School.objects.get(slug=SCALE_SCHOOL)
    stamps: list[tuple[str, float]] = []

    def step(label: str) -> None:
        stamps.append((label, time.perf_counter()))

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    summary = record_mastery_fit(school, step=step)
    if profiler:
        profiler.disable()
    ended = time.perf_counter()
    if profiler and profile:
        profiler.dump_stats(profile)

    ends = [stamp for _, stamp in stamps[1:]] + [ended]
    figures = {
        "rows": Evidence.objects.filter(student__school=school).count(),
        "students": school.students.count(),
        "skills": summary.skills,
        "estimates": MasteryEstimate.objects.filter(student__school=school).count(),
        "fit_mastery_seconds": ended - started,
        "phases": [
            [label, end - stamp]
            for (label, stamp), end in zip(stamps, ends, strict=True)
        ],
        "peak_rss_mib": _peak_rss_mib(),
    }
    print(json.dumps(figures))


def scale_engine_child() -> None:
    """Fit ASSISTments 2015 and estimate every student in memory; print figures as JSON."""
    dataset = DATASETS[1]
    warm = Rows(
        ["a", "a", "b"] * 10, ["k"] * 30, np.ones(30), np.arange(30, dtype=np.int64)
    )
    estimate_all(warm.students, warm.skills, warm.values, fit_ours(warm, FitOptions()))
    started = time.perf_counter()
    rows = read_rows(dataset)
    load = time.perf_counter() - started
    rss_loaded = _peak_rss_mib()
    started = time.perf_counter()
    trace_params = fit_ours(rows, FitOptions())
    fit = time.perf_counter() - started
    started = time.perf_counter()
    estimates = estimate_all(
        rows.students, rows.skills, rows.values, trace_params, order=rows.order
    )
    estimate = time.perf_counter() - started
    figures = {
        "rows": int(rows.values.size),
        "students": len(set(rows.students)),
        "skills": len(trace_params.skills),
        "estimates": len(estimates),
        "load_seconds": load,
        "fit_seconds": fit,
        "estimate_seconds": estimate,
        "peak_rss_after_load_mib": rss_loaded,
        "peak_rss_mib": _peak_rss_mib(),
    }
    print(json.dumps(figures))


def _run_child(*arguments: str) -> dict[str, Any]:
    # The child's log lines and errors go to stderr, its figures to stdout.
    done = subprocess.run(
        [sys.executable, __file__, *arguments],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def scale(profile: Path | None = None) -> dict[str, Any]:
    """Measure ASSISTments 2015 through the database and in memory.

    Each part runs in a fresh process, so that its peak memory is its own:
    building the database, the refit as `fit-mastery` does it, and the
    engine alone on the data in memory.
    """
    with tempfile.TemporaryDirectory(prefix="coplanner-scale-") as temporary:
        print("  building the database (not timed against the target) ...", flush=True)
        setup = _run_child("--scale-child", "setup", temporary)
        print("  running fit-mastery's action ...", flush=True)
        fit_arguments = ["--scale-child", "fit", temporary]
        if profile:
            fit_arguments += ["--scale-profile", str(profile)]
        database = _run_child(*fit_arguments)
    print("  fitting in memory (engine alone) ...", flush=True)
    engine = _run_child("--scale-child", "engine")
    return {"database": database, "setup": setup, "engine": engine}


def scale_lines(figures: dict[str, Any]) -> list[str]:
    """Return the scale figures as text."""
    database, setup, engine = figures["database"], figures["setup"], figures["engine"]
    seconds = database["fit_mastery_seconds"]
    met = "met" if seconds < SCALE_TARGET_SECONDS else "NOT met"
    phases = "; ".join(f"{label} {spent:.1f} s" for label, spent in database["phases"])
    return [
        f"ASSISTments 2015 through the database (SQLite): {database['rows']:,} pieces "
        f"of evidence, {database['students']:,} students, {database['skills']} skills: "
        f"`fit-mastery` read, fitted and stored {database['estimates']:,} estimates in "
        f"{seconds:.1f} s (target < {SCALE_TARGET_SECONDS:.0f} s: {met}); peak memory "
        f"{database['peak_rss_mib']:.0f} MiB. Engine alone: fit "
        f"{engine['fit_seconds']:.2f} s, estimates {engine['estimate_seconds']:.2f} s.",
        "",
        f"- `fit-mastery` by phase: {phases}. Estimates counted in the database "
        "afterwards; peak memory is that of the process running the refit.",
        f"- Engine alone, data in memory: read CSV {engine['load_seconds']:.2f} s; fit "
        f"all skills {engine['fit_seconds']:.3f} s; {engine['estimates']:,} estimates "
        f"(every student × skill with evidence) {engine['estimate_seconds']:.2f} s; "
        f"peak memory {engine['peak_rss_mib']:.0f} MiB "
        f"({engine['peak_rss_after_load_mib']:.0f} MiB after reading the data).",
        f"- Building the database beforehand (not part of the target): migrations "
        f"{setup['migrate_seconds']:.1f} s; school, students, skills and "
        f"{setup['setup_evidence']:,} evidence rows by bulk insert "
        f"{setup['setup_seconds']:.1f} s; peak memory {setup['setup_peak_rss_mib']:.0f} MiB.",
    ]


# --- main ---------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-pure", action="store_true", help="do not time pure-Python pyBKT"
    )
    parser.add_argument(
        "--scale-only",
        action="store_true",
        help="measure only ASSISTments 2015 through the database (no pyBKT)",
    )
    parser.add_argument(
        "--scale-profile",
        type=Path,
        metavar="FILE",
        help="profile fit-mastery's refit with cProfile and write the stats to FILE",
    )
    parser.add_argument("--scale-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_child:
        kind, *folder = args.scale_child
        if kind == "setup":
            scale_setup_child(Path(folder[0]))
        elif kind == "fit":
            scale_fit_child(Path(folder[0]), args.scale_profile)
        else:
            scale_engine_child()
        return 0
    if not DATA.exists():
        print(
            f"Real data not found at {DATA}; set COPLANNER_REAL_DATA.", file=sys.stderr
        )
        return 1
    if args.scale_only:
        print("ASSISTments 2015: scale ...", flush=True)
        scale_figures = scale(args.scale_profile)
        print("\n".join(scale_lines(scale_figures)), flush=True)
        OUT.mkdir(exist_ok=True)
        (OUT / "mastery-scale.json").write_text(
            json.dumps({"scale": scale_figures}, indent=1)
        )
        print(f"\nWrote {OUT / 'mastery-scale.json'}.")
        return 0

    cpp, pure = ensure_pybkt()
    OUT.mkdir(exist_ok=True)
    report: list[str] = ["# Knowledge tracing: coplanner vs pyBKT 1.4.3", ""]
    results: list[dict[str, Any]] = []
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="coplanner-bench-") as temporary:
        folder = Path(temporary)
        evaluations: list[tuple[DataSet, Rows]] = []
        for dataset in DATASETS:
            rows = read_rows(dataset)
            evaluations.append((dataset, rows))
            if repeated_rows(rows):
                merged = replace(dataset, name=f"{dataset.name}, repeats merged")
                evaluations.append((merged, merge_repeats(rows)))
        for dataset, rows in evaluations:
            print(f"{dataset.name}: cross-validating ...", flush=True)
            folds = student_folds(rows)
            ours, ours_seconds = crossvalidate_ours(rows, folds)
            exchange = folder / "cv.csv"
            write_exchange(rows, folds, exchange)
            predictions = folder / "cv.npy"
            job = {
                "action": "crossvalidate",
                "data": str(exchange),
                "predictions": str(predictions),
            }
            theirs_result = run_pybkt(cpp, job, folder)
            theirs = np.load(predictions)
            lifted, _ = crossvalidate_ours(rows, folds, LIFTED)
            result = compare(dataset, rows, ours, theirs, lifted)
            result["fit_seconds_5_folds"] = {
                "ours": ours_seconds,
                "pybkt_cpp": sum(theirs_result["fit_seconds_per_fold"]),
            }
            results.append(result)
            print("\n".join(overall_table([result])[2:]), flush=True)
            if dataset.name == "ASSISTments 2009":
                print("ASSISTments 2009: speed ...", flush=True)
                figures["speed"] = speed(rows, cpp, pure, folder, args.skip_pure)
                print("\n".join(speed_lines(figures["speed"])), flush=True)
    print("ASSISTments 2015: scale ...", flush=True)
    figures["scale"] = scale(args.scale_profile)
    print("\n".join(scale_lines(figures["scale"])), flush=True)

    report += ["## Accuracy (5-fold cross-validation by student, same folds)", ""]
    report += overall_table(results)
    report += [
        "",
        "AUC and RMSE pool every out-of-fold prediction of the data set; the mean skill AUC "
        "averages the per-skill AUCs (skills with both outcomes). 'AUC ≥ pyBKT − 0.005' asks "
        "it of both. pyBKT: Model(seed=42, num_fits=5, parallel=False), standard BKT, C++ "
        "build; coplanner: default FitOptions (guess ≤ 0.5, slip ≤ 0.3, 5 starts). 'Repeated "
        "rows' repeat the student, skill and order of an earlier row (the original 2009 "
        "release has such duplicates, up to 46 in a row); a data set with repeated rows is "
        "also scored with them merged into one (both tracers fitted and scored on the same "
        "merged rows), as coplanner's evidence store, which holds each observation once, "
        "would have it. 'Bounds lifted' is a diagnostic fit with guess and slip up to 0.99 "
        "and 20 starts.",
        "",
        "## Speed",
        "",
    ]
    report += speed_lines(figures["speed"])
    report += ["", "## Scale", ""]
    report += scale_lines(figures["scale"])
    report += [""]
    for result in results:
        report += skill_table(result) + [""]
    text = "\n".join(report)
    (OUT / "mastery.md").write_text(text + "\n")
    (OUT / "mastery.json").write_text(
        json.dumps({"accuracy": results, **figures}, indent=1)
    )
    print()
    print(text)
    print(f"\nWrote {OUT / 'mastery.md'} and {OUT / 'mastery.json'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
