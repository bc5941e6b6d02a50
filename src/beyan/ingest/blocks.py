"""Assemble an article's normalized text and structure from its parts, as the seed's format does.

The text is the headline, then subtitles, then the body's paragraphs and crossheads, joined
by one blank line; line breaks are LF and no line has leading or trailing spaces. Every
:class:`~beyan.records.Block` gives ``[start, end)`` offsets into that text, and a
dateline opening the first paragraph (``KUZEYOVA - ...``) gets its own block, as in
:func:`beyan.readers.news_text.parse_news_v1`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from beyan.readers.news_text import dateline_place, is_crosshead
from beyan.records import Block
from beyan.transforms.offsets import normalize_newlines

_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


@dataclass(frozen=True, slots=True)
class AssembledText:
    text: str
    structure: tuple[Block, ...]
    title: str | None
    subtitle: str | None
    dateline: str | None


def clean_block(block: str) -> str:
    """One block: lines stripped, empty lines dropped, runs of spaces inside a line kept as they are."""
    return "\n".join(line.strip() for line in block.split("\n") if line.strip())


def split_blocks(body: str) -> list[str]:
    """A body's blocks: split at blank lines; a body with no blank line but several lines has a block per line.

    Scrapers often separate paragraphs by one line break; a body that never uses a blank
    line is read that way, so each of its lines is a paragraph.
    """
    body = normalize_newlines(body).strip()
    if not body:
        return []
    if _BLANK_LINES.search(body) is None:
        return [line.strip() for line in body.split("\n") if line.strip()]
    return [cleaned for part in _BLANK_LINES.split(body) if (cleaned := clean_block(part))]


def same_text(a: str, b: str) -> bool:
    """Equal once whitespace is collapsed and case folded: a headline repeated in the body."""
    a, b = " ".join(a.split()), " ".join(b.split())
    return len(a) == len(b) and a.casefold() == b.casefold()


def compose(*, title: str | None, subtitle: str | None, body: str) -> list[tuple[str, str]]:
    """The kinds and texts of a structured record's parts (title, subtitle, body blocks).

    A body that repeats the headline (or the subtitle) at its start does not repeat it in the
    text; a short line without final punctuation after the first paragraph is a crosshead.
    """
    blocks = split_blocks(body)
    title = clean_block(normalize_newlines(title)) if title else None
    subtitle = clean_block(normalize_newlines(subtitle)) if subtitle else None
    if title and blocks and same_text(blocks[0], title):
        blocks = blocks[1:]
    if subtitle and blocks and same_text(blocks[0], subtitle):
        blocks = blocks[1:]
    pieces: list[tuple[str, str]] = []
    if title:
        pieces.append(("title", title))
    if subtitle:
        pieces.append(("subtitle", subtitle))
    for index, block in enumerate(blocks):
        pieces.append(("crosshead" if index and is_crosshead(block) else "paragraph", block))
    return pieces


def assemble(pieces: list[tuple[str, str]]) -> AssembledText:
    """Join ``(kind, text)`` pieces with one blank line; a dateline opening the first paragraph gets a block."""
    parts: list[str] = []
    structure: list[Block] = []
    position = 0
    dateline: str | None = None
    first_paragraph = True
    for kind, block in pieces:
        if not block:
            continue
        if parts:
            parts.append("\n\n")
            position += 2
        structure.append(Block(kind, position, position + len(block)))
        if kind == "paragraph" and first_paragraph:
            first_paragraph = False
            place = dateline_place(block)
            if place is not None:
                dateline = place
                structure.append(Block("dateline", position, position + len(place)))
        parts.append(block)
        position += len(block)
    structure.sort(key=lambda b: (b.start, -b.end))
    titles = [block for kind, block in pieces if kind == "title" and block]
    subtitles = [block for kind, block in pieces if kind == "subtitle" and block]
    return AssembledText(
        text="".join(parts),
        structure=tuple(structure),
        title=titles[0] if titles else None,
        subtitle="\n".join(subtitles) or None,
        dateline=dateline,
    )
