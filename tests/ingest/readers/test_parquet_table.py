"""Parquet: rows through the mapping, dates from date and timestamp columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from beyan.ingest import IngestedArticle, IngestReject, read_articles


def test_rows_become_articles_and_typed_dates_keep_their_precision(tmp_path: Path) -> None:
    table = pa.table(
        {
            "headline": ["Metro hattı açılıyor", "Su kesintisi", "Boş"],
            "body": ["KUZEYOVA - Başkan Tepeli konuştu.", "Güneyköy'de sular kesik.", None],
            "day": pa.array([dt.date(2024, 11, 5), None, None], pa.date32()),
            "at": pa.array([None, dt.datetime(2024, 11, 6, 8, 15, tzinfo=dt.UTC), None], pa.timestamp("s", tz="UTC")),
        }
    )
    path = tmp_path / "haberler.parquet"
    pq.write_table(table, path, row_group_size=2)
    first, second, third = read_articles(paths=[path], mapping="title=headline,text=body")
    assert isinstance(first, IngestedArticle) and isinstance(second, IngestedArticle)
    assert first.text == "Metro hattı açılıyor\n\nKUZEYOVA - Başkan Tepeli konuştu."
    assert orjson.loads(first.raw) == {
        "headline": "Metro hattı açılıyor",
        "body": "KUZEYOVA - Başkan Tepeli konuştu.",
        "day": "2024-11-05",
        "at": None,
    }
    assert (first.location, first.source_name) == (f"{path} > row 1", "haberler.parquet#row1")
    assert first.metadata.published is None  # "day" is not a default date name
    assert isinstance(third, IngestReject) and (third.code, third.location) == ("no-text", f"{path} > row 3")
    dated = list(read_articles(paths=[path], mapping="title=headline,text=body,published=day"))
    assert isinstance(dated[0], IngestedArticle) and dated[0].metadata.published is not None
    assert (dated[0].metadata.published.value, dated[0].metadata.published.precision) == ("2024-11-05", "day")
    timed = list(read_articles(paths=[path], mapping="title=headline,text=body,published=at"))
    assert isinstance(timed[1], IngestedArticle) and timed[1].metadata.published is not None
    assert (timed[1].metadata.published.value, timed[1].metadata.published.precision) == (
        "2024-11-06T08:15:00Z",
        "time",
    )
