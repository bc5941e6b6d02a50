"""The dataset card's section on the training views: the ``tokens`` config and label names for any reader."""

from __future__ import annotations

from beyan.labels import nullable_label_columns
from beyan.tokens.view import TokenViewSummary


def token_view_markdown(summary: TokenViewSummary) -> str:
    """What the token view of this build kept, with the loss counted and named."""
    lost = summary.spans - summary.exact
    if summary.spans == 0:
        kept = "This build has no statement spans to tag."
    elif lost == 0:
        kept = (
            f"All {summary.spans} statement spans begin and end at token boundaries: each is recovered "
            "exactly from the `tokens` row (`beyan.tokens.statement_spans`)."
        )
    else:
        examples = ", ".join(f"`{e}`" for e in summary.inexact_examples)
        kept = (
            f"{summary.exact} of {summary.spans} statement spans begin and end at token boundaries; "
            f"**{lost} start or end inside a token** (`spans[].exact` is false; their tokens cover them), "
            f"e.g. {examples}."
        )
    moved = (
        f" {summary.moved_up} span(s) overlapped another span of their role and moved up a layer."
        if summary.moved_up
        else ""
    )
    return (
        f"{summary.articles} article(s), {summary.tokens} tokens, {summary.sentences} sentences; up to "
        f"{summary.max_layers} tag layer(s).{moved} {kept}"
    )


def training_markdown(summary: TokenViewSummary, *, split: str) -> str:
    """The card section: loading the token view, and label names without ``datasets``."""
    nullable = ", ".join(f"`{column}`" for column in nullable_label_columns())
    return f"""## Token view for training (config `tokens`)

One row per article: `tokens` with their code-point offsets (`token_starts`, `token_ends`),
`sentence_starts`, and per role (content, speaker, cue, addressee) BIO tags as `ClassLabel`
lists, one list per **tag layer**: layer 0 holds the spans of top-level statements, layer 1
those nested one level deep. `spans` links every tagged span to its statements (a speaker
mention shared by two statements is tagged once and listed twice). Tokenizer, layers and the
reasons for them: `docs/tokens.md` in the beyan repository.

```python
tokens = load_dataset("<this folder or hub id>", "tokens")["{split}"]
row = tokens[0]
tags = tokens.features["content_tags"].feature.feature  # ClassLabel O, B-content, I-content
print(list(zip(row["tokens"], tags.int2str(row["content_tags"][0])))[:20])
```

{token_view_markdown(summary)}

## Label names without `datasets`

Parquet stores labels as integers. `datasets` names them from the `ClassLabel` features;
for pyarrow, DuckDB, polars or pandas, the config `labels` lists every vocabulary's
`index`, `name` and `definition`, and the `columns` that use it. Join on it:

```sql
-- DuckDB, in this folder
SELECT s.statement_id, q.name AS quote_type, st.name AS stance
FROM 'data/statements/*.parquet' s
JOIN 'data/labels/*.parquet' q ON q.vocabulary = 'quote_type' AND q.index = s.quote_type
LEFT JOIN 'data/labels/*.parquet' st ON st.vocabulary = 'stance' AND st.index = s.stance;
```

```python
import pandas as pd  # dtype_backend="pyarrow" keeps nullable label columns integer (the default makes NaN floats)
statements = pd.read_parquet("data/statements", dtype_backend="pyarrow")
labels = pd.read_parquet("data/labels", dtype_backend="pyarrow")
stance = labels[labels["vocabulary"] == "stance"].set_index("index")["name"]
statements["stance_name"] = statements["stance"].map(stance)  # a missing stance stays missing
```

A null in a label column ({nullable}) means *not annotated*; it is never a label:
a missing stance is not `neutral`. Keep it null (`LEFT JOIN`, nullable dtypes), never fill it with 0.
"""
