"""Human-readable references generated from the declaration (card, docs/schema.md)."""

from __future__ import annotations

from beyan.schema.types import Categorical, FieldType, ListOf, Scalar, Struct, Vocabulary


def type_name(kind: FieldType) -> str:
    if isinstance(kind, Scalar):
        return kind.kind
    if isinstance(kind, Categorical):
        return f"label ({kind.vocabulary.name})"
    if isinstance(kind, ListOf):
        return f"list of {type_name(kind.item)}"
    return kind.name


def field_table(struct: Struct) -> str:
    lines = ["| field | type | description |", "|---|---|---|"]
    for field in struct.fields:
        nullable = ", nullable" if field.nullable else ""
        lines.append(f"| `{field.name}` | {type_name(field.type)}{nullable} | {field.description} |")
    return "\n".join(lines)


def nested_structs(struct: Struct) -> list[Struct]:
    """Struct types used inside ``struct``, each once, in first-use order."""
    found: list[Struct] = []

    def visit(kind: FieldType) -> None:
        if isinstance(kind, ListOf):
            visit(kind.item)
        elif isinstance(kind, Struct) and kind not in found:
            found.append(kind)
            for field in kind.fields:
                visit(field.type)

    for field in struct.fields:
        visit(field.type)
    return found


def vocabularies_of(struct: Struct) -> list[Vocabulary]:
    found: list[Vocabulary] = []

    def visit(kind: FieldType) -> None:
        if isinstance(kind, Categorical) and kind.vocabulary not in found:
            found.append(kind.vocabulary)
        elif isinstance(kind, ListOf):
            visit(kind.item)
        elif isinstance(kind, Struct):
            for field in kind.fields:
                visit(field.type)

    for field in struct.fields:
        visit(field.type)
    return found


def vocabulary_table(vocabulary: Vocabulary) -> str:
    lines = [f"**{vocabulary.name}**: {vocabulary.description}", "", "| label | definition |", "|---|---|"]
    lines += [f"| `{label.name}` | {label.definition} |" for label in vocabulary.labels]
    return "\n".join(lines)


def schema_reference(configs: dict[str, Struct], *, heading: str = "##") -> str:
    """Fields of every config, the record types inside them, and every label vocabulary."""
    parts: list[str] = []
    structs: list[Struct] = []
    vocabularies: list[Vocabulary] = []
    for name, struct in configs.items():
        parts += [f"{heading} Config `{name}`", "", struct.description, "", field_table(struct), ""]
        for nested in nested_structs(struct):
            if nested not in structs:
                structs.append(nested)
        for vocabulary in vocabularies_of(struct):
            if vocabulary not in vocabularies:
                vocabularies.append(vocabulary)
    parts += [f"{heading} Record types", ""]
    for struct in structs:
        parts += [f"**{struct.name}**: {struct.description}", "", field_table(struct), ""]
    parts += [f"{heading} Labels", ""]
    for vocabulary in vocabularies:
        parts += [vocabulary_table(vocabulary), ""]
    return "\n".join(parts).rstrip() + "\n"
