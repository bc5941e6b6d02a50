"""Write a synthetic Label Studio full JSON export, for benchmarks of the round trip.

The file looks like what Label Studio 1.23 writes for "Export > JSON": one line,
``json.dumps(tasks, ensure_ascii=False)``, each task with ``id``, ``project``, ``data``
(``text``, ``article_id``, ``text_sha256``, ``title``, ``language``), ``annotations`` with
Label Studio's bookkeeping fields, ``predictions`` and ``drafts`` as lists of ids. The
annotation results are made by :func:`beyan.labelstudio.to_results.statements_to_results`
from statements built together with the text, so every offset is right.

Texts are invented Turkish-looking news (2-3 KB, sentences composed from a vocabulary
with vowel harmony, so that two articles share as few word 3-grams as real news does and
beyan's near-duplicate detection finds no false groups): direct and indirect quotes with
cues such as "dedi", "belirtti", "ifadelerini kullandı", colon quotes, quotes with an
addressee, discontinuous, mixed and nested quotes, follow-ups sharing a speaker region,
unknown speakers, a few emoji and mathematical letters (outside the BMP) and, in a few
tasks, CRLF line breaks. Every person, party and place is made up from syllables;
speakers carry no Wikidata id, so nothing points at a real person. About 15 % of tasks
have a second annotator, about 5 % of annotations are cancelled (skipped), some are
ground truth. With the default 2 statements per task on average, 20,000 tasks make
about 150 MB.

The export is streamed to disk task by task; memory does not grow with ``--tasks``. The
same ``--seed`` always gives the same bytes. Beside the export, ``<out>.meta.json`` holds
what an importer should find (tasks, annotations, regions, gold statements ...), for
checking counts.

Usage::

    .venv/bin/python scripts/bench/synthetic_export.py --tasks 20000 --out /tmp/export.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from beyan.labelstudio.to_results import statements_to_results
from beyan.records import AnnotatedStatement, Span, Speaker
from beyan.schema.v1 import INTERFACE, TOPIC

PROJECT = 7
ANNOTATORS = 14  # Label Studio user ids 2..15
TWO_ANNOTATORS = 0.15
CANCELLED = 0.05
GROUND_TRUTH = 0.03
CRLF_TASKS = 0.03
ASTRAL_TASKS = 0.08
TEXT_CHARS = (2000, 3000)  # target length of a text, in code points

# ---------------------------------------------------------------- invented vocabulary

FIRST_NAMES = (
    "Ayla", "Berkan", "Cemre", "Doruk", "Elvan", "Feraye", "Gökberk", "Hande", "Ilgın", "Kıvanç",
    "Lalezar", "Mertcan", "Nehir", "Oytun", "Pınar", "Rüzgar", "Selvi", "Tunahan", "Ümran", "Yağmur",
    "Zerrin", "Alpay", "Begüm", "Cihangir", "Defne", "Efsun", "Gülbahar", "Harun", "İlkim", "Koray",
)  # fmt: skip
SURNAME_HEADS = (
    "Ayaz", "Bulut", "Çınar", "Dere", "Erik", "Fırtına", "Gökçe", "Ilgaz", "Lale", "Mercan",
    "Nar", "Poyraz", "Saz", "Tanyeli", "Yamaç", "Zeytin", "Kuzgun", "Serin", "Meltem", "Yosun",
)  # fmt: skip
SURNAME_TAILS = ("dağlıer", "ovalı", "sever", "taşçıl", "kayalıp", "bilenci", "gözeren", "yurtsal", "deremen", "özkal")
PLACE_HEADS = ("Narlı", "Bulut", "Gök", "Sarı", "Tozlu", "Kuzey", "Mavi", "Ilgın", "Yeşil", "Kara", "Ayaz", "Tuzlu")
PLACE_TAILS = ("yamaç", "kıyı", "ova", "pınarcık", "dereköy", "tepeören", "kent", "bucak", "yaylacık", "sırtı")
PARTIES = (
    "Yeni Ufuk Partisi", "Demokratik Çınar Hareketi", "Halkın Sesi Birliği", "Kuzey İttifakı Partisi",
    "Bağımsız Yarın Partisi", "Emek ve Toprak Partisi",
)  # fmt: skip
ROLES = (
    "Genel Başkanı", "Grup Başkanvekili", "Milletvekili", "Sözcüsü", "İl Başkanı", "Belediye Başkanı",
    "Ekonomi Politikalarından Sorumlu Genel Başkan Yardımcısı", "Gençlik Kolları Başkanı",
)  # fmt: skip
ORGANISATIONS = ("Kıyı Emekçileri Sendikası", "Ova Çiftçileri Birliği", "Yamaç Esnaf Odası", "Sırt Öğretmenler Derneği")
NOUNS = (
    "bütçe", "vergi", "okul", "liman", "köprü", "hastane", "maaş", "kira", "fiyat", "tarım", "enerji", "ulaşım",
    "su", "orman", "sahil", "göç", "sınır", "kanun", "teklif", "komisyon", "rapor", "ihracat", "ithalat", "kredi",
    "faiz", "konut", "yatırım", "proje", "belediye", "meclis", "bakanlık", "sendika", "esnaf", "çiftçi", "öğretmen",
    "öğrenci", "emekli", "işçi", "doktor", "yol", "baraj", "demiryolu", "havalimanı", "fabrika", "pazar", "mahalle",
    "köy", "ilçe", "bölge", "hükümet", "muhalefet", "seçim", "anket", "miting", "karar", "plan", "destek", "reform",
    "zam", "indirim", "ceza", "dava", "mahkeme", "deprem", "sel", "yangın", "kuraklık", "hasat", "fındık", "çay",
    "pamuk", "buğday", "balıkçı", "turizm", "otel", "müze", "festival", "kütüphane", "tramvay", "metro", "otogar",
    "stadyum", "park", "kreş", "ihale", "sözleşme", "protokol", "denetim", "soruşturma", "bildiri", "genelge",
)  # fmt: skip
ADJECTIVES = (
    "yeni", "eski", "büyük", "küçük", "yerel", "ulusal", "pahalı", "ucuz", "güçlü", "zayıf", "adil", "kalıcı",
    "geçici", "hızlı", "yavaş", "ortak", "kamusal", "özel", "zor", "kolay", "önemli", "acil", "kapsamlı", "sınırlı",
    "resmi", "şeffaf", "tarihi", "modern", "kırsal", "kentsel", "yıllık", "aylık", "toplu", "bağımsız", "uzun",
    "kısa", "son", "ilk", "tartışmalı", "beklenen", "ertelenen", "yarım kalan", "planlanan", "ek",
)  # fmt: skip
ADVERBS = (
    "bugün", "yarın", "yeniden", "hızla", "açıkça", "mutlaka", "gerçekten", "artık", "hâlâ", "yine", "nihayet",
    "derhal", "kısmen", "tamamen", "sessizce", "geçen hafta", "bu sabah", "dün akşam", "yıl sonuna kadar",
    "önümüzdeki ay", "ilk kez", "bir kez daha", "uzun süredir", "aceleyle",
)  # fmt: skip
PAST = (
    "açıklandı", "tartışıldı", "onaylandı", "ertelendi", "reddedildi", "başladı", "tamamlandı", "değişti",
    "gündeme geldi", "masaya yatırıldı", "eleştirildi", "desteklendi", "duyuruldu", "imzalandı", "iptal edildi",
    "genişletildi", "askıya alındı", "yeniden düzenlendi", "incelemeye alındı", "oylandı", "protesto edildi",
    "ihaleye çıkarıldı", "hizmete açıldı", "kapatıldı", "yargıya taşındı",
)  # fmt: skip
FUTURE = (
    "değişecek", "gözden geçirilmeli", "kabul edilemez", "ertelenmemeli", "mutlaka çözülecek", "hayata geçecek",
    "meclise gelecek", "durdurulmalı", "genişletilecek", "yeniden yazılacak", "herkese açık olacak",
    "vatandaşı rahatlatacak", "sonuç vermeyecek", "bir yıl içinde bitecek", "denetlenecek", "ucuzlayacak",
    "asla unutulmayacak", "bir daha yaşanmayacak",
)  # fmt: skip
INDIRECT_VERBS = (
    "yakında düşeceğini", "yeniden ele alınması gerektiğini", "kontrol altına alınacağını",
    "bir an önce çözülmesi gerektiğini", "seçimden sonra değişeceğini", "meclis gündemine taşınacağını",
    "halkı mağdur ettiğini", "yıl sonuna kadar tamamlanacağını", "denetlenmesi gerektiğini", "ertelendiğini",
    "bütçeye yük olacağını", "yanlış hesaplandığını", "herkesin yararına olduğunu", "yargıya taşınacağını",
)  # fmt: skip
CHANGES = ("arttı", "azaldı", "geriledi", "yükseldi", "sabit kaldı", "ikiye katlandı")
MONTHS = (
    "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık",
)  # fmt: skip
STANCE_TARGETS = (
    "hükümet", "muhalefet", "belediye yönetimi", "merkez bankası", "sendikalar", "yeni vergi düzenlemesi",
    "kıyı projesi", "seçim takvimi", "tarım politikası",
)  # fmt: skip
BOILERPLATE = (
    "Haberin devamı ve fotoğraflar için sayfamızı takip edin.",
    "Konuyla ilgili gelişmeleri aktarmaya devam edeceğiz.",
    "Kaynak: Yerel Haber Ajansı.",
)  # fmt: skip
ASTRAL = ("👏", "🔥", "📢", "🙏", "😊", "👍", "🗳️", "📈")
SON_DAKIKA = "𝐒𝐎𝐍 𝐃𝐀𝐊İ𝐊𝐀"  # mathematical bold letters, as pasted from social media
TOPIC_NAMES = tuple(n for n in TOPIC.names if n != "other")

# ---------------------------------------------------------------- Turkish-looking words

VOWELS = "aıoueiöü"
HARD = "fstkçşhp"


def _last_vowel(word: str) -> str:
    return next((c for c in reversed(word.lower()) if c in VOWELS), "e")


def suffix(word: str, case: str) -> str:
    """``word`` with a case or plural ending, after vowel harmony (a sketch of Turkish, not a grammar)."""
    vowel, last = _last_vowel(word), word[-1].lower()
    four = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "i": "i", "ö": "ü", "ü": "ü"}[vowel]
    two = "a" if vowel in "aıou" else "e"
    after_vowel = last in VOWELS
    if case == "gen":
        return word + ("n" if after_vowel else "") + four + "n"
    if case == "acc":
        return word + ("y" if after_vowel else "") + four
    if case == "dat":
        return word + ("y" if after_vowel else "") + two
    if case == "loc":
        return word + ("t" if last in HARD else "d") + two
    if case == "abl":
        return word + ("t" if last in HARD else "d") + two + "n"
    return word + "l" + two + "r"  # plural


def capital(text: str) -> str:
    first = {"i": "İ", "ı": "I"}.get(text[0], text[0].upper())
    return first + text[1:]


def proper(name: str, case: str) -> str:
    """A proper name with its ending after an apostrophe: Narlıkent'te."""
    return name + "'" + suffix(name, case)[len(name) :]


# ---------------------------------------------------------------- text building


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    surname: str
    role: str
    affiliation: str
    entity: Speaker | None  # what the annotator typed into the speaker fields (not always everything)

    @property
    def mention(self) -> str:
        return f"{self.affiliation} {self.role} {self.name}"


class TextBuilder:
    """Appends pieces of text and returns their spans (code points of the final text)."""

    def __init__(self, newline: str) -> None:
        self.parts: list[str] = []
        self.position = 0
        self.newline = newline

    def add(self, piece: str) -> Span:
        start = self.position
        self.parts.append(piece)
        self.position += len(piece)
        return Span(start, self.position)

    def paragraph(self) -> None:
        if self.parts:
            self.add(self.newline * 2)

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(slots=True)
class Article:
    rng: random.Random
    builder: TextBuilder
    people: list[Person]
    astral: bool
    statements: list[AnnotatedStatement] = field(default_factory=list)
    last_speaker: tuple[Span, Person] | None = None

    def person(self) -> Person:
        return self.rng.choice(self.people)

    def word(self, pool: tuple[str, ...]) -> str:
        return self.rng.choice(pool)

    def number(self) -> str:
        return str(self.rng.choice((self.rng.randint(2, 99), self.rng.randint(100, 9_800))))

    def narrative(self) -> str:
        """One sentence of the reporter's own text."""
        rng, w = self.rng, self.word
        pattern = rng.randrange(8)
        if pattern == 0:
            text = f"{w(ADVERBS)} {proper(place(rng), 'loc')} {w(ADJECTIVES)} {w(NOUNS)} {w(PAST)}"
        elif pattern == 1:
            text = f"{suffix(w(NOUNS), 'gen')} {w(ADJECTIVES)} {w(NOUNS)} {w(ADVERBS)} {w(PAST)}"
        elif pattern == 2:
            text = (
                f"{proper(place(rng), 'loc')} {self.number()} {w(NOUNS)} için {w(ADJECTIVES)} bir {w(NOUNS)} {w(PAST)}"
            )
        elif pattern == 3:
            text = (
                f"{w(MONTHS)} ayında {suffix(w(NOUNS), 'gen')} {w(NOUNS)} oranı yüzde "
                f"{rng.randint(1, 60)},{rng.randint(0, 9)} {w(CHANGES)}"
            )
        elif pattern == 4:
            a, b = invent_person(rng), invent_person(rng)
            text = f"{a.name} ile {b.name}, {w(NOUNS)} konusunda {w(ADVERBS)} bir araya geldi"
        elif pattern == 5:
            text = f"{place(rng)} {capital(w(NOUNS))} Müdürlüğü verilerine göre {self.number()} {w(NOUNS)} {w(PAST)}"
        elif pattern == 6:
            text = f"{w(ADJECTIVES)} {w(NOUNS)} {suffix(w(NOUNS), 'acc')} {w(ADVERBS)} etkiledi"
        else:
            text = f"{w(PARTIES)} {suffix(w(NOUNS), 'dat')} ilişkin {w(ADJECTIVES)} bir {w(NOUNS)} hazırladı"
        return capital(text) + "."

    def sentence(self) -> str:
        """One sentence of what a speaker says."""
        rng, w = self.rng, self.word
        pattern = rng.randrange(6)
        if pattern == 0:
            text = f"{w(ADJECTIVES)} {w(NOUNS)} {suffix(w(NOUNS), 'acc')} {w(ADVERBS)} {w(FUTURE)}"
        elif pattern == 1:
            text = f"{suffix(w(NOUNS), 'gen')} {w(NOUNS)} konusunda {w(ADJECTIVES)} bir adım atacağız"
        elif pattern == 2:
            text = f"kimse {suffix(w(NOUNS), 'gen')} {w(ADJECTIVES)} olduğunu inkâr edemez"
        elif pattern == 3:
            text = f"{self.number()} {suffix(w(NOUNS), 'pl')} {w(ADVERBS)} {w(FUTURE)}"
        elif pattern == 4:
            text = f"{suffix(w(NOUNS), 'dat')} {w(ADJECTIVES)} bir {w(NOUNS)} gerekiyor"
        else:
            text = f"{proper(place(rng), 'loc')} {suffix(w(NOUNS), 'pl')} {w(FUTURE)}"
        return capital(text) + "."

    def quote(self, sentences: int | None = None) -> str:
        count = sentences if sentences is not None else self.rng.randint(1, 3)
        text = " ".join(self.sentence() for _ in range(count)).rstrip(".")
        if self.astral and self.rng.random() < 0.25:
            text += " " + self.rng.choice(ASTRAL)
        return text

    def indirect(self) -> str:
        return f"{self.word(ADJECTIVES)} {suffix(self.word(NOUNS), 'gen')} {self.word(INDIRECT_VERBS)}"

    def stance(self) -> tuple[str | None, str | None]:
        if self.rng.random() < 0.4:
            return self.rng.choice(("favor", "against", "neutral")), self.rng.choice(STANCE_TARGETS)
        return None, None

    def filler(self, sentences: int) -> None:
        rng = self.rng
        parts = [self.narrative() for _ in range(sentences)]
        if self.astral and rng.random() < 0.3:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(ASTRAL))
        self.builder.paragraph()
        self.builder.add(" ".join(parts))

    def said(
        self,
        content: tuple[Span, ...],
        quote_type: str,
        *,
        speaker: tuple[Span, Person] | None,
        cue: Span | None,
        lemma: str | None,
        addressee: Span | None = None,
        parent: tuple[Span, ...] | None = None,
    ) -> AnnotatedStatement:
        stance, target = self.stance()
        if lemma is not None and self.rng.random() < 0.25:  # the cue lemma is often left empty
            lemma = None
        statement = AnnotatedStatement(
            content_spans=content,
            quote_type=quote_type,
            speaker_spans=(speaker[0],) if speaker else (),
            cue_spans=(cue,) if cue else (),
            addressee_spans=(addressee,) if addressee else (),
            speaker_unknown=speaker is None,
            speaker=speaker[1].entity if speaker else None,
            cue_lemma=lemma,
            stance=stance,
            stance_target=target,
            parent=parent,
        )
        self.statements.append(statement)
        if speaker is not None and parent is None:
            self.last_speaker = speaker
        return statement

    # -------------------------------------------------------- statement paragraphs (one or two statements each)

    def direct_dedi(self) -> None:
        b, who = self.builder, self.person()
        b.paragraph()
        speaker = b.add(who.mention)
        b.add(f', {proper(place(self.rng), "loc")} düzenlenen toplantıda "')
        content = b.add(self.quote())
        b.add('" ')
        cue = b.add("dedi")
        b.add(".")
        self.said((content,), "direct", speaker=(speaker, who), cue=cue, lemma="demek")

    def indirect_belirtti(self) -> None:
        b, who = self.builder, self.person()
        b.paragraph()
        speaker = b.add(who.mention)
        b.add(", ")
        content = b.add(self.indirect())
        b.add(" ")
        cue = b.add("belirtti")
        b.add(". " + self.sentence())
        self.said((content,), "indirect", speaker=(speaker, who), cue=cue, lemma="belirtmek")

    def direct_ifade(self) -> None:
        b, who = self.builder, self.person()
        b.paragraph()
        b.add(f"Açıklamasında {suffix(self.word(NOUNS), 'dat')} da değinen ")
        speaker = b.add(who.surname)
        b.add(', "')
        content = b.add(self.quote())
        b.add('" ')
        cue = b.add("ifadelerini kullandı")
        b.add(".")
        self.said((content,), "direct", speaker=(speaker, who), cue=cue, lemma="ifade kullanmak")

    def colon(self) -> None:
        b, who = self.builder, self.person()
        b.paragraph()
        speaker = b.add(who.name)
        cue = b.add(":")
        b.add(' "')
        content = b.add(self.quote())
        b.add('"')
        self.said((content,), "direct", speaker=(speaker, who), cue=cue, lemma=None)

    def addressed(self) -> None:
        b, who, rng = self.builder, self.person(), self.rng
        other = next((p for p in self.people if p != who), who)
        b.paragraph()
        speaker = b.add(who.name)
        b.add(", ")
        addressee = b.add(other.name)
        b.add(proper(other.name, "dat")[len(other.name) :] + ' seslenerek "')
        content = b.add(self.quote(rng.randint(1, 2)))
        b.add('" ')
        cue = b.add("diye konuştu")
        b.add(".")
        self.said((content,), "direct", speaker=(speaker, who), cue=cue, lemma="konuşmak", addressee=addressee)

    def discontinuous(self) -> None:
        b, who = self.builder, self.person()
        b.paragraph()
        b.add('"')
        first = b.add(self.quote(1))
        b.add('" ')
        cue = b.add("diyen")
        b.add(" ")
        speaker = b.add(who.name)
        b.add(', sözlerini şöyle sürdürdü: "')
        second = b.add(self.quote())
        b.add('"')
        self.said((first, second), "direct", speaker=(speaker, who), cue=cue, lemma="demek")

    def mixed(self) -> None:
        b, who = self.builder, self.person()
        b.paragraph()
        speaker = b.add(who.mention)
        b.add(", ")
        w = self.word
        content = b.add(f'{suffix(w(NOUNS), "gen")} "{w(ADJECTIVES)} bir {w(NOUNS)}" olduğunu')
        b.add(" ")
        cue = b.add("söyledi")
        b.add(".")
        self.said((content,), "mixed", speaker=(speaker, who), cue=cue, lemma="söylemek")

    def unknown(self) -> None:
        b = self.builder
        b.paragraph()
        b.add('Kulislerde "')
        content = b.add(self.quote(1))
        b.add('" ')
        cue = b.add("yorumları yapılıyor")
        b.add(". " + self.sentence())
        self.said((content,), "direct", speaker=None, cue=cue, lemma=None)

    def follow_up(self) -> None:
        """The same speaker goes on, without being named again: the speaker region is shared."""
        if self.last_speaker is None:
            self.direct_dedi()
            return
        b = self.builder
        b.paragraph()
        b.add('"')
        content = b.add(self.quote())
        b.add('" ')
        cue = b.add(self.rng.choice(("diye ekledi", "diye konuştu", "diye devam etti")))
        b.add(".")
        self.said((content,), "direct", speaker=self.last_speaker, cue=cue, lemma="eklemek")

    def nested(self) -> None:
        """A quote inside a quote: two statements, the inner one nested in the outer."""
        b, rng = self.builder, self.rng
        outer_who = self.person()
        other = next((p for p in self.people if p != outer_who), outer_who)
        organisation = rng.choice(ORGANISATIONS)
        inner_who = Person(other.name, other.surname, "Başkan", organisation, Speaker(name=other.name))
        b.paragraph()
        outer_speaker = b.add(outer_who.mention)
        b.add(', "')
        outer_start = b.position
        b.add(self.sentence() + " Geçen hafta ")
        inner_speaker = b.add(f"{organisation} Başkanı {inner_who.name}")
        b.add(" bize '")
        inner_content = b.add(self.quote(1))
        b.add("' ")
        inner_cue = b.add("dedi")
        b.add(". " + self.quote(1))
        outer_content = Span(outer_start, b.position)
        b.add('" ')
        outer_cue = b.add("açıklamasını yaptı")
        b.add(".")
        outer = self.said(
            (outer_content,), "direct", speaker=(outer_speaker, outer_who), cue=outer_cue, lemma="açıklama yapmak"
        )
        self.said(
            (inner_content,),
            "direct",
            speaker=(inner_speaker, inner_who),
            cue=inner_cue,
            lemma="demek",
            parent=outer.content_spans,
        )


StatementKind = Callable[[Article], None]
KINDS: tuple[tuple[StatementKind, float], ...] = (
    (Article.direct_dedi, 0.18),
    (Article.indirect_belirtti, 0.14),
    (Article.direct_ifade, 0.12),
    (Article.follow_up, 0.20),
    (Article.colon, 0.06),
    (Article.addressed, 0.07),
    (Article.discontinuous, 0.05),
    (Article.mixed, 0.06),
    (Article.unknown, 0.04),
    (Article.nested, 0.08),
)


def place(rng: random.Random) -> str:
    return rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS)


def invent_person(rng: random.Random) -> Person:
    surname = rng.choice(SURNAME_HEADS) + rng.choice(SURNAME_TAILS)
    name, role, party = f"{rng.choice(FIRST_NAMES)} {surname}", rng.choice(ROLES), rng.choice(PARTIES)
    entity = Speaker(
        name=name if rng.random() < 0.9 else None,
        role=role if rng.random() < 0.4 else None,
        affiliation=party if rng.random() < 0.35 else None,
    )
    return Person(name, surname, role, party, None if entity.is_empty() else entity)


def make_article(rng: random.Random, statements: int) -> tuple[str, str, list[AnnotatedStatement], tuple[str, ...]]:
    """Title, text, statements and topics of one invented article."""
    crlf = rng.random() < CRLF_TASKS
    astral = rng.random() < ASTRAL_TASKS
    article = Article(rng, TextBuilder("\r\n" if crlf else "\n"), [invent_person(rng) for _ in range(4)], astral)
    lead = article.people[0]
    title = f'{proper(lead.surname, "abl")} {article.word(NOUNS)} açıklaması: "{article.sentence()[:-1]}"'
    if astral and rng.random() < 0.5:
        title = f"{SON_DAKIKA} | {title}"
    article.builder.add(title)
    article.builder.paragraph()
    article.builder.add(f"{place(rng).replace('i', 'İ').upper()} - " + " ".join(article.narrative() for _ in range(2)))
    kinds, weights = zip(*KINDS, strict=True)
    while len(article.statements) < statements:
        kind = rng.choices(kinds, weights)[0]
        if kind is Article.nested and statements - len(article.statements) < 2:
            kind = Article.direct_dedi
        kind(article)
        if rng.random() < 0.5:
            article.filler(rng.randint(1, 3))
    target = rng.randint(*TEXT_CHARS)
    while article.builder.position < target:
        article.filler(rng.randint(2, 4))
    if rng.random() < 0.3:
        article.builder.paragraph()
        article.builder.add(rng.choice(BOILERPLATE))
    topics = tuple(rng.sample(TOPIC_NAMES, rng.choice((1, 1, 2))))
    return title, article.builder.text(), article.statements, topics


# Templated news: agency copy reprinted with a few names changed. A handful of sentence templates,
# 3-8 direct statements an article: the worst case for near-duplicate grouping (large LSH buckets).
TEMPLATE_NARRATIVE = (
    "{place} kentinde bugün düzenlenen basın toplantısında bütçe görüşmeleri ele alındı.",
    "Toplantıya parti yöneticileri ve çok sayıda gazeteci katıldı.",
    "Görüşmelerin önümüzdeki hafta da süreceği bildirildi.",
    "Konuya ilişkin açıklamalar gün boyunca sürdü.",
    "Muhalefet partileri de konuyla ilgili yazılı birer açıklama yaptı.",
)
TEMPLATE_QUOTES = (
    "Bütçe açığını kapatmak için yeni bir yol haritası hazırlayacağız",
    "Vatandaşlarımızın sorunlarını çözmek için çalışmaya devam edeceğiz",
    "Bu karar ekonomimiz için doğru bir adımdır",
    "Seçim takvimi konusunda acele etmeyeceğiz",
    "Eğitim ve sağlık harcamalarını artıracağız",
)


def make_templated_article(
    rng: random.Random, statements: int
) -> tuple[str, str, list[AnnotatedStatement], tuple[str, ...]]:
    """Title, text, statements and topics of one article made from the templates above."""
    article = Article(rng, TextBuilder("\n"), [invent_person(rng) for _ in range(3)], False)
    builder = article.builder
    town = place(rng)
    builder.add(f'{proper(article.people[0].surname, "abl")} açıklama: "{rng.choice(TEMPLATE_QUOTES)}"')
    builder.paragraph()
    builder.add(f"{town.upper()} - " + TEMPLATE_NARRATIVE[0].format(place=town))
    for number in range(statements):
        who = article.people[number % len(article.people)]
        builder.paragraph()
        speaker = builder.add(who.mention)
        builder.add(', toplantıda "')
        content = builder.add(TEMPLATE_QUOTES[rng.randrange(len(TEMPLATE_QUOTES))])
        builder.add('" ')
        cue = builder.add("dedi")
        builder.add(". " + TEMPLATE_NARRATIVE[1 + number % (len(TEMPLATE_NARRATIVE) - 1)])
        article.said((content,), "direct", speaker=(speaker, who), cue=cue, lemma="demek")
    return builder.parts[0], builder.text(), article.statements, (rng.choice(TOPIC_NAMES),)


# ---------------------------------------------------------------- tasks


def timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def second_opinion(
    rng: random.Random, statements: list[AnnotatedStatement], topics: tuple[str, ...]
) -> tuple[list[AnnotatedStatement], tuple[str, ...]]:
    """Another annotator's version: sometimes a statement missed, a stance or a quote type changed."""
    mine = list(statements)
    parents = {s.parent for s in mine if s.parent is not None}
    if len(mine) > 1 and rng.random() < 0.35:
        droppable = [s for s in mine if s.content_spans not in parents]
        mine.remove(rng.choice(droppable))
    if mine and rng.random() < 0.35:
        i = rng.randrange(len(mine))
        mine[i] = replace(mine[i], stance=rng.choice(("favor", "against", "neutral")), stance_target="hükümet")
    if mine and rng.random() < 0.15:
        i = rng.randrange(len(mine))
        mine[i] = replace(mine[i], quote_type="indirect" if mine[i].quote_type != "indirect" else "mixed")
    if rng.random() < 0.3:
        topics = (*topics[:1], rng.choice(TOPIC_NAMES))
        topics = tuple(dict.fromkeys(topics))
    return mine, topics


@dataclass(slots=True)
class Expected:
    """What a correct import and build of the export must find."""

    tasks: int = 0
    annotations: int = 0
    cancelled: int = 0
    results: Counter[str] = field(default_factory=Counter)  # kind -> count, over non-cancelled annotations
    gold_articles: int = 0
    gold_statements: int = 0
    predictions: int = 0
    drafts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "annotations": self.annotations,
            "cancelled_annotations": self.cancelled,
            "imported_results": dict(sorted(self.results.items())),
            "gold_articles": self.gold_articles,
            "gold_statements": self.gold_statements,
            "predictions": self.predictions,
            "drafts": self.drafts,
        }


def result_kind(result: dict[str, Any]) -> str:
    kind = result["type"]
    if kind == "labels":
        return "regions"
    if kind == "relation":
        return "relations"
    if result["from_name"] in {c.name for c in INTERFACE.document_controls}:
        return "document choices"
    return "region attributes"


class Ids:
    def __init__(self) -> None:
        self.annotation = 1000
        self.prediction = 500
        self.draft = 50

    def next_annotation(self) -> int:
        self.annotation += 1
        return self.annotation


def statement_count(rng: random.Random, mean: float) -> int:
    """Statements in one article: ``mean`` on average, varying by one either way."""
    base = int(mean)
    count = base + (rng.random() < mean - base)
    if count >= 2:
        count += rng.choice((-1, 0, 1))
    return max(1, count)


def make_task(
    rng: random.Random, index: int, statements_per_task: float, ids: Ids, expected: Expected, templated: bool = False
) -> dict[str, Any]:
    task_id = 1 + index
    if templated:
        title, text, statements, topics = make_templated_article(rng, rng.randint(3, 8))
    else:
        title, text, statements, topics = make_article(rng, statement_count(rng, statements_per_task))
    created = datetime(2025, 1, 6, 8, 0, tzinfo=UTC) + timedelta(seconds=index * 37 + rng.randint(0, 30))
    annotators = rng.sample(range(2, 2 + ANNOTATORS), 2 if rng.random() < TWO_ANNOTATORS else 1)
    annotations: list[dict[str, Any]] = []
    usable: list[tuple[list[AnnotatedStatement], bool, str]] = []  # statements, ground truth, updated_at
    for n, user in enumerate(annotators):
        mine, my_topics = (statements, topics) if n == 0 else second_opinion(rng, statements, topics)
        cancelled = rng.random() < CANCELLED
        ground_truth = not cancelled and rng.random() < GROUND_TRUTH
        results = [] if cancelled else statements_to_results(mine, text, topics=my_topics)
        started = created + timedelta(days=rng.randint(1, 40), seconds=rng.randint(0, 86_000))
        lead_time = round(rng.uniform(60, 1800), 3)
        finished = started + timedelta(seconds=lead_time)
        updated = finished + timedelta(seconds=rng.randint(0, 3) * rng.randint(0, 90_000))
        annotation_id = ids.next_annotation()
        annotations.append(
            {
                "id": annotation_id,
                "completed_by": user,
                "result": results,
                "was_cancelled": cancelled,
                "ground_truth": ground_truth,
                "created_at": timestamp(finished),
                "updated_at": timestamp(updated),
                "draft_created_at": timestamp(started) if rng.random() < 0.4 else None,
                "lead_time": lead_time,
                "prediction": {},
                "result_count": len(results),
                "unique_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "import_id": None,
                "last_action": None,
                "bulk_created": False,
                "task": task_id,
                "project": PROJECT,
                "updated_by": user,
                "parent_prediction": None,
                "parent_annotation": None,
                "last_created_by": None,
            }
        )
        expected.annotations += 1
        if cancelled:
            expected.cancelled += 1
        else:
            expected.results.update(result_kind(r) for r in results)
            usable.append((mine, ground_truth, timestamp(updated)))
    predictions = [ids.prediction + i for i in range(rng.choice((0, 0, 1)))]
    ids.prediction += len(predictions)
    drafts = [ids.draft] if rng.random() < 0.03 else []
    ids.draft += len(drafts)
    expected.tasks += 1
    expected.predictions += len(predictions)
    expected.drafts += len(drafts)
    if usable:
        expected.gold_articles += 1
        expected.gold_statements += gold(usable)
    normalized = text.replace("\r\n", "\n")
    return {
        "id": task_id,
        "annotations": annotations,
        "drafts": drafts,
        "predictions": predictions,
        "data": {
            "text": text,
            "article_id": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
            "text_sha256": hashlib.sha256(normalized.encode("utf-8")).hexdigest(),
            "title": title,
            "language": "tr",
        },
        "meta": {},
        "created_at": timestamp(created),
        "updated_at": timestamp(max(created, *(datetime.fromisoformat(a["updated_at"]) for a in annotations))),
        "allow_skip": True,
        "inner_id": task_id,
        "total_annotations": sum(not a["was_cancelled"] for a in annotations),
        "cancelled_annotations": sum(a["was_cancelled"] for a in annotations),
        "total_predictions": len(predictions),
        "comment_count": 0,
        "unresolved_comment_count": 0,
        "last_comment_updated_at": None,
        "project": PROJECT,
        "updated_by": annotators[-1],
        "comment_authors": [],
    }


def gold(usable: list[tuple[list[AnnotatedStatement], bool, str]]) -> int:
    """How many statements beyan's adjudication (ground truth, single, else majority) must keep."""
    flagged = sorted((u for u in usable if u[1]), key=lambda u: u[2], reverse=True)
    if flagged:
        return len(flagged[0][0])
    if len(usable) == 1:
        return len(usable[0][0])
    support = Counter(s.content_spans for statements, _, _ in usable for s in statements)
    return sum(1 for n in support.values() if 2 * n > len(usable))


def tasks(
    count: int, statements_per_task: float, seed: int, expected: Expected, templated: bool = False
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    ids = Ids()
    for index in range(count):
        yield make_task(rng, index, statements_per_task, ids, expected, templated)


def write_export(
    out: Path, count: int, statements_per_task: float, seed: int, templated: bool = False
) -> dict[str, Any]:
    """Stream the export to ``out``; returns (and writes beside it) the expected counts."""
    out.parent.mkdir(parents=True, exist_ok=True)
    expected = Expected()
    digest = hashlib.sha256()
    size = 0
    tmp = out.with_name(out.name + ".partial")
    with open(tmp, "wb") as handle:

        def emit(chunk: str) -> None:
            nonlocal size
            data = chunk.encode("utf-8")
            digest.update(data)
            size += len(data)
            handle.write(data)

        emit("[")
        for index, task in enumerate(tasks(count, statements_per_task, seed, expected, templated)):
            emit((", " if index else "") + json.dumps(task, ensure_ascii=False))
        emit("]")
    tmp.replace(out)
    meta = {
        "generator": "scripts/bench/synthetic_export.py",
        "seed": seed,
        "statements_per_task": "3-8, templated" if templated else statements_per_task,
        "bytes": size,
        "sha256": digest.hexdigest(),
        "expected": expected.to_dict(),
    }
    out.with_name(out.name + ".meta.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20_000, help="number of tasks (default 20000)")
    parser.add_argument(
        "--statements-per-task",
        type=float,
        default=2.0,
        help="statements per task, on average; each task has this many give or take one (default 2)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--templated", action="store_true", help="templated news: 3-8 direct statements from a few sentence templates"
    )
    parser.add_argument("--out", type=Path, required=True, help="export file to write")
    args = parser.parse_args(argv)
    if args.tasks < 0 or args.statements_per_task < 1:
        parser.error("--tasks must be >= 0 and --statements-per-task >= 1")
    meta = write_export(args.out, args.tasks, args.statements_per_task, args.seed, args.templated)
    size = meta["bytes"] / 1e6
    print(f"{args.out}: {args.tasks} tasks, {size:.1f} MB, sha256 {meta['sha256'][:16]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
