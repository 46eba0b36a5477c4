"""Group evidence rows into one ordered sequence per student and skill."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Sequences:
    """Hold the evidence of one skill, one sequence per student, in order.

    Sequence ``s`` is ``values[offsets[s]:offsets[s + 1]]``; ``rows`` gives,
    for every value, its index in the rows it was grouped from, and
    ``students`` the student code of every sequence.
    """

    values: FloatArray
    offsets: IntArray
    rows: IntArray
    students: IntArray

    @property
    def n_sequences(self) -> int:
        """Return the number of sequences (students)."""
        return int(self.offsets.shape[0] - 1)

    @property
    def n_observations(self) -> int:
        """Return the number of observations."""
        return int(self.values.shape[0])


def group_by_skill(
    skills: IntArray,
    students: IntArray,
    values: FloatArray,
    order: IntArray | None = None,
) -> dict[int, Sequences]:
    """Split rows into per-skill sequences, ordered by ``order`` then by row.

    ``skills`` and ``students`` are integer codes, one per row; rows of one
    student and skill with the same ``order`` keep their order in the input.
    """
    n = values.shape[0]
    if order is None:
        order = np.arange(n, dtype=np.int64)
    # lexsort is stable: ties on every key keep the input order.
    index = np.lexsort((order, students, skills)).astype(np.int64)
    skill_sorted = skills[index]
    student_sorted = students[index]
    new_skill = np.flatnonzero(np.diff(skill_sorted)) + 1
    new_sequence = (
        np.flatnonzero((np.diff(skill_sorted) != 0) | (np.diff(student_sorted) != 0))
        + 1
    )
    skill_bounds = np.concatenate(([0], new_skill, [n])).astype(np.int64)
    sequence_bounds = np.concatenate(([0], new_sequence, [n])).astype(np.int64)
    grouped: dict[int, Sequences] = {}
    if n == 0:
        return grouped
    first_sequence = np.searchsorted(sequence_bounds, skill_bounds)
    sorted_values = values[index]
    for k in range(skill_bounds.shape[0] - 1):
        low, high = skill_bounds[k], skill_bounds[k + 1]
        bounds = sequence_bounds[first_sequence[k] : first_sequence[k + 1] + 1]
        grouped[int(skill_sorted[low])] = Sequences(
            values=np.ascontiguousarray(sorted_values[low:high]),
            offsets=bounds - low,
            rows=index[low:high],
            students=student_sorted[bounds[:-1]],
        )
    return grouped


def encode(labels: list[str]) -> tuple[IntArray, list[str]]:
    """Return an integer code per label and the labels by code."""
    codes: dict[str, int] = {}
    out = np.empty(len(labels), dtype=np.int64)
    for i, label in enumerate(labels):
        out[i] = codes.setdefault(label, len(codes))
    return out, list(codes)
