"""Chord diagram of the embodied CO2 flows between groups, drawn with matplotlib patches.

Each group owns an arc of the ring whose length is proportional to its flows to and from other
groups (Mt CO2): first its outgoing part (embodied exports, by destination), then its incoming
part (embodied imports, by origin). A ribbon joins the outgoing segment of the origin with the
incoming segment of the destination; its width at both ends is proportional to the flow in Mt.
Flows within a group (the diagonal) are not drawn; their total is given in the title.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch, Wedge
from matplotlib.path import Path as MplPath

from bri_carbon.outputs import figures

RING_INNER = 1.0
RING_WIDTH = 0.06
GAP_DEGREES = 2.0


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


def _nice_step(total_mt: float) -> float:
    """A 1-2-5 step giving roughly 45 ticks around the ring."""
    raw = total_mt / 45.0
    magnitude = 10 ** np.floor(np.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def flows_chord(
    flows: pd.DataFrame,
    bri: pd.Series,
    source: str,
    year: int,
    synthetic: bool,
) -> Figure:
    """Chord diagram of the group flow matrix ``flows`` (origin x destination, Mt CO2).

    ``bri``: bool per group. Ribbons take the colour of their origin's class (BRI or not);
    the ring carries ticks in Mt CO2 so that widths can be read off.
    """
    figures.apply_style()
    layout = chord_layout(flows)
    fig, ax = plt.subplots(figsize=(7.5, 7.8))
    ax.set_aspect("equal")
    ax.set_axis_off()
    colour = {
        g: figures.PALETTE["bri"] if bool(bri[g]) else figures.PALETTE["non_bri"]
        for g in flows.index
    }
    for (origin, _), (origin_end, destination_end) in sorted(
        layout.ribbons.items(), key=lambda item: -(item[1][0][1] - item[1][0][0])
    ):
        ax.add_patch(
            PathPatch(
                ribbon_path(origin_end, destination_end),
                facecolor=colour[origin],
                edgecolor="white",
                linewidth=0.2,
                alpha=0.55,
            )
        )
    total = sum(end - start for start, end in layout.arcs.values())
    step = _nice_step(total / layout.degrees_per_mt) if layout.degrees_per_mt else 0.0
    outer = RING_INNER + RING_WIDTH
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
        mt = 0.0
        while step and start + mt * layout.degrees_per_mt <= end + 1e-9:
            angle = np.radians(start + mt * layout.degrees_per_mt)
            major = round(mt / step) % 5 == 0
            length = 0.03 if major else 0.015
            ax.plot(
                [outer * np.cos(angle), (outer + length) * np.cos(angle)],
                [outer * np.sin(angle), (outer + length) * np.sin(angle)],
                color="#555555",
                linewidth=0.5,
            )
            if major and mt > 0:
                tick_rotation = np.degrees(angle) - 90
                if 90 < tick_rotation % 360 < 270:
                    tick_rotation += 180
                ax.text(
                    (outer + 0.055) * np.cos(angle),
                    (outer + 0.055) * np.sin(angle),
                    f"{mt:,.0f}",
                    fontsize=5.5,
                    ha="center",
                    va="center",
                    rotation=tick_rotation,
                    color="#555555",
                )
            mt += step
        middle = np.radians((start + end) / 2)
        rotation = np.degrees(middle)
        flip = 90 < rotation % 360 < 270
        ax.text(
            1.16 * np.cos(middle),
            1.16 * np.sin(middle),
            group,
            fontsize=7.5,
            rotation=rotation + 180 if flip else rotation,
            rotation_mode="anchor",
            ha="right" if flip else "left",
            va="center",
        )
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.75, 1.75)
    matrix = flows.to_numpy(dtype=float)
    within = float(np.trace(matrix))
    world = float(matrix.sum())
    between = world - within
    ax.set_title(
        f"Embodied CO2 flows between groups: {between:,.0f} Mt CO2 ({between / world:.0%} of "
        f"world industry emissions;\nflows within groups, {within:,.0f} Mt, not drawn). "
        f"Ribbon width and ring ticks in Mt CO2\n(tick every {step:,.0f} Mt, labelled every "
        f"{5 * step:,.0f} Mt); each arc counter-clockwise: exports, then imports",
        loc="left",
        fontsize=8,
    )
    ax.legend(
        handles=[
            Patch(color=figures.PALETTE["bri"], alpha=0.7, label="from a Belt and Road group"),
            Patch(color=figures.PALETTE["non_bri"], alpha=0.7, label="from another group"),
        ],
        loc="lower right",
        fontsize=7.5,
    )
    figures.stamp(fig, source, year, synthetic)
    return fig
