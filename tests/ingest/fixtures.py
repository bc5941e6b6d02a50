"""Invented inputs for the ingest tests, made by the tests: pages, archives, feeds and tables.

Every person, party, outlet and place here is invented (Kuzeyova, Ovakent Haber, Nurhan
Tepeli, ...); nothing is copied from a real page.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TITLE = "Kuzeyova'da yeni metro hattı tartışması"
SUBTITLE = "Belediye başkanı hattın yıl sonunda açılacağını söyledi, muhalefet maliyete itiraz etti."
FIRST = (
    "KUZEYOVA - Kuzeyova Belediye Başkanı Nurhan Tepeli, dün düzenlenen basın toplantısında kentteki"
    " yeni metro hattının yıl sonunda hizmete gireceğini açıkladı."
)
SECOND = 'Tepeli, "Yeni hat, günde yüz bin yolcuya hizmet verecek. Bütçemiz hazır, ihale tamamlandı" dedi.'
CROSSHEAD = "Muhalefetten maliyet itirazı"
THIRD = (
    "Muhalefet grubu başkanvekili Oğuz Sarıkaya ise projenin maliyetinin ilk açıklanan rakamın iki katına"
    ' çıktığını savundu. Sarıkaya, "Bu hesap tutmuyor, meclise ayrıntılı bir sunum yapılmalı" ifadelerini kullandı.'
)
QUOTE = '"Kentin ulaşım sorunu tek bir hatla çözülmez" diyen Sarıkaya, alternatif güzergahlar önerdi.'
LAST = "Belediye meclisi konuyu gelecek hafta yeniden görüşecek."
BOILERPLATE = ("Ana sayfa", "Çok okunanlar", "Hava durumu", "Tüm hakları saklıdır", "Çerez politikası")


@dataclass(slots=True)
class Page:
    """An invented news page with a headline, subtitle, byline, dateline, paragraphs, a quote and boilerplate."""

    title: str = TITLE
    subtitle: str | None = SUBTITLE
    paragraphs: tuple[str, ...] = (FIRST, SECOND)
    crosshead: str | None = CROSSHEAD
    later: tuple[str, ...] = (THIRD,)
    quote: str | None = QUOTE
    closing: tuple[str, ...] = (LAST,)
    site: str = "Ovakent Haber"
    url: str | None = "https://www.ovakenthaber.example/gundem/metro-hatti-123"
    published_meta: str | None = "2024-11-05T09:30:00+03:00"
    json_ld_date: str | None = None
    section: str | None = "Gündem"
    lang: str | None = "tr"
    charset: str = "utf-8"
    extra_head: list[str] = field(default_factory=list)

    def html(self) -> str:
        head = [f'<meta charset="{self.charset}">', f"<title>{self.title} | {self.site}</title>"]
        head.append(f'<meta property="og:title" content="{self.title}">')
        head.append(f'<meta property="og:site_name" content="{self.site}">')
        if self.published_meta:
            head.append(f'<meta property="article:published_time" content="{self.published_meta}">')
        if self.section:
            head.append(f'<meta property="article:section" content="{self.section}">')
        if self.url:
            head.append(f'<link rel="canonical" href="{self.url}">')
        if self.json_ld_date:
            data = {"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": self.json_ld_date}
            head.append(f'<script type="application/ld+json">{json.dumps(data)}</script>')
        head.extend(self.extra_head)
        body = ["<article>", f"<h1>{self.title}</h1>"]
        if self.subtitle:
            body.append(f'<h2 class="spot">{self.subtitle}</h2>')
        body.append('<div class="byline">Yazan: Ayla Dereli</div>')
        body += [f"<p>{p}</p>" for p in self.paragraphs]
        if self.crosshead:
            body.append(f"<h3>{self.crosshead}</h3>")
        body += [f"<p>{p}</p>" for p in self.later]
        if self.quote:
            body.append(f"<blockquote>{self.quote}</blockquote>")
        body += [f"<p>{p}</p>" for p in self.closing]
        body.append("</article>")
        lang = f' lang="{self.lang}"' if self.lang else ""
        return (
            f"<!DOCTYPE html>\n<html{lang}>\n<head>\n"
            + "\n".join(head)
            + "\n</head>\n<body>\n"
            + '<header><nav><a href="/">Ana sayfa</a> | <a href="/gundem">Gündem</a> | <a href="/spor">Spor</a></nav>'
            + "</header>\n<main>\n"
            + "\n".join(body)
            + "\n</main>\n"
            + '<aside><h4>Çok okunanlar</h4><ul><li><a href="/a">Hava durumu</a></li>'
            + '<li><a href="/b">Maç sonuçları</a></li></ul></aside>\n'
            + "<footer><p>© 2024 Ovakent Haber. Tüm hakları saklıdır.</p><p>Çerez politikası</p></footer>\n"
            + "</body>\n</html>\n"
        )

    def bytes(self) -> bytes:
        return self.html().encode(self.charset)


def index_page() -> bytes:
    """A section front: a list of links and a footer, no article."""
    links = "".join(f'<li><a href="/haber/{i}">Kuzeyova haberi {i}</a></li>' for i in range(20))
    return (
        "<!DOCTYPE html><html lang='tr'><head><meta charset='utf-8'><title>Ovakent Haber - Ana sayfa</title></head>"
        f"<body><nav><ul>{links}</ul></nav><footer>© 2024 Ovakent Haber</footer></body></html>"
    ).encode()


@dataclass(frozen=True, slots=True)
class WarcRecordInfo:
    kind: str
    uri: str
    offset: int


def write_warc(
    path: Path, responses: list[tuple[str, str, bytes]], *, gzip_records: bool = True
) -> list[WarcRecordInfo]:
    """A WARC with a warcinfo record, then for each ``(uri, content type, body)`` a request and a response.

    Returns every record's kind, target URI and byte offset, read back with warcio.
    """
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "beyan tests"}))
        for uri, content_type, body in responses:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "www.ovakenthaber.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            status = "404 Not Found" if content_type == "404" else "200 OK"
            media = "text/html; charset=utf-8" if content_type == "404" else content_type
            headers = StatusAndHeaders(status, [("Content-Type", media)], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)
    from warcio.archiveiterator import ArchiveIterator

    infos: list[WarcRecordInfo] = []
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            infos.append(
                WarcRecordInfo(
                    record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or "", records.get_record_offset()
                )
            )
    return infos


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def zstd_bytes(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


def jsonl(records: list[object]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)
