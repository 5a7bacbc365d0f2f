"""Chord diagram of the embodied CO2 flows between groups, drawn with matplotlib patches.

Each group owns an arc of the ring whose length is proportional to its flows to and from other
groups (Mt CO2): first its outgoing part (embodied exports, by destination), then its incoming
part (embodied imports, by origin). A ribbon joins the outgoing segment of the origin with the
incoming segment of the destination; its width at both ends is proportional to the flow in Mt.
Flows within a group (the diagonal) are not drawn; their total is given in the title.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Wedge
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from bri_carbon.outputs import figures

RING_INNER = 1.0
RING_WIDTH = 0.06
GAP_DEGREES = 2.0
#: Radius of the group names (in units of the ring's inner radius), their wrap width
#: (characters) and the widest name so wrapped at 7 pt (inches).
LABEL_RADIUS = 1.2
LABEL_CHARS = 16
LABEL_WIDTH_IN = 1.0
#: Room for the two lines of the title at the top of the figure, and above and below the
#: ring for names and names moved outwards (inches).
TITLE_HEIGHT_IN = 0.32
LABEL_ROOM_IN = 0.45
#: Height of the figure (mm), from the ring the width allows and the room around it.
HEIGHT_MM = 160.0


@dataclass(frozen=True)
class ChordLayout:
    """Angles (degrees, counter-clockwise from east) of arcs and ribbon ends.

    ``arcs``: group -> (start, end). ``ribbons``: (origin, destination) -> ((a1, a2),
    (b1, b2)): the ribbon's end on the origin's outgoing and the destination's incoming part.
    ``degrees_per_mt``: scale of the ring.
    """

    arcs: dict[str, tuple[float, float]]
    ribbons: dict[tuple[str, str], tuple[tuple[float, float], tuple[float, float]]]
    degrees_per_mt: float


def chord_layout(flows: pd.DataFrame, gap_degrees: float = GAP_DEGREES) -> ChordLayout:
    """Place arcs and ribbons for the off-diagonal flows of a square group matrix (Mt CO2).

    Arc length of group g is proportional to sum_{d != g} F[g, d] + sum_{o != g} F[o, g];
    ``gap_degrees`` separate the arcs. Groups keep the matrix order; groups without any
    flow to or from another group get no arc.
    """
    groups = list(flows.index)
    matrix = flows.loc[groups, groups].to_numpy(dtype=float).copy()
    np.fill_diagonal(matrix, 0.0)
    matrix = np.clip(matrix, 0.0, None)
    span = matrix.sum(axis=1) + matrix.sum(axis=0)
    present = [i for i, value in enumerate(span) if value > 0]
    total = float(span.sum())
    if total <= 0:
        return ChordLayout(arcs={}, ribbons={}, degrees_per_mt=0.0)
    scale = (360.0 - gap_degrees * len(present)) / total
    arcs: dict[str, tuple[float, float]] = {}
    outgoing_start: dict[int, float] = {}
    incoming_start: dict[int, float] = {}
    angle = 90.0
    for i in present:
        arcs[groups[i]] = (angle, angle + span[i] * scale)
        outgoing_start[i] = angle
        incoming_start[i] = angle + matrix[i].sum() * scale
        angle += span[i] * scale + gap_degrees
    ribbons = {}
    out_cursor = dict(outgoing_start)
    in_cursor = dict(incoming_start)
    for o in present:
        for d in present:
            width = matrix[o, d] * scale
            if width <= 0:
                continue
            origin_end = (out_cursor[o], out_cursor[o] + width)
            destination_end = (in_cursor[d], in_cursor[d] + width)
            out_cursor[o] += width
            in_cursor[d] += width
            ribbons[(groups[o], groups[d])] = (origin_end, destination_end)
    return ChordLayout(arcs=arcs, ribbons=ribbons, degrees_per_mt=scale)


def _arc_points(start: float, end: float, radius: float) -> np.ndarray:
    angles = np.radians(np.linspace(start, end, max(int(abs(end - start)) + 2, 2)))
    return np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])


def ribbon_path(
    origin_end: tuple[float, float],
    destination_end: tuple[float, float],
    radius: float = RING_INNER,
) -> MplPath:
    """Closed path: arc along the origin end, quadratic Bezier through the centre to the
    destination end, arc along it, Bezier back to the start."""
    origin_arc = _arc_points(*origin_end, radius)
    destination_arc = _arc_points(*destination_end, radius)
    vertices = [
        *origin_arc,
        (0.0, 0.0),
        destination_arc[0],
        *destination_arc[1:],
        (0.0, 0.0),
        origin_arc[0],
        origin_arc[0],
    ]
    codes = [
        MplPath.MOVETO,
        *[MplPath.LINETO] * (len(origin_arc) - 1),
        MplPath.CURVE3,
        MplPath.CURVE3,
        *[MplPath.LINETO] * (len(destination_arc) - 1),
        MplPath.CURVE3,
        MplPath.CURVE3,
        MplPath.CLOSEPOLY,
    ]
    return MplPath(np.asarray(vertices, dtype=float), codes)


#: Leading digits of the "nice" tick steps (1, 2, 5 times a power of ten).
NICE_STEPS = (1.0, 2.0, 5.0)


def label_step(largest_arc_mt: float, labels: int = 3) -> float:
    """The largest "nice" step (1, 2 or 5 x 10^k, Mt CO2) that puts at least ``labels``
    labelled ticks (besides 0) on the largest arc, ``largest_arc_mt`` Mt long.

    step <= largest_arc_mt / labels, so floor(largest_arc_mt / step) >= labels. 0 for an
    empty ring.
    """
    if not largest_arc_mt > 0:
        return 0.0
    target = largest_arc_mt / labels
    magnitude = 10 ** np.floor(np.log10(target))
    candidates = [f * magnitude for f in NICE_STEPS if f * magnitude <= target * (1 + 1e-12)]
    return float(max(candidates))


def minor_step(step: float) -> float:
    """Unlabelled ticks between the labelled ones: a fifth of a 1- or 5-step, a quarter of
    a 2-step (e.g. 500 -> 100, 200 -> 50)."""
    if step <= 0:
        return 0.0
    leading = round(step / 10 ** np.floor(np.log10(step)))
    return step / (4 if leading == 2 else 5)


def ring_ticks(length_mt: float, step: float) -> tuple[list[float], list[float]]:
    """(labelled, unlabelled) tick positions along an arc of ``length_mt`` Mt CO2, from its
    start: labelled every ``step`` Mt (0 left out), unlabelled every :func:`minor_step`."""
    if step <= 0:
        return [], []
    minor = minor_step(step)
    count = int(np.floor(length_mt / minor + 1e-9))
    positions = [i * minor for i in range(count + 1)]
    ratio = round(step / minor)
    labelled = [p for i, p in enumerate(positions) if i % ratio == 0 and i > 0]
    unlabelled = [p for i, p in enumerate(positions) if i % ratio != 0 or i == 0]
    return labelled, unlabelled


def _separate_labels(
    ax: Axes, names: dict[str, Text], arcs: dict[str, tuple[float, float]]
) -> None:
    """Move group names that overlap an earlier one (counter-clockwise) outwards along their
    arc's middle, in steps of 0.03 ring radii, and join a moved name to its arc by a thin
    line."""
    renderer = ax.figure.canvas.get_renderer()
    placed: list[Bbox] = []
    for group, text in names.items():
        middle = np.radians(sum(arcs[group]) / 2)
        direction = np.array([np.cos(middle), np.sin(middle)])
        radius = LABEL_RADIUS
        box = text.get_window_extent(renderer).padded(2)
        while any(box.overlaps(other) for other in placed) and radius < LABEL_RADIUS + 0.6:
            radius += 0.03
            text.set_position(tuple(radius * direction))
            box = text.get_window_extent(renderer).padded(2)
        placed.append(box)
        if radius > LABEL_RADIUS:
            start, end = (RING_INNER + RING_WIDTH + 0.02) * direction, (radius - 0.02) * direction
            ax.plot(*zip(start, end, strict=True), color="#888888", linewidth=0.4)


def flows_chord(
    flows: pd.DataFrame,
    bri: pd.Series,
    source: str,
    year: int,
    synthetic: bool,
) -> Figure:
    """Chord diagram of the group flow matrix ``flows`` (origin x destination, Mt CO2); two
    columns wide.

    ``bri``: bool per group. Arcs and ribbons take the colour of their (origin) group
    (:func:`bri_carbon.outputs.figures.group_colours`); Belt and Road groups are named in
    bold. The ring carries ticks in Mt CO2 with a step from the data (:func:`label_step`:
    at least three labelled ticks on the largest arc), so that widths can be read off.
    """
    layout = chord_layout(flows)
    fig = figures.new_figure(
        figures.DOUBLE_COLUMN_MM,
        HEIGHT_MM,
        notes=[
            "Ribbon colour: the origin group. Bold: Belt and Road group. "
            "Each arc counter-clockwise: embodied exports, then embodied imports."
        ],
    )
    # Laid out by hand: the ring is as large as the figure allows once the group names
    # (horizontal, up to LABEL_WIDTH_IN wide) and the title fit around it.
    fig.set_layout_engine("none")
    width, height = fig.get_size_inches()
    bottom = figures.STAMP_STRIP_IN + figures.NOTE_LINE_IN
    top = TITLE_HEIGHT_IN
    available = height - bottom - top
    radius = min(
        (width / 2 - LABEL_WIDTH_IN) / LABEL_RADIUS,
        (available / 2 - LABEL_ROOM_IN) / LABEL_RADIUS,
    )
    ax = fig.add_axes((0.0, bottom / height, 1.0, available / height))
    ax.set_xlim(-width / 2 / radius, width / 2 / radius)
    ax.set_ylim(-available / 2 / radius, available / 2 / radius)
    ax.set_aspect("equal")
    ax.set_axis_off()
    colour = figures.group_colours(flows.index)
    for (origin, _), (origin_end, destination_end) in sorted(
        layout.ribbons.items(), key=lambda item: -(item[1][0][1] - item[1][0][0])
    ):
        ax.add_patch(
            PathPatch(
                ribbon_path(origin_end, destination_end),
                facecolor=colour[origin],
                edgecolor="white",
                linewidth=0.2,
                alpha=0.6,
            )
        )
    scale = layout.degrees_per_mt
    largest = max((end - start for start, end in layout.arcs.values()), default=0.0)
    step = label_step(largest / scale) if scale else 0.0
    outer = RING_INNER + RING_WIDTH
    names: dict[str, Text] = {}
    for group, (start, end) in layout.arcs.items():
        ax.add_patch(
            Wedge(
                (0, 0),
                outer,
                start,
                end,
                width=RING_WIDTH,
                facecolor=colour[group],
                edgecolor="none",
            )
        )
        labelled, unlabelled = ring_ticks((end - start) / scale, step)
        for mt, length in [*((m, 0.03) for m in labelled), *((m, 0.015) for m in unlabelled)]:
            angle = np.radians(start + mt * scale)
            ax.plot(
                [outer * np.cos(angle), (outer + length) * np.cos(angle)],
                [outer * np.sin(angle), (outer + length) * np.sin(angle)],
                color="#555555",
                linewidth=0.5,
            )
        for mt in labelled:
            angle = start + mt * scale
            rotation = angle - 90 if not 180 < angle % 360 < 360 else angle + 90
            ax.text(
                (outer + 0.065) * np.cos(np.radians(angle)),
                (outer + 0.065) * np.sin(np.radians(angle)),
                f"{mt:,.0f}",
                fontsize=6,
                ha="center",
                va="center",
                rotation=rotation,
                rotation_mode="anchor",
                color="#555555",
            )
        middle = np.radians((start + end) / 2)
        cos, sin = np.cos(middle), np.sin(middle)
        names[group] = ax.text(
            LABEL_RADIUS * cos,
            LABEL_RADIUS * sin,
            "\n".join(textwrap.wrap(str(group), LABEL_CHARS)),
            fontsize=7,
            fontweight="bold" if bool(bri[group]) else "normal",
            ha="left" if cos > 0.3 else "right" if cos < -0.3 else "center",
            va="bottom" if sin > 0.3 else "top" if sin < -0.3 else "center",
            linespacing=1.1,
        )
    _separate_labels(ax, names, layout.arcs)
    matrix = flows.to_numpy(dtype=float)
    within = float(np.trace(matrix))
    world = float(matrix.sum())
    between = world - within
    fig.text(
        0.01,
        1.0 - 0.04 / height,
        f"Embodied CO2 flows between groups: {between:,.0f} Mt CO2 ({between / world:.0%} of "
        f"world industry emissions;\nflows within groups, {within:,.0f} Mt, not drawn). Ribbon "
        f"width and ring ticks in Mt CO2 (tick labels every {step:,.0f} Mt)",
        fontsize=7.5,
        va="top",
    )
    figures.stamp(fig, source, year, synthetic)
    return fig
