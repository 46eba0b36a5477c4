"""Lay out a prerequisite graph in layers, for drawing as a server-side SVG.

Pure Python, no Django: the skill map page hands in skills and their
prerequisites and gets back boxes and arrows in pixels. A skill's layer is
the length of its longest chain of prerequisites, so every arrow points down
to a later layer. Within a layer, skills are ordered to keep arrows short
(a few sweeps of the barycentre heuristic), starting from the order given.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

# How many times the order within layers is improved, down then up.
ORDER_SWEEPS = 4


@dataclass(frozen=True)
class Geometry:
    """Sizes of the drawing, in SVG pixels (font size included)."""

    node_width: int = 164
    node_height: int = 46
    column_gap: int = 16
    layer_gap: int = 46
    margin: int = 12
    font_size: int = 12
    line_height: int = 14
    # Characters per line of a skill's name; two lines at most.
    wrap_at: int = 24
    max_lines: int = 2


DEFAULT_GEOMETRY = Geometry()


@dataclass(frozen=True)
class PlacedNode:
    """A skill's box: top-left corner, size, layer, and its name as lines.

    ``lines`` holds the baseline y of each line of the name with its text,
    centred in the box.
    """

    key: str
    layer: int
    x: int
    y: int
    width: int
    height: int
    lines: tuple[tuple[int, str], ...]

    @property
    def centre_x(self) -> int:
        return self.x + self.width // 2


@dataclass(frozen=True)
class PlacedEdge:
    """An arrow from a prerequisite down to the skill that needs it."""

    source: str
    target: str
    path: str


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]


def build_layers(prerequisites: Mapping[str, Collection[str]]) -> dict[str, int]:
    """Return each skill's layer: the length of its longest prerequisite chain.

    Prerequisites outside ``prerequisites``' keys are ignored. An arrow that
    would close a cycle (bad data, but the database allows it) is ignored too,
    so every skill still gets a layer.
    """
    layers: dict[str, int] = {}
    visiting: set[str] = set()

    def layer_of(key: str) -> int:
        if key in layers:
            return layers[key]
        visiting.add(key)
        deepest = -1
        for required in prerequisites[key]:
            if required in prerequisites and required not in visiting:
                deepest = max(deepest, layer_of(required))
        visiting.discard(key)
        layers[key] = deepest + 1
        return layers[key]

    for key in prerequisites:
        layer_of(key)
    return layers


def _wrap(label: str, top: int, geometry: Geometry) -> tuple[tuple[int, str], ...]:
    lines = textwrap.wrap(label, geometry.wrap_at) or [""]
    if len(lines) > geometry.max_lines:
        kept = lines[: geometry.max_lines]
        last = kept[-1][: geometry.wrap_at - 1].rstrip()
        kept[-1] = last + "…"
        lines = kept
    block = geometry.line_height * (len(lines) - 1)
    first = top + (geometry.node_height - block) // 2 + geometry.font_size // 3
    return tuple(
        (first + index * geometry.line_height, line) for index, line in enumerate(lines)
    )


def _order_layers(
    keys: Sequence[str],
    layers: Mapping[str, int],
    prerequisites: Mapping[str, Collection[str]],
) -> list[list[str]]:
    depth = max(layers.values(), default=-1) + 1
    rows: list[list[str]] = [[] for _ in range(depth)]
    for key in keys:
        rows[layers[key]].append(key)
    dependants: dict[str, list[str]] = {key: [] for key in keys}
    for key in keys:
        for required in prerequisites[key]:
            if required in dependants:
                dependants[required].append(key)

    def positions() -> dict[str, float]:
        # Rows are centred, so a position is the offset from the centre line.
        return {
            key: index - (len(row) - 1) / 2
            for row in rows
            for index, key in enumerate(row)
        }

    def reorder(row: list[str], neighbours: Mapping[str, Collection[str]]) -> None:
        at = positions()
        known = {
            key: [at[n] for n in neighbours.get(key, ()) if n in at] for key in row
        }
        row.sort(
            key=lambda key: sum(known[key]) / len(known[key]) if known[key] else at[key]
        )

    for _ in range(ORDER_SWEEPS):
        for row in rows[1:]:
            reorder(row, prerequisites)
        for row in reversed(rows[:-1]):
            reorder(row, dependants)
    return rows


def build_layout(
    labels: Mapping[str, str],
    prerequisites: Mapping[str, Collection[str]],
    geometry: Geometry = DEFAULT_GEOMETRY,
) -> Layout:
    """Return boxes and arrows for a prerequisite graph, layer by layer.

    ``labels`` gives every skill's name, in the order to start from (grade
    then code reads well); ``prerequisites`` gives each of those skills the
    skills it needs. Arrows run from a prerequisite's bottom edge to the top
    edge of the skill that needs it.
    """
    keys = list(labels)
    graph = {
        key: [r for r in prerequisites.get(key, ()) if r in labels] for key in keys
    }
    layers = build_layers(graph)
    rows = _order_layers(keys, layers, graph)

    pitch_x = geometry.node_width + geometry.column_gap
    pitch_y = geometry.node_height + geometry.layer_gap
    widest = max((len(row) for row in rows), default=0)
    width = 2 * geometry.margin + max(0, widest * pitch_x - geometry.column_gap)
    height = 2 * geometry.margin + max(0, len(rows) * pitch_y - geometry.layer_gap)

    placed: dict[str, PlacedNode] = {}
    for layer, row in enumerate(rows):
        row_width = len(row) * pitch_x - geometry.column_gap
        left = (width - row_width) // 2
        top = geometry.margin + layer * pitch_y
        for index, key in enumerate(row):
            placed[key] = PlacedNode(
                key=key,
                layer=layer,
                x=left + index * pitch_x,
                y=top,
                width=geometry.node_width,
                height=geometry.node_height,
                lines=_wrap(labels[key], top, geometry),
            )

    edges = []
    for key in keys:
        target = placed[key]
        for required in graph[key]:
            source = placed[required]
            if source.layer >= target.layer:
                continue  # the arrow that closed a cycle
            x1, y1 = source.centre_x, source.y + source.height
            x2, y2 = target.centre_x, target.y
            bend = (y2 - y1) // 2
            edges.append(
                PlacedEdge(
                    source=required,
                    target=key,
                    path=f"M{x1} {y1} C{x1} {y1 + bend} {x2} {y2 - bend} {x2} {y2}",
                )
            )
    return Layout(
        width=width,
        height=height,
        nodes=tuple(placed[key] for row in rows for key in row),
        edges=tuple(edges),
    )
