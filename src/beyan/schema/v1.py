"""Schema v1: the one declaration of beyan's data.

The statement model follows PARC 3.0 (source, cue, content), the German news
quotation-attribution corpus of Petersen-Frey & Biemann (2024: quote, speaker, cue,
addressee, type, nesting) and PolNeAR (political news, stance toward a target).
Everything published about the data is generated from this module: run
``beyan schema --write`` after editing it and commit the regenerated ``schemas/``.
"""

from __future__ import annotations

from beyan.schema.types import (
    BOOL,
    INT32,
    INT64,
    STRING,
    AnnotationInterface,
    Categorical,
    DocumentChoices,
    Field,
    Label,
    ListOf,
    RegionChoices,
    RegionText,
    RelationRule,
    Schema,
    Struct,
    Vocabulary,
)

SCHEMA_VERSION = "1.0.0"

ARTICLE_ID_PATTERN = r"^[0-9a-f]{16}$"
STATEMENT_ID_PATTERN = r"^[0-9a-f]{16}-[0-9a-f]{8}$"
PUBLISHED_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"

# ---------------------------------------------------------------- vocabularies

SPAN_ROLE = Vocabulary(
    "span_role",
    "What a marked stretch of text is, within an attribution.",
    (
        Label("speaker", "speaker", "A mention of who makes the statement (PARC: source)."),
        Label("cue", "cue", "The words that signal the statement is reported (dedi, belirtti, ':')."),
        Label("content", "content", "What is said: the quoted or reported words, without the quote marks."),
        Label("addressee", "addressee", "A mention of whom the statement is addressed to."),
    ),
)

RELATION = Vocabulary(
    "relation",
    "How two marked spans are linked; the arrow points from the first role to the second.",
    (
        Label("said", "said", "speaker -> content: this speaker made this statement."),
        Label("cue", "cue-of", "cue -> content: this cue introduces this statement."),
        Label("addressed", "addressed-to", "addressee -> content: the statement is addressed to them."),
        Label("nested", "nested-in", "content -> content: the first statement is reported inside the second."),
        Label("continues", "continues", "content -> content: both fragments are one discontinuous statement."),
    ),
)

QUOTE_TYPE = Vocabulary(
    "quote_type",
    "How the statement is rendered.",
    (
        Label("direct", "direct", "The speaker's words verbatim, marked by quotation marks or a colon."),
        Label("indirect", "indirect", "A report of what was said in the reporter's words (-dığını belirtti)."),
        Label("mixed", "mixed", "A report in the reporter's words containing a verbatim quoted fragment."),
    ),
)

STANCE = Vocabulary(
    "stance",
    "The speaker's stance toward the statement's target.",
    (
        Label("favor", "favor", "The statement supports or praises the target."),
        Label("against", "against", "The statement opposes, criticises or warns against the target."),
        Label("neutral", "neutral", "The statement concerns the target without taking a side."),
    ),
)

SPEAKER_MARKER = Vocabulary(
    "speaker_marker",
    "Explicit marks on a content span about its speaker.",
    (
        Label(
            "unknown",
            "unknown-speaker",
            "The text does not say who made the statement; no speaker span is linked.",
        ),
    ),
)

# The major topics of the Comparative Agendas Project codebook, plus "other".
TOPIC = Vocabulary(
    "topic",
    "Policy topic, after the Comparative Agendas Project (CAP) major topics.",
    (
        Label("macroeconomics", "macroeconomics", "Inflation, unemployment, taxes, budget, monetary policy."),
        Label("civil_rights", "civil_rights", "Civil rights, minorities, freedom of speech and religion."),
        Label("health", "health", "Health care, insurance, diseases, drugs."),
        Label("agriculture", "agriculture", "Farming, food safety, fisheries."),
        Label("labor", "labor", "Employment, wages, unions, pensions of workers."),
        Label("education", "education", "Schools, universities, training."),
        Label("environment", "environment", "Pollution, climate, conservation."),
        Label("energy", "energy", "Energy supply, prices, nuclear power, renewables."),
        Label("immigration", "immigration", "Immigration, refugees, citizenship."),
        Label("transportation", "transportation", "Roads, rail, air and sea transport."),
        Label("law_and_crime", "law_and_crime", "Police, courts, crime, prisons."),
        Label("social_welfare", "social_welfare", "Social assistance, poverty, care."),
        Label("housing", "housing", "Housing and urban development."),
        Label("domestic_commerce", "domestic_commerce", "Banking, business, consumer protection."),
        Label("defense", "defense", "Armed forces, military alliances, weapons, wars."),
        Label("technology", "technology", "Science, technology, communications, space."),
        Label("foreign_trade", "foreign_trade", "Trade agreements, tariffs, exports and imports."),
        Label("international_affairs", "international_affairs", "Diplomacy, foreign relations, international bodies."),
        Label("government_operations", "government_operations", "Government administration, elections, public sector."),
        Label("public_lands", "public_lands", "Public land, water and natural resources management."),
        Label("culture", "culture", "Arts, heritage, sports, media."),
        Label("other", "other", "None of the above."),
    ),
)

DATE_PRECISION = Vocabulary(
    "date_precision",
    "How much of a date the source states; finer parts are absent, never padded.",
    (
        Label("year", "year", "Only the year is known (YYYY)."),
        Label("month", "month", "Year and month are known (YYYY-MM)."),
        Label("day", "day", "The calendar day is known (YYYY-MM-DD)."),
        Label("time", "time", "Day and time are known (YYYY-MM-DDThh:mm[:ss][offset])."),
    ),
)

BLOCK_KIND = Vocabulary(
    "block_kind",
    "The part of an article a stretch of its text belongs to.",
    (
        Label("title", "title", "The headline."),
        Label("subtitle", "subtitle", "A subheading or photo caption printed under the headline."),
        Label("dateline", "dateline", "The place line that opens the first paragraph (MOSKOVA)."),
        Label("paragraph", "paragraph", "A body paragraph."),
        Label("crosshead", "crosshead", "A short heading between body paragraphs."),
    ),
)

REDISTRIBUTION = Vocabulary(
    "redistribution",
    "What a published copy of the dataset may contain of an article.",
    (
        Label("text", "text", "The article text may be redistributed with the annotations."),
        Label("standoff", "standoff", "Only offsets, hashes and the URL are published; users hydrate the text."),
    ),
)

ADJUDICATION = Vocabulary(
    "adjudication",
    "How a gold statement was chosen from the annotations of its article.",
    (
        Label("single", "single", "The article had one usable annotation."),
        Label("ground_truth", "ground_truth", "Taken from the annotation flagged as ground truth."),
        Label("majority", "majority", "Kept because most annotations contain it; attributes by majority vote."),
        Label("latest", "latest", "Taken from the most recently updated annotation."),
    ),
)

VOCABULARIES: tuple[Vocabulary, ...] = (
    SPAN_ROLE,
    RELATION,
    QUOTE_TYPE,
    STANCE,
    SPEAKER_MARKER,
    TOPIC,
    DATE_PRECISION,
    BLOCK_KIND,
    REDISTRIBUTION,
    ADJUDICATION,
)

# ---------------------------------------------------------------- record types

SPAN = Struct(
    "Span",
    "A stretch of article text: code-point offsets [start, end) into the article's `text`.",
    (
        Field("start", INT32, "First code point of the span (0-based, inclusive).", minimum=0),
        Field("end", INT32, "Code point after the span (exclusive); end > start.", minimum=1),
        Field(
            "text",
            STRING,
            "The article text at [start, end); null when the article is published as standoff.",
            nullable=True,
        ),
    ),
)

SPEAKER = Struct(
    "Speaker",
    "Who made the statement, as an entity rather than a mention.",
    (
        Field("name", STRING, "Canonical name, spelled correctly even when the text misspells it.", nullable=True),
        Field("role", STRING, "The speaker's role at the time of the statement.", nullable=True),
        Field("affiliation", STRING, "Party, organisation or country the speaker speaks for.", nullable=True),
        Field("wikidata_qid", STRING, "Wikidata item id (Q...), when linked.", nullable=True, pattern=WIKIDATA_PATTERN),
    ),
)

PROVENANCE = Struct(
    "Provenance",
    "Where a gold statement came from.",
    (
        Field(
            "annotations",
            ListOf(STRING),
            "Keys of the annotations containing this statement: label-studio:<unique id>, or "
            "label-studio/<instance>/<project>/<task>/<annotation> for exports without unique ids.",
        ),
        Field("annotators", ListOf(STRING), "Pseudonymous ids of the annotators of those annotations."),
        Field("adjudication", Categorical(ADJUDICATION), "How the gold statement was chosen."),
        Field("support", INT32, "How many annotations of the article contain this statement.", minimum=0),
        Field("annotations_total", INT32, "How many usable annotations the article had.", minimum=0),
    ),
)

PUBLISHED = Struct(
    "Published",
    "A publication date at the precision the source states.",
    (
        Field("value", STRING, "ISO 8601 date truncated to its precision (2024-11).", pattern=PUBLISHED_PATTERN),
        Field("precision", Categorical(DATE_PRECISION), "Which parts of the date are known."),
    ),
)

BLOCK = Struct(
    "Block",
    "A structural part of the article: code-point offsets [start, end) into `text`.",
    (
        Field("kind", Categorical(BLOCK_KIND), "Which part of the article this is."),
        Field("start", INT32, "First code point (inclusive).", minimum=0),
        Field("end", INT32, "Code point after the block (exclusive).", minimum=0),
    ),
)

RIGHTS = Struct(
    "Rights",
    "Who owns the article text and what may be done with it.",
    (
        Field("license", STRING, "SPDX license id, 'proprietary' or 'unknown'."),
        Field("redistribution", Categorical(REDISTRIBUTION), "Whether published copies carry the text."),
        Field("holder", STRING, "The rights holder, when known.", nullable=True),
        Field("notes", STRING, "Anything else a user must know about the rights.", nullable=True),
    ),
)

STATEMENT_FIELDS: tuple[Field, ...] = (
    Field(
        "statement_id",
        STRING,
        "Stable id: the article id and a hash of the content offsets.",
        pattern=STATEMENT_ID_PATTERN,
    ),
    Field("article_id", STRING, "The article the statement is in.", pattern=ARTICLE_ID_PATTERN),
    Field("quote_type", Categorical(QUOTE_TYPE), "Direct, indirect or mixed."),
    Field(
        "content_spans",
        ListOf(SPAN, min_items=1),
        "What is said; several spans when the quote is discontinuous.",
        role="content",
    ),
    Field("speaker_spans", ListOf(SPAN), "Mentions of the speaker linked to this statement.", role="speaker"),
    Field("cue_spans", ListOf(SPAN), "The cue words (dedi, ifadelerini kullandı, ':').", role="cue"),
    Field("addressee_spans", ListOf(SPAN), "Mentions of whom the statement is addressed to.", role="addressee"),
    Field("speaker_unknown", BOOL, "True when the text does not say who made the statement."),
    Field("speaker", SPEAKER, "The speaker as an entity; null when unknown.", nullable=True),
    Field("cue_lemma", STRING, "Dictionary form of the cue (demek, belirtmek, ifade kullanmak).", nullable=True),
    Field(
        "parent_statement_id",
        STRING,
        "For a statement reported inside another's words: the enclosing statement.",
        nullable=True,
        pattern=STATEMENT_ID_PATTERN,
    ),
    Field("topics", ListOf(Categorical(TOPIC)), "Policy topics, from the article's topic annotation."),
    Field("stance", Categorical(STANCE), "The speaker's stance toward `stance_target`.", nullable=True),
    Field("stance_target", STRING, "What the stance is about (a person, group, policy or event).", nullable=True),
    Field("provenance", PROVENANCE, "Where this gold statement came from."),
)

ARTICLE_FIELDS: tuple[Field, ...] = (
    Field(
        "article_id",
        STRING,
        "Stable id: first 16 hex digits of the SHA-256 of the raw source file.",
        pattern=ARTICLE_ID_PATTERN,
    ),
    Field("language", STRING, "BCP 47 language tag of the text (tr)."),
    Field("source", STRING, "The outlet that published the article.", nullable=True),
    Field("source_id", STRING, "The outlet's or the source file's own identifier.", nullable=True),
    Field("url", STRING, "Where the article was published.", nullable=True),
    Field("published", PUBLISHED, "Publication date at the precision the source gives.", nullable=True),
    Field("section", STRING, "The outlet's section or category.", nullable=True),
    Field("title", STRING, "The headline.", nullable=True),
    Field("subtitle", STRING, "Subheading or photo caption under the headline.", nullable=True),
    Field("dateline", STRING, "Place line opening the first paragraph (MOSKOVA).", nullable=True),
    Field(
        "text",
        STRING,
        "The normalized text every offset refers to; null when published as standoff.",
        nullable=True,
    ),
    Field("text_length", INT32, "Length of `text` in code points.", minimum=0),
    Field("text_sha256", STRING, "SHA-256 of `text` encoded as UTF-8.", pattern=SHA256_PATTERN),
    Field("structure", ListOf(BLOCK), "Title, subtitle, dateline, paragraph and crosshead offsets."),
    Field("topics", ListOf(Categorical(TOPIC)), "Policy topics of the article."),
    Field("rights", RIGHTS, "License and redistribution terms."),
)

ARTICLE_CONTEXT_FIELDS: tuple[Field, ...] = (
    Field("article_title", STRING, "The article's headline.", nullable=True),
    Field("article_text", STRING, "The article's text, for reading spans; null when standoff.", nullable=True),
    Field("language", STRING, "BCP 47 language tag of the article."),
    Field("source", STRING, "The outlet that published the article.", nullable=True),
    Field("published", PUBLISHED, "The article's publication date.", nullable=True),
    Field("section", STRING, "The outlet's section or category.", nullable=True),
)

SPLITS: tuple[str, ...] = ("train", "validation", "test")

# ---------------------------------------------------------------- the annotation interface

INTERFACE = AnnotationInterface(
    text_name="text",
    labels_name="role",
    roles=SPAN_ROLE,
    relations=RELATION,
    relation_rules=(
        RelationRule("said", "speaker", "content"),
        RelationRule("cue", "cue", "content"),
        RelationRule("addressed", "addressee", "content"),
        RelationRule("nested", "content", "content"),
        RelationRule("continues", "content", "content"),
    ),
    region_controls=(
        RegionChoices(
            "quote_type", QUOTE_TYPE, "content", "Is the statement direct, indirect or mixed?", required=True
        ),
        RegionChoices("stance", STANCE, "content", "The speaker's stance toward the target."),
        RegionText("stance_target", "content", "stance_target", "What the stance is about."),
        RegionChoices(
            "speaker_marker",
            SPEAKER_MARKER,
            "content",
            "Tick when the text does not say who spoke.",
            fills="speaker_unknown",
            flag="unknown",
        ),
        RegionText("speaker_name", "speaker", "speaker.name", "Canonical name of the speaker (correct misspellings)."),
        RegionText("speaker_role", "speaker", "speaker.role", "The speaker's role at the time."),
        RegionText("speaker_affiliation", "speaker", "speaker.affiliation", "Party, organisation or country."),
        RegionText("speaker_qid", "speaker", "speaker.wikidata_qid", "Wikidata id (Q...), if known.", WIKIDATA_PATTERN),
        RegionText("cue_lemma", "cue", "cue_lemma", "Dictionary form of the cue (demek, belirtmek)."),
    ),
    document_controls=(DocumentChoices("topic", TOPIC, "Policy topics of the article."),),
)

# ---------------------------------------------------------------- training views (configs `tokens` and `labels`)
#
# Derived from the gold statements at build time (see beyan.tokens and beyan.labels); nothing
# here is annotated by hand. Declared here so that every published form follows from one place.


def bio_vocabulary(role: str) -> Vocabulary:
    """The BIO tags of one span role: O, B-<role>, I-<role>."""
    return Vocabulary(
        f"{role}_tag",
        f"BIO tag of a token for {role} spans, in one tag layer.",
        (
            Label("O", "O", f"The token is in no {role} span of this layer."),
            Label("B", f"B-{role}", f"The token begins a {role} span."),
            Label("I", f"I-{role}", f"The token continues the {role} span begun before it."),
        ),
    )


TAG_ROLES: tuple[str, ...] = ("content", "speaker", "cue", "addressee")
TAG_VOCABULARIES: dict[str, Vocabulary] = {role: bio_vocabulary(role) for role in TAG_ROLES}

TOKEN_SPAN = Struct(
    "TokenSpan",
    "One span of one statement, in token indices [start, end), and the tag layer it is tagged in.",
    (
        Field("statement", INT32, "Index into `statement_ids` of the statement the span belongs to.", minimum=0),
        Field("role", Categorical(SPAN_ROLE), "What the span is: speaker, cue, content or addressee."),
        Field("layer", INT32, "The tag layer holding the span (0: top-level statements).", minimum=0),
        Field("start", INT32, "First token of the span (inclusive).", minimum=0),
        Field("end", INT32, "Token after the span (exclusive).", minimum=0),
        Field(
            "exact",
            BOOL,
            "True when the tokens begin and end exactly where the character span does; false when the span "
            "starts or ends inside a token (the tokens cover it).",
        ),
    ),
)

TOKENS_ROW = Struct(
    "TokensRow",
    "One article as tokens with BIO tag layers per role, for training taggers (config `tokens`).",
    (
        Field("article_id", STRING, "The article.", pattern=ARTICLE_ID_PATTERN),
        Field("language", STRING, "BCP 47 language tag of the article."),
        Field(
            "tokens",
            ListOf(STRING),
            "The tokens (docs/tokens.md); null when the article is published as standoff.",
            nullable=True,
        ),
        Field("token_starts", ListOf(INT32), "Code-point offset in the article `text` where each token begins."),
        Field("token_ends", ListOf(INT32), "Code-point offset in the article `text` after each token."),
        Field("sentence_starts", ListOf(INT32), "Index of the first token of each sentence."),
        Field("statement_ids", ListOf(STRING), "The article's gold statements; `spans[].statement` indexes this."),
        *(
            Field(
                f"{role}_tags",
                ListOf(ListOf(Categorical(TAG_VOCABULARIES[role]))),
                f"BIO tags of {role} spans: one list per tag layer, one tag per token. Layer 0 holds the spans "
                "of top-level statements, layer 1 those of statements nested one level deep; a span that would "
                "overlap another of its role in its layer goes one layer up.",
            )
            for role in TAG_ROLES
        ),
        Field(
            "spans",
            ListOf(TOKEN_SPAN),
            "Every span of every statement in token indices, linking tagged spans to their statements "
            "(a span shared by several statements appears once per statement).",
        ),
    ),
)

LABEL_ROW = Struct(
    "LabelRow",
    "One label of a closed vocabulary: the index stored in Parquet and its name (config `labels`).",
    (
        Field("vocabulary", STRING, "The vocabulary (quote_type, stance, content_tag, ...)."),
        Field("index", INT64, "The integer stored in Parquet files (the ClassLabel index).", minimum=0),
        Field("name", STRING, "The label's name."),
        Field("definition", STRING, "What the label means."),
        Field(
            "columns",
            ListOf(STRING),
            "Every column holding indices into this vocabulary, as config.column (list items marked []).",
        ),
    ),
)

VOCABULARIES = (*VOCABULARIES, *TAG_VOCABULARIES.values())


# ---------------------------------------------------------------- machine annotation (config `silver`)
#
# Statements found by a machine (the rule extractor, or a model) in raw news at scale, written
# by `beyan silver`, never by `beyan build`. A silver row has no annotators and no gold
# provenance: `machine_provenance` says which extractor made it in which run, so silver is
# never mistaken for gold.

MACHINE_PROVENANCE = Struct(
    "MachineProvenance",
    "How a machine made a silver statement: which extractor, which version, in which run.",
    (
        Field(
            "extractor",
            STRING,
            "What found the statement: `beyan-rules` (the rule baseline) or a predictor's `module:function`.",
        ),
        Field(
            "extractor_version", STRING, "The extractor's version (beyan's for the rules, the package's for a model)."
        ),
        Field(
            "extractor_sha256",
            STRING,
            "SHA-256 of what decides the extractor's output: the rule code and lexicons, or the model.",
            pattern=SHA256_PATTERN,
        ),
        Field(
            "run_id",
            STRING,
            "The `beyan silver` run that wrote the row: a hash of its inputs and settings (same inputs, same id).",
            pattern=r"^[0-9a-f]{16}$",
        ),
        Field("input_location", STRING, "Where the article was read: input file and record (feed.jsonl > line 12)."),
    ),
)

SILVER_CONTEXT_FIELDS: tuple[Field, ...] = (
    *ARTICLE_CONTEXT_FIELDS,
    Field("url", STRING, "Where the article was published.", nullable=True),
    Field(
        "text_sha256",
        STRING,
        "SHA-256 of the article's text (UTF-8): joins silver with gold articles, and checks hydrated text.",
        pattern=SHA256_PATTERN,
    ),
)


def silver_row(statement_fields: tuple[Field, ...]) -> Struct:
    """The row of config ``silver``: the statement fields but gold provenance, article context, machine provenance."""
    own = tuple(field for field in statement_fields if field.name != "provenance")
    return Struct(
        "SilverRow",
        "One machine-annotated (silver) statement with its article's context (config `silver`, by `beyan silver`).",
        (
            *own,
            *SILVER_CONTEXT_FIELDS,
            Field(
                "machine_provenance", MACHINE_PROVENANCE, "Which extractor made this silver statement, in which run."
            ),
        ),
    )


# ---------------------------------------------------------------- the rows of each dataset config


def config_structs(statement_fields: tuple[Field, ...]) -> dict[str, Struct]:
    """The row type of every dataset config, in the order the dataset card lists them."""
    statement = Struct("Statement", "One attributed statement inside an article.", statement_fields)
    return {
        "statements": Struct(
            "StatementRow",
            "One gold statement with its article's context (config `statements`).",
            statement_fields + ARTICLE_CONTEXT_FIELDS,
        ),
        "articles": Struct(
            "Article",
            "One news article with its metadata and its gold statements (config `articles`).",
            (*ARTICLE_FIELDS, Field("statements", ListOf(statement), "The article's gold statements, in text order.")),
        ),
        "tokens": TOKENS_ROW,
        "labels": LABEL_ROW,
        "silver": silver_row(statement_fields),
    }


def make_schema(
    *, statement_fields: tuple[Field, ...] = STATEMENT_FIELDS, interface: AnnotationInterface = INTERFACE
) -> Schema:
    """The schema bundle: the declaration above, or a variant of it (a test adding a field)."""
    return Schema(
        version=SCHEMA_VERSION,
        statement=Struct("Statement", "One attributed statement inside an article.", statement_fields),
        configs=config_structs(statement_fields),
        interface=interface,
        vocabularies=VOCABULARIES,
        splits=SPLITS,
        rebuild=make_schema,
    )


SCHEMA = make_schema()
STATEMENT = SCHEMA.statement
CONFIGS: dict[str, Struct] = dict(SCHEMA.configs)
STATEMENT_ROW = CONFIGS["statements"]
ARTICLE_ROW = CONFIGS["articles"]
SILVER_ROW = CONFIGS["silver"]
