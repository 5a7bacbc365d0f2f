"""Compile LaTeX tables inside a minimal A4 article with pdflatex (``make latex-tools``).

The article has the text width the tables are laid out for (A4, 2.5 cm margins: 16 cm,
bri_carbon.outputs.typeset.TEXT_WIDTH_CM) and loads only the packages docs/outputs.md names.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(
    PDFLATEX is None, reason="pdflatex is not installed (make latex-tools)"
)
ARTICLE = r"""\documentclass[a4paper,10pt]{article}
\usepackage[margin=2.5cm]{geometry}
\usepackage{booktabs,array,longtable}
\begin{document}
\input{%s}
\end{document}
"""


def compile_table(table: Path, workdir: Path) -> str:
    """Compile ``table`` (a .tex file) in an article under ``workdir``; return the last log.

    Runs pdflatex until the log asks for no rerun (longtable settles its column widths over
    runs), at most four times; fails on a LaTeX error.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(table, workdir / "table.tex")
    (workdir / "article.tex").write_text(ARTICLE % "table")
    log = ""
    for _ in range(4):
        result = subprocess.run(
            [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "article.tex"],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        log = (workdir / "article.log").read_text(errors="replace")
        assert result.returncode == 0, f"pdflatex failed on {table}:\n{log[-3000:]}"
        if "Rerun" not in log:
            break
    return log


def layout_problems(log: str) -> list[str]:
    """The log's complaints about a table that does not fit: lines wider than the text
    (``Overfull \\hbox``) or floats taller than the page."""
    return [
        line
        for line in log.splitlines()
        if line.startswith("Overfull \\hbox") or "Float too large" in line
    ]
