"""Checks of a drawn figure at its printed size: width, font sizes, texts inside the page."""

from __future__ import annotations

import re

from matplotlib.figure import Figure
from matplotlib.text import Text

from bri_carbon.outputs import figures

#: A panel label at the start of a left title: "(a) ...".
PANEL_LABEL = re.compile(r"^\(([a-z])\)")


def width_mm(fig: Figure) -> float:
    """The figure's width in millimetres."""
    return float(fig.get_figwidth()) * figures.MM_PER_INCH


def texts(fig: Figure) -> list[Text]:
    """Every text of ``fig`` that is drawn, once drawn: visible, not empty, tick labels only
    of shown axes and of ticks within the axis limits (matplotlib draws no others)."""
    fig.canvas.draw()
    ticks: dict[int, bool] = {}
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                inside = ax.axison and low - span <= tick.get_loc() <= high + span
                for label in (tick.label1, tick.label2):
                    ticks[id(label)] = inside
    return [
        text
        for text in fig.findobj(Text)
        if text.get_visible()
        and text.get_text().strip()
        and _shown(text)
        and ticks.get(id(text), True)
    ]


def _shown(text: Text) -> bool:
    """Whether every parent axes of the text is visible (hidden panels draw nothing)."""
    axes = text.axes
    return axes is None or axes.get_visible()


def smallest_fonts(fig: Figure) -> list[tuple[float, str]]:
    """(size in pt, text) of the texts below :data:`figures.MIN_FONT_PT`."""
    return [
        (text.get_fontsize(), text.get_text())
        for text in texts(fig)
        if text.get_fontsize() < figures.MIN_FONT_PT
    ]


def outside_texts(fig: Figure, tolerance_px: float = 1.0) -> list[str]:
    """Texts that reach beyond the figure's edges (clipped in the saved files)."""
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    clipped = []
    for text in texts(fig):
        box = text.get_window_extent(renderer)
        if (
            box.x0 < page.x0 - tolerance_px
            or box.y0 < page.y0 - tolerance_px
            or box.x1 > page.x1 + tolerance_px
            or box.y1 > page.y1 + tolerance_px
        ):
            clipped.append(text.get_text())
    return clipped


def legends_clear_of_stamp(fig: Figure) -> list[str]:
    """Legends that reach outside the figure or overlap the stamp texts at the bottom."""
    renderer = fig.canvas.get_renderer()
    fig.canvas.draw()
    stamps = [
        t.get_window_extent(renderer)
        for t in fig.texts
        if t.get_text().startswith(("Data:", "SYNTHETIC DATA"))
    ]
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    problems = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        if not (fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1 and box.y0 >= -1):
            problems.append(f"legend outside the figure: {box}")
        problems += [f"legend over the stamp: {box}" for s in stamps if box.overlaps(s)]
    return problems


def panel_letters(fig: Figure) -> list[str]:
    """The panel letters at the start of the visible axes' left titles, in axes order."""
    letters = []
    for ax in fig.axes:
        match = PANEL_LABEL.match(ax.get_title(loc="left"))
        if ax.get_visible() and match:
            letters.append(match.group(1))
    return letters
