"""CSV and TSV: a header, quoted multi-line fields, delimiters, bad rows."""

from __future__ import annotations

from pathlib import Path

from beyan.ingest import IngestedArticle, IngestReject, read_articles

CSV = (
    "baslik,metin,tarih,kaynak\r\n"
    '"Metro hattı açılıyor","KUZEYOVA - Başkan Nurhan Tepeli konuştu.\r\n\r\n""Bütçemiz hazır"" dedi.",2024-11-05,Ovakent Haber\r\n'
    "Kısa,eksik alan\r\n"
    '"Su kesintisi","Güneyköy\'de sular iki gün kesik kalacak.",2024-11,Yayla Postası\r\n'
)


def test_rows_are_articles_with_their_exact_bytes_and_bad_rows_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "haberler.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CSV.encode())
    stream = read_articles(paths=[path], mapping="title=baslik,text=metin,published=tarih,source=kaynak")
    first, bad, third = stream
    assert isinstance(first, IngestedArticle) and isinstance(third, IngestedArticle)
    assert first.text == 'Metro hattı açılıyor\n\nKUZEYOVA - Başkan Nurhan Tepeli konuştu.\n\n"Bütçemiz hazır" dedi.'
    assert first.metadata.dateline == "KUZEYOVA"
    assert first.raw == CSV.split("\r\n", 1)[1].split("\r\nKısa")[0].encode()
    assert (first.location, first.source_name) == (f"{path} > line 2", "haberler.csv#L2")
    assert first.metadata.source == "Ovakent Haber"
    assert isinstance(bad, IngestReject)
    assert (bad.code, bad.location) == ("wrong-field-count", f"{path} > line 5")
    assert third.location == f"{path} > line 6"
    assert third.metadata.published is not None and third.metadata.published.precision == "month"
    assert stream.reconciliation.files[str(path)].read == 3


def test_semicolons_and_tabs_are_recognised(tmp_path: Path) -> None:
    semicolon = tmp_path / "a.csv"
    semicolon.write_text("title;text\nBir;İki paragraf burada.\n", "utf-8")
    tab = tmp_path / "b.tsv"
    tab.write_text("title\ttext\nÜç\tDört, beş; altı.\n", "utf-8")
    first, second = read_articles(paths=[semicolon, tab])
    assert isinstance(first, IngestedArticle) and first.text == "Bir\n\nİki paragraf burada."
    assert isinstance(second, IngestedArticle) and second.text == "Üç\n\nDört, beş; altı."


def test_a_row_with_bytes_that_are_not_utf8_is_rejected_alone(tmp_path: Path) -> None:
    path = tmp_path / "karisik.csv"
    path.write_bytes(b"title,text\nBir,Metin bir.\nEski,K\xf6y haberi.\nUc,Metin uc.\n")
    first, bad, third = read_articles(paths=[path])
    assert isinstance(bad, IngestReject) and (bad.code, bad.location) == ("invalid-utf8", f"{path} > line 3")
    assert bad.raw_excerpt == "Eski,K\\xf6y haberi."
    assert isinstance(first, IngestedArticle) and isinstance(third, IngestedArticle)
