"""The documentation stays true to the schema and stays navigable.

- docs/configuration.md is what docs/configuration.py makes of rules/schemas/config.schema.yaml
  and names every key of the schema;
- README.md stays an entry point of at most 8 KB;
- every relative link in README.md and docs/*.md points to a file that exists, and a link
  to a heading of a Markdown page (``page.md#heading``, ``#heading``) to a heading there.

Fast: no Snakemake run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml


def _repository_root() -> Path:
    """The folder holding pyproject.toml, above this file (wherever tests/ puts it)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise FileNotFoundError("no pyproject.toml above this test file")


ROOT = _repository_root()
SCHEMA = ROOT / "rules" / "schemas" / "config.schema.yaml"
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"
README_LIMIT_BYTES = 8192
#: [text](target) and ![alt](target); the target ends at whitespace or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*$", re.MULTILINE)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def _schema_keys(node: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Dotted names of every key below ``node`` (properties, recursively)."""
    for name, child in node.get("properties", {}).items():
        yield f"{prefix}{name}"
        yield from _schema_keys(child, f"{prefix}{name}.")


def _all_schema_keys() -> list[str]:
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    keys = list(_schema_keys(schema))
    for name, definition in schema.get("$defs", {}).items():
        keys.append(name)
        keys += list(_schema_keys(definition, f"{name}."))
    return keys


def _relative_links(path: Path) -> list[str]:
    """Link targets in a Markdown file that point into the repository or into the page
    itself (``#heading``); code spans and fenced code are ignored."""
    text = CODE_SPAN.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE)  # http:, mailto: ...
    ]


def _anchors(path: Path) -> set[str]:
    """The anchors of a Markdown page's headings as GitHub makes them: lower case, without
    punctuation, spaces as hyphens, repeated headings numbered."""
    anchors, seen = set(), {}
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_configuration_doc_is_what_the_generator_writes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "configuration.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_configuration_doc_names_every_schema_key():
    text = CONFIGURATION_DOC.read_text(encoding="utf-8")
    keys = _all_schema_keys()
    assert {"stressors.eora26", "final_demand.exclude.eora26", "download.retries"} <= set(keys)
    missing = [key for key in keys if f"`{key}`" not in text]
    assert missing == []


def test_readme_is_an_entry_point_of_at_most_8_kb():
    size = len((ROOT / "README.md").read_bytes())
    assert size <= README_LIMIT_BYTES, f"README.md has {size} bytes; move detail to docs/"


@pytest.mark.parametrize("page", _markdown_files(), ids=lambda path: path.name)
def test_relative_links_point_to_existing_files_and_headings(page):
    broken = []
    for target in _relative_links(page):
        path, _, anchor = target.partition("#")
        linked = page.parent / path if path else page
        heading_missing = (
            linked.exists() and linked.suffix == ".md" and anchor and anchor not in _anchors(linked)
        )
        if not linked.exists() or heading_missing:
            broken.append(target)
    assert broken == [], f"{page.relative_to(ROOT)} links to missing files or headings: {broken}"


def test_link_finder_sees_links_and_skips_code(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        'See [a](docs/a.md#top), ![b](b.png "title"), [web](https://x.org) and [c](#c).\n'
        "`[d](d.md)` is code, and so is\n```\n[e](e.md)\n```\n",
        encoding="utf-8",
    )
    assert _relative_links(page) == ["docs/a.md#top", "b.png", "#c"]


def test_anchors_follow_github_headings(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Eora's ROW entry\n## Drivers of change (SDA)\n### `eora26_label`\n"
        "## Notes\n## Notes\n```\n# not a heading\n```\n",
        encoding="utf-8",
    )
    assert _anchors(page) == {
        "eoras-row-entry",
        "drivers-of-change-sda",
        "eora26_label",
        "notes",
        "notes-1",
    }
