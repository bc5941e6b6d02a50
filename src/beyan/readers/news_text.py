"""Parse raw article files into text, metadata and structure.

Two formats are known:

``beyan-news-v1``, the format of the seed corpus::

     date 2024-11 Güncel                    <- date (YYYY[-MM[-DD]]) and section
    - Headline: "a quote"                   <- headline after "- "
    Photo caption or subtitle               <- blocks before the dateline paragraph
    MOSKOVA - First paragraph ...           <- dateline, " - ", body
    "A cross-head"                          <- short blocks without final punctuation
    Body paragraph ...

Blocks are separated by blank lines. The normalized ``text`` joins title, subtitle and
body blocks with one blank line; the date line is metadata, not text.

``plain``: the text as it is (line breaks normalized to LF), for articles that arrive
as Label Studio tasks; title and date come from the article's metadata file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from beyan.issues import fail
from beyan.records import Block, Published
from beyan.transforms.offsets import normalize_newlines

_DATE_LINE = re.compile(r"^\s*date\s+(?P<date>\S+)(?:\s+(?P<section>.+?))?\s*$")
_DATELINE = re.compile(r"^(?P<place>[A-ZÇĞİÖŞÜÂÎÛ][A-ZÇĞİÖŞÜÂÎÛ'’./ ]{1,40}?)\s+[-–—]\s+")
_SENTENCE_END = ".!?…:;"
_CLOSERS = "\"'”’»)]"
CROSSHEAD_MAX_LENGTH = 160


@dataclass(slots=True)
class ParsedText:
    """What a raw file yields: the normalized text and what its format says about it."""

    text: str
    title: str | None = None
    subtitle: str | None = None
    dateline: str | None = None
    section: str | None = None
    published: Published | None = None
    structure: tuple[Block, ...] = ()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_utf8(raw: bytes, *, where: str) -> str:
    """Decode UTF-8 strictly; a leading byte-order mark is dropped."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail(
            "invalid-utf8",
            (where, f"byte {error.start}"),
            "the file is not valid UTF-8",
            found=repr(raw[max(0, error.start - 8) : error.end + 8]),
            hint="re-save the file as UTF-8; beyan keeps raw files byte for byte and cannot guess encodings",
        ) from None
    return text.removeprefix("\ufeff")


def parse_published(value: str, *, where: tuple[str, ...]) -> Published:
    """An ISO 8601 date at year, month, day or minute precision; invalid dates are errors."""
    patterns = (
        ("year", r"\d{4}", "%Y"),
        ("month", r"\d{4}-\d{2}", "%Y-%m"),
        ("day", r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
    )
    for precision, pattern, fmt in patterns:
        if re.fullmatch(pattern, value):
            try:
                dt.datetime.strptime(value, fmt)
            except ValueError:
                break
            return Published(value, precision)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?", value):
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return Published(value, "time")
        except ValueError:
            pass
    raise fail(
        "invalid-date",
        where,
        "the publication date is not a valid ISO 8601 date",
        expected="YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss][offset]",
        found=repr(value),
        hint="give only the parts the source states: a month-only date is written 2024-11",
    )


def is_crosshead(block: str) -> bool:
    """A short one-line block without final punctuation: a heading between paragraphs."""
    stripped = block.rstrip(_CLOSERS + " ")
    return len(block) <= CROSSHEAD_MAX_LENGTH and "\n" not in block and not stripped.endswith(tuple(_SENTENCE_END))


def dateline_place(block: str) -> str | None:
    """The place of a dateline opening ``block`` (``MOSKOVA - ...`` gives ``MOSKOVA``), or None."""
    match = _DATELINE.match(block)
    return match["place"].strip() if match else None


def _blocks(text: str) -> list[tuple[int, str]]:
    """Non-empty blocks separated by blank lines, with the line number each starts on."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start_line = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start_line = number
            current.append(line.strip())
        elif current:
            blocks.append((start_line, "\n".join(current)))
            current = []
    if current:
        blocks.append((start_line, "\n".join(current)))
    return blocks


def parse_news_v1(raw: bytes, *, where: str) -> ParsedText:
    """Parse a ``beyan-news-v1`` file; errors name the file and the line."""
    source = normalize_newlines(decode_utf8(raw, where=where))
    lines = source.split("\n")
    header = _DATE_LINE.match(lines[0]) if lines else None
    if header is None:
        raise fail(
            "bad-header",
            (where, "line 1"),
            "the first line must give the date and the section",
            expected="date YYYY[-MM[-DD]] SECTION",
            found=repr(lines[0][:80] if lines else ""),
            hint="use format 'plain' in article.json for files without this header",
        )
    published = parse_published(header["date"], where=(where, "line 1"))
    section = header["section"]
    blocks = _blocks("\n".join(lines[1:]))
    if not blocks or not blocks[0][1].startswith("- "):
        found = blocks[0][1][:80] if blocks else "(end of file)"
        raise fail(
            "missing-title",
            (where, f"line {blocks[0][0] + 1 if blocks else len(lines)}"),
            "the headline must follow the date line, after '- '",
            expected="- HEADLINE",
            found=repr(found),
        )
    title = blocks[0][1][2:].strip()
    body = blocks[1:]
    dateline_index = next((i for i, (_, block) in enumerate(body) if _DATELINE.match(block)), None)

    pieces: list[tuple[str, str]] = [("title", title)]
    subtitle: str | None = None
    dateline: str | None = None
    for index, (_, block) in enumerate(body):
        if dateline_index is not None and index < dateline_index:
            kind = "subtitle"
            subtitle = block if subtitle is None else f"{subtitle}\n{block}"
        elif dateline_index is None and index == 0 and is_crosshead(block):
            kind = "subtitle"
            subtitle = block
        elif index != dateline_index and is_crosshead(block):
            kind = "crosshead"
        else:
            kind = "paragraph"
        pieces.append((kind, block))

    text_parts: list[str] = []
    structure: list[Block] = []
    position = 0
    for index, (kind, block) in enumerate(pieces):
        if index:
            text_parts.append("\n\n")
            position += 2
        structure.append(Block(kind, position, position + len(block)))
        if dateline_index is not None and kind == "paragraph" and block is body[dateline_index][1]:
            match = _DATELINE.match(block)
            assert match is not None
            dateline = match["place"].strip()
            structure.append(Block("dateline", position, position + len(dateline)))
        text_parts.append(block)
        position += len(block)
    structure.sort(key=lambda b: (b.start, -b.end))
    return ParsedText(
        text="".join(text_parts),
        title=title,
        subtitle=subtitle,
        dateline=dateline,
        section=section,
        published=published,
        structure=tuple(structure),
    )


def parse_plain(raw: bytes, *, where: str) -> ParsedText:
    """The whole file is the text (line breaks normalized); paragraphs split at blank lines."""
    text = normalize_newlines(decode_utf8(raw, where=where))
    structure = tuple(
        Block("paragraph", m.start(), m.end()) for m in re.finditer(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*", text)
    )
    return ParsedText(text=text, structure=structure)
