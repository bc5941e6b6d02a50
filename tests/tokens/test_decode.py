"""Predicted tags back to statement rows: nearest speaker and cue on the line, quote type from the marks."""

from __future__ import annotations

from beyan.tokens.decode import statements_from_tags
from beyan.tokens.tokenizer import tokenize


def test_statements_from_tags_links_the_nearest_spans_on_the_line() -> None:
    text = 'Bakan Arto Keld, "Vergiyi indireceğiz" dedi.\nKeld, yolun biteceğini söyledi.'
    offsets = tokenize(text)
    words = [text[s:e] for s, e in offsets]
    row = {
        "article_id": "0123456789abcdef",
        "token_starts": [s for s, _ in offsets],
        "token_ends": [e for _, e in offsets],
        "tokens": words,
    }

    def tags(role: str, *ranges: tuple[int, int]) -> list[str]:
        out = ["O"] * len(words)
        for first, last in ranges:
            out[first] = f"B-{role}"
            for t in range(first + 1, last):
                out[t] = f"I-{role}"
        return out

    predicted = {
        "content": tags("content", (5, 7), (12, 14)),
        "speaker": tags("speaker", (1, 3), (10, 11)),
        "cue": tags("cue", (8, 9), (14, 15)),
    }
    rows = statements_from_tags(row=row, tags=predicted, text=text)
    assert [
        (r["quote_type"], r["content_spans"][0]["text"], r["speaker_spans"][0]["text"], r["cue_spans"][0]["text"])
        for r in rows
    ] == [
        ("direct", "Vergiyi indireceğiz", "Arto Keld", "dedi"),
        ("indirect", "yolun biteceğini", "Keld", "söyledi"),
    ]
    assert rows[0]["addressee_spans"] == [] and rows[1]["speaker_unknown"] is False
    without_text = statements_from_tags(row=row, tags=predicted)
    start = text.index("yolun")
    assert without_text[1]["content_spans"] == [{"start": start, "end": start + 16, "text": "yolun biteceğini"}]
