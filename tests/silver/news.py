"""Invented raw news for the silver pipeline: JSON Lines feeds, web archives, and what goes wrong in them.

Every person, party, outlet and place is made from syllables (``Nurkan Zerdağ``, ``Ovayaka
Haber``); the text is Turkish-flavoured filler around statements the rule extractor finds
(``"..." dedi``, ``... olduğunu belirtti``). Nothing is copied from a real page.

A collection is deterministic for its seed: the same call writes the same bytes. Besides
plain articles it holds what a crawl holds: copies of an article under another URL (exact
duplicates), lightly edited rewrites (near-duplicates), articles in another language, and
records that cannot be read (invalid JSON, no text, a page without an article).
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SYL = ("ay", "ber", "cem", "da", "el", "fer", "gül", "hak", "ır", "ka", "lem", "mer", "nu", "öz", "pel", "ra")
_SYL += ("se", "şu", "te", "ul", "ve", "yıl", "ze", "tan", "bar", "çi", "gö", "kor", "mi", "san", "tu", "vol")
_END = ("lan", "ran", "nur", "men", "kut", "zer", "tay", "can", "rin", "su", "ya", "dem", "ğan", "vi", "şe")
_SURNAME_END = ("oğlu", "lar", "gil", "taş", "ok", "er", "soy", "dağ", "kaya", "ışık")
_PLACE_END = ("köy", "ova", "dere", "kent", "yurt", "bel", "pınar", "hisar", "yaka")
_WORDS = [
    "bütçe",
    "yol",
    "okul",
    "su",
    "tarım",
    "enerji",
    "yatırım",
    "plan",
    "halk",
    "meclis",
    "karar",
    "destek",
    "reform",
    "vergi",
    "proje",
    "liman",
    "köprü",
    "hastane",
    "öğretmen",
    "çiftçi",
    "fiyat",
    "maaş",
    "emekli",
    "seçim",
    "belediye",
    "bölge",
    "kanun",
    "teklif",
    "komisyon",
    "rapor",
    "ihracat",
    "ithalat",
    "kredi",
    "faiz",
    "konut",
    "kira",
    "ulaşım",
    "demiryolu",
    "baraj",
    "orman",
    "sahil",
    "göç",
    "sınır",
    "güvenlik",
    "adalet",
    "mahkeme",
    "yeniden",
    "hızla",
    "açıkça",
    "kesinlikle",
    "mutlaka",
    "gerçekten",
    "artık",
    "hâlâ",
    "yine",
    "ancak",
    "önemli",
    "büyük",
    "yeni",
    "eski",
    "güçlü",
    "adil",
    "pahalı",
    "ucuz",
    "yerel",
    "ulusal",
    "kamusal",
    "ortak",
    "gerekli",
]
_TITLES = ("Bakanı", "Belediye Başkanı", "Milletvekili", "Sözcüsü", "Valisi", "Genel Başkanı")
_DIRECT_CUES = ("dedi", "ifadelerini kullandı", "diye konuştu", "şeklinde konuştu")
_REPORTED = ("olduğunu", "gerektiğini", "artacağını", "düşeceğini", "tamamlanacağını", "bittiğini")
_INDIRECT_CUES = ("belirtti", "açıkladı", "vurguladı", "kaydetti", "bildirdi", "savundu")
_ENGLISH = (
    "The council of Northvale met on Tuesday to discuss the new harbour budget and the repair of the old "
    "bridge. Members said the plan would be reviewed again next month, after the committee report. "
    "Residents asked for more buses on the coastal road and for a new school in the eastern district."
)


def _name(rng: random.Random, ends: tuple[str, ...], parts: int = 1) -> str:
    return "".join(rng.choice(_SYL) for _ in range(parts)).capitalize() + rng.choice(ends)


def _clause(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))


@dataclass(slots=True)
class Pools:
    """Invented people, outlets and places, drawn once per collection."""

    people: list[tuple[str, str]] = field(default_factory=list)  # (title, name)
    outlets: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, rng: random.Random) -> Pools:
        people = [(rng.choice(_TITLES), f"{_name(rng, _END)} {_name(rng, _SURNAME_END, 2)}") for _ in range(400)]
        outlets = [f"{_name(rng, _PLACE_END)} Haber" for _ in range(12)]
        places = [_name(rng, _PLACE_END).upper() for _ in range(60)]
        return cls(people, outlets, places)


def article_text(rng: random.Random, pools: Pools, *, statements: int) -> tuple[str, str]:
    """(title, body): a dateline paragraph, then paragraphs each carrying a direct or a reported statement."""
    title = f"{rng.choice(pools.places).capitalize()}'da {_clause(rng, 2, 4)} tartışması"
    paragraphs = [f"{rng.choice(pools.places)} - {_clause(rng, 12, 20).capitalize()}."]
    for _ in range(statements):
        role, name = rng.choice(pools.people)
        place = rng.choice(pools.places).capitalize()
        if rng.random() < 0.6:
            quote = f"{_clause(rng, 6, 14).capitalize()}. {_clause(rng, 4, 9).capitalize()}"
            sentence = f'{place} {role} {name}, "{quote}" {rng.choice(_DIRECT_CUES)}.'
        else:
            sentence = (
                f"{place} {role} {name}, {_clause(rng, 4, 9)} {rng.choice(_REPORTED)} {rng.choice(_INDIRECT_CUES)}."
            )
        paragraphs.append(f"{sentence} {_clause(rng, 8, 16).capitalize()}.")
        if rng.random() < 0.8:  # background between statements: news is mostly not quotation
            paragraphs.append(f"{_clause(rng, 14, 24).capitalize()}. {_clause(rng, 10, 20).capitalize()}.")
    paragraphs.append(f"{_clause(rng, 10, 18).capitalize()}.")
    return title, "\n\n".join(paragraphs)


def _edit(rng: random.Random, body: str) -> str:
    """A light rewrite: one word of the last paragraph changed, so MinHash still finds the pair."""
    head, _, last = body.rpartition("\n\n")
    words = last.split(" ")
    words[rng.randrange(len(words))] = rng.choice(_WORDS)
    return f"{head}\n\n{' '.join(words)}"


@dataclass(frozen=True, slots=True)
class Collection:
    """What a written collection holds, so a test can check the pipeline's counts."""

    files: tuple[Path, ...]
    records: int  # every record a reader yields (articles + rejects), not ignored ones
    articles: int  # distinct stories written (originals)
    exact_duplicates: int
    near_duplicates: int
    foreign: int  # articles in English (no lexicon for the rule extractor)
    unreadable: int  # records a reader rejects


def news_records(
    count: int, *, seed: int, exact_every: int = 10, near_every: int = 12, foreign_every: int = 25
) -> Iterator[dict[str, Any]]:
    """``count`` feed records: originals, and every so often a copy, a rewrite or an English story."""
    rng = random.Random(seed)
    pools = Pools.make(rng)
    previous: dict[str, Any] | None = None
    for number in range(count):
        outlet = rng.choice(pools.outlets)
        record: dict[str, Any]
        if previous is not None and number % exact_every == exact_every - 1:
            record = {**previous, "url": previous["url"] + "?amp=1", "kind": "exact"}
        elif previous is not None and number % near_every == near_every - 1:
            record = {**previous, "body": _edit(rng, previous["body"]), "url": previous["url"] + "-2", "kind": "near"}
        elif number % foreign_every == foreign_every - 1:
            record = {
                "title": "Northvale council debates harbour budget",
                "body": f"{_ENGLISH} Item {number}.",
                "url": f"https://news.example/{number}",
                "source": outlet,
                "kind": "foreign",
            }
        else:
            title, body = article_text(rng, pools, statements=rng.randint(1, 5))
            record = {
                "title": title,
                "body": body,
                "url": f"https://{outlet.split()[0].lower()}.example/haber/{number}",
                "source": outlet,
                "published": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}",
                "kind": "original",
            }
            previous = record
        yield record


def _feed_line(record: dict[str, Any]) -> bytes:
    line = {k: v for k, v in record.items() if k != "kind"}
    return json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n"


def _count(records: list[dict[str, Any]], kind: str) -> int:
    return sum(record["kind"] == kind for record in records)


def write_jsonl_feeds(folder: Path, *, articles: int, files: int, seed: int, bad_lines: bool = True) -> Collection:
    """``files`` JSON Lines feeds holding ``articles`` records between them (plus two bad lines per file)."""
    folder.mkdir(parents=True, exist_ok=True)
    records = list(news_records(articles, seed=seed))
    written: list[Path] = []
    unreadable = 0
    per_file = -(-articles // files)
    for index in range(files):
        path = folder / f"feed-{index:03d}.jsonl"
        with path.open("wb") as out:
            for record in records[index * per_file : (index + 1) * per_file]:
                out.write(_feed_line(record))
            if bad_lines:
                out.write(b'{"title": "kesik kayit", "body": \n')  # cut short: invalid JSON
                out.write(b'{"title": "metinsiz haber", "url": "https://bos.example/1"}\n')  # no text
                unreadable += 2
        written.append(path)
    return Collection(
        files=tuple(written),
        records=articles + unreadable,
        articles=_count(records, "original"),
        exact_duplicates=_count(records, "exact"),
        near_duplicates=_count(records, "near"),
        foreign=_count(records, "foreign"),
        unreadable=unreadable,
    )


def page_html(record: dict[str, Any]) -> bytes:
    """An article page around a record: headline, paragraphs, navigation and a footer to strip."""
    paragraphs = "".join(f"<p>{p}</p>" for p in record["body"].split("\n\n"))
    published = record.get("published")
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    lang = "en" if record.get("kind") == "foreign" else "tr"
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>{record['title']}</title>{meta}"
        f"<meta property='og:site_name' content='{record.get('source', '')}'></head><body>"
        "<nav><a href='/'>Ana sayfa</a> | <a href='/gundem'>Gündem</a></nav>"
        f"<article><h1>{record['title']}</h1>{paragraphs}</article>"
        "<footer><p>Tüm hakları saklıdır.</p></footer></body></html>"
    ).encode()


def write_warc(path: Path, *, articles: int, seed: int) -> Collection:
    """A web archive of article pages (with requests, a section front and a 404 that are not articles)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    records = list(news_records(articles, seed=seed))
    rejected = 1  # the section front: an HTML response without an article
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "beyan tests"}))

        def response(uri: str, status: str, body: bytes) -> None:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            )

        for record in records:
            response(record["url"], "200 OK", page_html(record))
        links = "".join(f"<li><a href='/haber/{i}'>Haber {i}</a></li>" for i in range(20))
        response("https://news.example/", "200 OK", f"<html><body><ul>{links}</ul></body></html>".encode())
        response("https://news.example/yok", "404 Not Found", b"<html><body>yok</body></html>")
    return Collection(
        files=(path,),
        records=articles + rejected,
        articles=_count(records, "original"),
        exact_duplicates=_count(records, "exact"),
        near_duplicates=_count(records, "near"),
        foreign=_count(records, "foreign"),
        unreadable=rejected,
    )
