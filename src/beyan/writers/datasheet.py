"""The datasheet (Gebru et al.): a hand-written document with blocks the build regenerates.

Generated blocks sit between ``<!-- beyan:NAME:begin -->`` and ``<!-- beyan:NAME:end -->``;
everything outside them is the maintainers' prose and is never touched.
"""

from __future__ import annotations

import re

from beyan.issues import fail

SECTIONS = (
    "Motivation",
    "Composition",
    "Collection process",
    "Preprocessing, cleaning and labeling",
    "Uses",
    "Distribution",
    "Maintenance",
)


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- beyan:{name}:begin -->", f"<!-- beyan:{name}:end -->"


def fill_block(document: str, name: str, content: str, *, where: str) -> str:
    """Replace the block ``name``; a missing or broken marker pair is an error."""
    begin, end = _markers(name)
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if len(pattern.findall(document)) != 1:
        raise fail(
            "missing-marker",
            (where,),
            f"the datasheet needs exactly one generated block '{name}'",
            expected=f"{begin} ... {end}",
            found="none" if begin not in document else "a broken or repeated pair",
        )
    return pattern.sub(lambda _: f"{begin}\n{content.strip()}\n{end}", document)


def missing_sections(document: str) -> list[str]:
    headings = {m.group(1).strip().lower() for m in re.finditer(r"^##\s+(.+)$", document, re.MULTILINE)}
    return [section for section in SECTIONS if section.lower() not in headings]


REQUIRED_BLOCKS = ("stats", "agreement")


def render_datasheet(template: str, blocks: dict[str, str], *, where: str) -> str:
    """Fill every block; ``stats`` and ``agreement`` must be there, others only where the template has them."""
    document = template
    for name, content in blocks.items():
        if name in REQUIRED_BLOCKS or _markers(name)[0] in document:
            document = fill_block(document, name, content, where=where)
    return document
