"""Write a synthetic built dataset folder, as `beyan build` would, for benchmarks.

The folder has beyan's Hub layout: ``README.md`` (dataset card with the ``configs:``
YAML), ``DATASHEET.md``, ``data/<config>/<split>-<i>-of-<n>.parquet``, ``croissant.json``
and ``manifest.json`` (split assignment, counts, sha256 of every output). Rows are made
as beyan's own records (``GoldArticle``, ``Statement``, ``Provenance``) and written by
beyan's own config registry (each config's ``rows`` into ``ShardedWriter``, then the build's
``finish_dataset``), so the
Parquet files are what ``beyan build`` writes. Rows are streamed: one article's rows
exist at a time (plus the writers' row-group buffers).

Everything is invented: speakers, parties, outlets and places are made from syllables;
the text is Turkish-flavoured filler. Some articles carry characters outside the Basic
Multilingual Plane (Old Turkic letters, emoji), some of them before or inside spans, so
code-point offsets differ from UTF-16 and UTF-8 offsets.

Usage: python scripts/bench/synthetic_dataset.py OUT [--statements N] [--articles N] [--seed S]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from beyan.agreement import AgreementReport
from beyan.build import finish_dataset
from beyan.configs import CONFIGS, config_names
from beyan.readers.news_text import sha256_hex
from beyan.records import Article, Block, GoldArticle, Provenance, Published, Rights, Span, Speaker, Statement
from beyan.schema import current
from beyan.schema.v1 import TOPIC
from beyan.transforms.adjudication import statement_id
from beyan.transforms.splits import hash_split
from beyan.writers.manifest import file_sha256
from beyan.writers.parquet import ShardedWriter
from beyan.writers.stats import BuildStats, article_summary

NON_BMP = ("𐰀𐰇𐰼", "𐱅𐰇𐰼𐰚", "📢", "🗳️", "𝔸", "🇹🇷")  # Old Turkic, emoji, a flag (two code points)
_SYL = ("ay", "ber", "cem", "da", "el", "fer", "gül", "hak", "ır", "ka", "lem", "mer", "nu", "öz", "pel", "ra")
_SYL += ("se", "şu", "te", "ul", "ve", "yıl", "ze", "tan", "bar", "çi", "gö", "kor", "mi", "san", "tu", "vol")
_END = ("lan", "ran", "nur", "men", "kut", "zer", "tay", "can", "rin", "su", "ya", "dem", "ğan", "vi", "şe")
_SURNAME_END = ("oğlu", "lar", "gil", "taş", "ok", "er", "soy", "dağ", "kaya", "ışık")
_PLACE_END = ("köy", "ova", "dere", "kent", "yurt", "bel", "pınar", "hisar", "yaka")
_WORDS = (  # noqa: SIM905
    "bütçe yol okul su tarım enerji yatırım plan halk meclis karar destek reform vergi proje liman "
    "köprü hastane öğretmen çiftçi fiyat maaş emekli seçim belediye bölge kanun teklif komisyon "
    "rapor ihracat ithalat kredi faiz konut kira ulaşım demiryolu baraj orman sahil göç sınır "
    "güvenlik adalet mahkeme bugün yarın yeniden hızla açıkça kesinlikle mutlaka gerçekten artık "
    "hâlâ yine ancak çünkü fakat önemli büyük yeni eski güçlü zayıf adil pahalı ucuz yerel ulusal "
    "kamusal ortak gerekli"
).split()
_ROLES = ("milletvekili", "belediye başkanı", "bakan", "il başkanı", "sözcü", "genel başkan", "vali", "muhtar")
_CUES = (("dedi", "demek"), ("belirtti", "belirtmek"), ("ifadelerini kullandı", "ifade kullanmak"))
_CUES += (("açıkladı", "açıklamak"), ("vurguladı", "vurgulamak"), ("diye konuştu", "konuşmak"))
_SECTIONS = ("Politika", "Ekonomi", "Gündem", "Yerel", "Dünya")
_TOPICS = TOPIC.names
_STANCES = ("favor", "against", "neutral", None)


def _name(rng: random.Random, ends: tuple[str, ...], parts: int = 1) -> str:
    return "".join(rng.choice(_SYL) for _ in range(parts)).capitalize() + rng.choice(ends)


class Pools:
    """Invented speakers, places, outlets and sentences, drawn once so articles are fast to make."""

    def __init__(self, rng: random.Random) -> None:
        parties = [f"{_name(rng, _END)} {rng.choice(('Birlik', 'Yarın', 'Vadi', 'Ufuk'))} Partisi" for _ in range(12)]
        self.speakers = [
            Speaker(
                name=f"{_name(rng, _END)} {_name(rng, _SURNAME_END, 2)}",
                role=rng.choice(_ROLES),
                affiliation=rng.choice(parties),
                wikidata_qid=f"Q{rng.randint(1, 10**9)}" if rng.random() < 0.3 else None,
            )
            for _ in range(5_000)
        ]
        self.places = [_name(rng, _PLACE_END, 2) for _ in range(800)]
        self.outlets = [f"{_name(rng, _END)} Haber" for _ in range(40)]
        self.filler = [self._sentence(rng, 8, 22) for _ in range(20_000)]
        self.content = [self._sentence(rng, 5, 16, end="") for _ in range(20_000)]
        self.annotators = [hashlib.sha256(f"annotator-{i}".encode()).hexdigest()[:12] for i in range(25)]

    def _sentence(self, rng: random.Random, low: int, high: int, end: str = ".") -> str:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
        if rng.random() < 0.15:
            words.insert(rng.randrange(len(words) + 1), rng.choice(self.places))
        return " ".join(words).capitalize() + end


class TextBuilder:
    """Accumulates article text and hands out code-point spans of what it appends."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, piece: str) -> Span:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return Span(start, self.length)

    def text(self) -> str:
        return "".join(self.parts)


def _content(rng: random.Random, pools: Pools, non_bmp: bool) -> str:
    text = rng.choice(pools.content)
    if rng.random() < 0.4:
        text += ", " + rng.choice(pools.content).lower()
    if non_bmp and rng.random() < 0.3:
        words = text.split(" ")
        words.insert(rng.randrange(1, len(words) + 1), rng.choice(NON_BMP))
        text = " ".join(words)
    return text


def _statement(
    article_id: str,
    content: tuple[Span, ...],
    quote_type: str,
    rng: random.Random,
    pools: Pools,
    *,
    speakers: tuple[Span, ...] = (),
    cues: tuple[Span, ...] = (),
    addressees: tuple[Span, ...] = (),
    speaker: Speaker | None = None,
    cue_lemma: str | None = None,
    parent: str | None = None,
    topics: tuple[str, ...] = (),
) -> Statement:
    stance = rng.choice(_STANCES)
    annotations_total = rng.choice((1, 1, 2, 3))
    support = rng.randint(1, annotations_total)
    annotators = tuple(sorted(rng.sample(pools.annotators, support)))
    task = rng.randint(1, 10**6)
    return Statement(
        statement_id=statement_id(article_id, content),
        article_id=article_id,
        quote_type=quote_type,
        content_spans=content,
        speaker_spans=speakers,
        cue_spans=cues,
        addressee_spans=addressees,
        speaker_unknown=not speakers,
        speaker=speaker,
        cue_lemma=cue_lemma,
        parent_statement_id=parent,
        topics=topics,
        stance=stance,
        stance_target=None if stance is None else rng.choice(pools.places),
        provenance=Provenance(
            annotations=tuple(f"label-studio:synthetic/1/{task}/{task * 3 + i}" for i in range(support)),
            annotators=annotators,
            adjudication="single" if annotations_total == 1 else "majority",
            support=support,
            annotations_total=annotations_total,
        ),
    )


def make_article(article_id: str, n_statements: int, rng: random.Random, pools: Pools) -> GoldArticle:
    """One invented article with exactly ``n_statements`` gold statements, in text order."""
    non_bmp = rng.random() < 0.3
    topics = tuple(sorted(set(rng.sample(_TOPICS, rng.randint(1, 3)))))
    place = rng.choice(pools.places)
    title = f"{place}'da {rng.choice(pools.content).lower()}"
    if non_bmp:
        title = f"{rng.choice(NON_BMP)} {title}"
    b = TextBuilder()
    blocks: list[Block] = []
    title_span = b.add(title)
    blocks.append(Block("title", title_span.start, title_span.end))
    b.add("\n\n")
    dateline = place.upper()
    target_length = rng.randint(2_000, 4_000)
    statements: list[Statement] = []

    def paragraph(first: bool) -> None:
        start = b.length
        if first:
            b.add(f"{dateline} – ")
        for _ in range(rng.randint(0, 2)):
            b.add(rng.choice(pools.filler) + " ")
        if len(statements) < n_statements:
            quoted(n_statements - len(statements))
        b.add(rng.choice(pools.filler) if rng.random() < 0.5 or b.length - start < 200 else "Gelişmeler sürüyor.")
        blocks.append(Block("paragraph", start, b.length))
        b.add("\n\n")

    def quoted(room: int) -> None:
        speaker = rng.choice(pools.speakers)
        lemma_index = rng.randrange(len(_CUES))
        cue_words, lemma = _CUES[lemma_index]
        roll = rng.random()
        if roll < 0.04 and room >= 2:  # nested: A, "B bize 'inner' dedi" diye konuştu.
            inner_speaker = rng.choice(pools.speakers)
            a = b.add(str(speaker.name))
            b.add(', "')
            inner_name = b.add(str(inner_speaker.name))
            b.add(" bize '")
            inner = b.add(_content(rng, pools, non_bmp))
            b.add("' ")
            inner_cue = b.add("dedi")
            outer = Span(inner_name.start, inner_cue.end)
            b.add('" ')
            outer_cue = b.add("diye konuştu")
            b.add(". ")
            parent = _statement(
                article_id,
                (outer,),
                "direct",
                rng,
                pools,
                speakers=(a,),
                cues=(outer_cue,),
                speaker=speaker,
                cue_lemma="konuşmak",
                topics=topics,
            )
            child = _statement(
                article_id,
                (inner,),
                "direct",
                rng,
                pools,
                speakers=(inner_name,),
                cues=(inner_cue,),
                speaker=inner_speaker,
                cue_lemma="demek",
                parent=parent.statement_id,
                topics=topics,
            )
            statements.extend((parent, child))
        elif roll < 0.09:  # unknown speaker
            b.add('Kulislerde "')
            content = b.add(_content(rng, pools, non_bmp))
            b.add('" ')
            cue = b.add("denildi")
            b.add(". ")
            statements.append(
                _statement(article_id, (content,), "direct", rng, pools, cues=(cue,), cue_lemma="demek", topics=topics)
            )
        elif roll < 0.55:  # direct, sometimes to an addressee
            s = b.add(str(speaker.name))
            addressees: tuple[Span, ...] = ()
            if rng.random() < 0.25:
                b.add(", ")
                addressees = (b.add(str(rng.choice(pools.speakers).name)),)
                b.add("'a seslenerek")
            b.add(', "')
            content = b.add(_content(rng, pools, non_bmp))
            b.add('" ')
            cue = b.add(cue_words)
            b.add(". ")
            statements.append(
                _statement(
                    article_id,
                    (content,),
                    "direct",
                    rng,
                    pools,
                    speakers=(s,),
                    cues=(cue,),
                    addressees=addressees,
                    speaker=speaker,
                    cue_lemma=lemma,
                    topics=topics,
                )
            )
        elif roll < 0.85:  # indirect
            role = str(speaker.role)
            s = b.add(f"{role[:1].upper()}{role[1:]} {speaker.name}")
            b.add(", ")
            content = b.add(_content(rng, pools, non_bmp).lower() + " olduğunu")
            b.add(" ")
            cue = b.add("belirtti")
            b.add(". ")
            statements.append(
                _statement(
                    article_id,
                    (content,),
                    "indirect",
                    rng,
                    pools,
                    speakers=(s,),
                    cues=(cue,),
                    speaker=speaker,
                    cue_lemma="belirtmek",
                    topics=topics,
                )
            )
        else:  # mixed, discontinuous content: a clause and a quoted fragment
            s = b.add(str(speaker.name))
            b.add(", ")
            clause = b.add(_content(rng, pools, non_bmp).lower())
            b.add(' ve "')
            fragment = b.add(_content(rng, pools, non_bmp).lower())
            b.add('" ')
            cue = b.add("ifadelerini kullandı")
            b.add(". ")
            statements.append(
                _statement(
                    article_id,
                    (clause, fragment),
                    "mixed",
                    rng,
                    pools,
                    speakers=(s,),
                    cues=(cue,),
                    speaker=speaker,
                    cue_lemma="ifade kullanmak",
                    topics=topics,
                )
            )

    paragraph(first=True)
    while len(statements) < n_statements or b.length < target_length:
        paragraph(first=False)
    text = b.text().rstrip("\n")
    assert len(text) >= blocks[-1].end
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    published = rng.choice(
        (
            Published(f"{year}-{month:02d}", "month"),
            Published(f"{year}-{month:02d}-{day:02d}", "day"),
            Published(f"{year}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}+03:00", "time"),
        )
    )
    standoff = rng.random() < 0.2
    outlet = rng.choice(pools.outlets)
    article = Article(
        article_id=article_id,
        language="tr",
        text=text,
        text_sha256=sha256_hex(text.encode("utf-8")),
        rights=Rights.unknown("synthetic") if standoff else Rights("CC-BY-4.0", "text", holder=outlet),
        source=outlet,
        source_id=f"syn-{article_id[:8]}",
        url=f"https://news.example.invalid/{article_id}",
        published=published,
        section=rng.choice(_SECTIONS),
        title=title,
        subtitle=None,
        dateline=dateline,
        structure=tuple(blocks),
    )
    statements.sort(key=lambda s: (s.content_spans[0].start, s.content_spans[0].end))
    return GoldArticle(article, topics, statements)


def statement_counts(statements: int, articles: int, rng: random.Random) -> Iterator[int]:
    """``articles`` counts of 1..2q-1 statements (q the mean) that add up to exactly ``statements``."""
    left = statements
    for i in range(articles):
        remaining = articles - i
        mean = left / remaining
        if remaining == 1:
            n = left
        else:
            n = max(1, min(left - (remaining - 1), round(rng.uniform(max(1.0, mean / 2), mean * 1.5))))
        left -= n
        yield n


def write_dataset(out: Path, *, statements: int, articles: int | None = None, seed: int = 1) -> dict[str, Any]:
    """Write the folder ``out`` (replaced if present); returns its manifest."""
    articles = articles or max(1, statements // 10)
    if articles > statements:
        raise SystemExit("need at least one statement per article")
    rng = random.Random(seed)
    pools = Pools(rng)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    schema = current()
    ids = sorted(hashlib.sha256(f"beyan-synthetic-{seed}-{i}".encode()).hexdigest()[:16] for i in range(articles))
    splits = {article_id: hash_split(article_id) for article_id in ids}
    writers = {
        (config, split): ShardedWriter(out / "data" / config, split, schema.configs[config])
        for config in config_names()
        for split in schema.splits
    }
    for config, spec in CONFIGS.items():
        if spec.dataset_rows is not None:
            for row in spec.dataset_rows():
                writers[(config, schema.splits[0])].write(row)
    stats = BuildStats()
    summaries: dict[str, dict[str, Any]] = {}
    annotations = 0
    for article_id, n in zip(ids, statement_counts(statements, articles, rng), strict=True):
        gold = make_article(article_id, n, rng, pools)
        gold.split = splits[article_id]
        standoff = gold.article.rights.redistribution == "standoff"
        stats.add_summary(article_summary(gold, standoff=standoff), gold.split)
        annotations += max(s.provenance.annotations_total for s in gold.statements)
        for config, spec in CONFIGS.items():
            if spec.per_article:
                rows = spec.rows(gold, True)  # text policy "full", as `beyan build` by default
                for row in rows:
                    writers[(config, gold.split)].write(row)
                if spec.summarize is not None and spec.merge is not None:
                    made = spec.summarize(rows)
                    summaries[config] = spec.merge(summaries[config], made) if config in summaries else made
    files: dict[str, tuple[int, int, str]] = {}
    for writer in writers.values():
        for path, rows in writer.close():
            files[path.relative_to(out).as_posix()] = (rows, path.stat().st_size, file_sha256(path))
    stats.annotations = annotations
    stats.annotators = set(pools.annotators)
    manifest, _ = finish_dataset(
        out,
        name="beyan-synthetic",
        pretty_name="beyan synthetic benchmark",
        description="Invented articles and statements for benchmarking beyan validate; nothing in it is real.",
        version="0.0.0",
        policy="majority",
        text_policy="full",
        splits=splits,
        groups={},
        stats=stats,
        agreement=AgreementReport(),
        files=files,
        inputs={},
        datasheet=None,
        config_summaries=summaries,
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the dataset folder to write (replaced if it exists)")
    parser.add_argument("--statements", type=int, default=1_000_000, help="number of statements (default 1,000,000)")
    parser.add_argument("--articles", type=int, default=None, help="number of articles (default statements / 10)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    manifest = write_dataset(args.out, statements=args.statements, articles=args.articles, seed=args.seed)
    size = sum(entry["bytes"] for entry in manifest["outputs"].values())
    counts = manifest["counts"]
    print(
        f"wrote {args.out}: {sum(counts['statements'].values())} statements in "
        f"{sum(counts['articles'].values())} articles, {len(manifest['outputs'])} files, "
        f"{size / 1e6:.1f} MB, in {time.perf_counter() - began:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
