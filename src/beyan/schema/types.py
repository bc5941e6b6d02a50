"""The small type algebra the schema is declared in.

Every published form of the schema (JSON Schema, Arrow schema, ``datasets.Features``,
the Label Studio labeling config, the field reference in ``docs/schema.md``) is derived
from values of these types, so a field or label is written down exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal


@dataclass(frozen=True, slots=True)
class Label:
    """One value of a closed vocabulary.

    ``key`` is what beyan's code refers to and never changes; ``name`` is the
    published string (in Parquet, JSON and Label Studio), which a schema revision
    may rename.
    """

    key: str
    name: str
    definition: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """A closed set of labels, published as a ``ClassLabel`` and a JSON Schema enum."""

    name: str
    description: str
    labels: tuple[Label, ...]

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    def name_of(self, key: str) -> str:
        """The published name of the label with this code key."""
        for label in self.labels:
            if label.key == key:
                return label.name
        raise KeyError(f"vocabulary {self.name!r} has no label with key {key!r}")

    def key_of(self, name: str) -> str | None:
        """The code key of the label published as ``name``, or None if unknown."""
        for label in self.labels:
            if label.name == name:
                return label.key
        return None

    def renamed(self, key: str, new_name: str) -> Vocabulary:
        """A copy with one label renamed (used by tests that check derivations follow)."""
        labels = tuple(replace(label, name=new_name) if label.key == key else label for label in self.labels)
        return replace(self, labels=labels)


ScalarKind = Literal["string", "int32", "int64", "bool"]


@dataclass(frozen=True, slots=True)
class Scalar:
    kind: ScalarKind


@dataclass(frozen=True, slots=True)
class Categorical:
    vocabulary: Vocabulary


@dataclass(frozen=True, slots=True)
class ListOf:
    item: FieldType
    min_items: int = 0


@dataclass(frozen=True, slots=True)
class Struct:
    """A named record type; published as a JSON Schema ``$defs`` entry."""

    name: str
    description: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]


FieldType = Scalar | Categorical | ListOf | Struct


@dataclass(frozen=True, slots=True)
class Field:
    """A named, documented field. ``pattern`` and ``minimum`` become JSON Schema checks.

    ``role`` marks a list of spans filled by the regions of that span role (``speaker_spans``
    holds the speaker regions linked to the statement).
    """

    name: str
    type: FieldType
    description: str
    nullable: bool = False
    pattern: str | None = None
    minimum: int | None = None
    role: str | None = None


STRING = Scalar("string")
INT32 = Scalar("int32")
INT64 = Scalar("int64")
BOOL = Scalar("bool")


# ------------------------------------------------ the Label Studio annotation interface


@dataclass(frozen=True, slots=True)
class RegionChoices:
    """A per-region ``Choices`` shown when a region of role ``on_role`` is selected.

    ``fills`` names the statement field it becomes (its own name when empty). A ``flag``
    control is a marker: ticking the label whose key is ``flag`` sets the boolean field to true.
    A required control is a radio group (one answer, changed but never emptied); an
    optional one is a single-answer checkbox group, so a ticked answer can be unticked.
    ``hotkeys`` lets Label Studio bind keys to the choices; off by default, because a key
    pressed while a region of another role is selected attaches the choice to that region.
    """

    name: str
    vocabulary: Vocabulary
    on_role: str
    description: str
    required: bool = False
    fills: str = ""
    flag: str | None = None
    hotkeys: bool = False

    @property
    def target(self) -> str:
        return self.fills or self.name


@dataclass(frozen=True, slots=True)
class RegionText:
    """A per-region ``TextArea`` shown when a region of role ``on_role`` is selected.

    ``fills`` names the statement field it becomes, dotted for struct members
    (``speaker.name``).
    """

    name: str
    on_role: str
    fills: str
    description: str
    pattern: str | None = None

    @property
    def target(self) -> str:
        return self.fills


@dataclass(frozen=True, slots=True)
class DocumentChoices:
    """A ``Choices`` about the whole task (the article).

    ``hotkeys`` lets Label Studio bind keys to the choices; off by default, because a
    stray key typed outside a text field would tick a choice without a word.
    """

    name: str
    vocabulary: Vocabulary
    description: str
    multiple: bool = True
    hotkeys: bool = False


@dataclass(frozen=True, slots=True)
class RelationRule:
    """Which span roles a relation label connects: ``source_role`` -> ``target_role``."""

    relation: str
    source_role: str
    target_role: str


@dataclass(frozen=True, slots=True)
class AnnotationInterface:
    """Everything Label Studio shows an annotator, and how its results map to the schema."""

    text_name: str
    labels_name: str
    roles: Vocabulary
    relations: Vocabulary
    relation_rules: tuple[RelationRule, ...]
    region_controls: tuple[RegionChoices | RegionText, ...]
    document_controls: tuple[DocumentChoices, ...]

    def control(self, name: str) -> RegionChoices | RegionText | DocumentChoices | None:
        for control in (*self.region_controls, *self.document_controls):
            if control.name == name:
                return control
        return None

    def controls_on(self, role: str) -> tuple[RegionChoices | RegionText, ...]:
        """The per-region controls shown on regions of span role ``role`` (a key)."""
        return tuple(control for control in self.region_controls if control.on_role == role)


# ------------------------------------------------ the schema as one value


@dataclass(frozen=True, slots=True)
class Schema:
    """The whole declaration as one value: what the pipeline reads instead of module constants.

    ``statement`` holds the statement fields; ``configs`` the row type of each dataset config.
    ``rebuild`` makes a variant (``with_statement_field``): a test adds a field there and sees it
    flow through import, build, ``load_dataset`` and ``validate`` without touching other code.
    """

    version: str
    statement: Struct
    configs: dict[str, Struct]
    interface: AnnotationInterface
    vocabularies: tuple[Vocabulary, ...]
    splits: tuple[str, ...]
    rebuild: Callable[..., Schema]

    @property
    def span_fields(self) -> tuple[Field, ...]:
        """Statement fields that list spans of one role (content, speaker, cue, addressee)."""
        return tuple(field for field in self.statement.fields if field.role is not None)

    def span_field(self, role: str) -> Field:
        for field in self.span_fields:
            if field.role == role:
                return field
        raise KeyError(f"no span field for role {role!r}")

    @property
    def annotated_fields(self) -> tuple[Field, ...]:
        """Statement fields an annotator fills: spans, and the targets of per-region controls."""
        targets = {control.target.split(".", 1)[0] for control in self.interface.region_controls}
        return tuple(f for f in self.statement.fields if f.role is not None or f.name in targets)

    def with_statement_field(self, field: Field, *, control: RegionChoices | RegionText | None = None) -> Schema:
        """A copy with one more statement field (and the control that fills it, if any)."""
        interface = self.interface
        if control is not None:
            interface = replace(interface, region_controls=(*interface.region_controls, control))
        return self.rebuild(statement_fields=(*self.statement.fields, field), interface=interface)
