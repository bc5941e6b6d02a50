"""The labeling config protects the data (what tests/browser/ confirms in the real UI, checked here in the XML)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import replace

from beyan.schema import INTERFACE, SCHEMA_VERSION, labelstudio_config
from beyan.schema.labelstudio import relation_legend
from beyan.schema.types import AnnotationInterface, RegionChoices


def parsed(interface: AnnotationInterface = INTERFACE) -> ElementTree.Element:
    return ElementTree.fromstring(labelstudio_config(interface, schema_version=SCHEMA_VERSION))


def test_no_choice_gets_a_key_unless_declared() -> None:
    root = parsed()
    choices = root.findall(".//Choice")
    assert len(choices) == 3 + 3 + 1 + 22
    assert {c.get("hotkey") for c in choices} == {" "}
    style = root.find("Style")
    assert style is not None and ".beyan-no-hotkeys .lsf-hint" in (style.text or "")
    for group in root.iter("Choices"):
        wrappers = [v for v in root.iter("View") if group in list(v)]
        assert [w.get("className") for w in wrappers] == ["beyan-no-hotkeys"], group.get("name")

    topic_with_keys = replace(INTERFACE.document_controls[0], hotkeys=True)
    root = parsed(replace(INTERFACE, document_controls=(topic_with_keys,)))
    topic = root.find(".//Choices[@name='topic']")
    assert topic is not None and all(c.get("hotkey") is None for c in topic)


def test_only_a_required_choice_is_a_radio_group() -> None:
    root = parsed()
    kinds = {c.get("name"): (c.get("choice"), c.get("required")) for c in root.iter("Choices")}
    assert kinds == {
        "quote_type": ("single-radio", "true"),
        "stance": ("single", None),
        "speaker_marker": ("single", None),
        "topic": ("multiple", None),
    }
    optional = [c for c in INTERFACE.region_controls if isinstance(c, RegionChoices) and not c.required]
    assert {c.name for c in optional} == {"stance", "speaker_marker"}


def test_relations_take_one_label_and_the_legend_gives_every_direction() -> None:
    root = parsed()
    relations = root.find("Relations")
    assert relations is not None and relations.get("choice") == "single"
    assert [r.get("value") for r in relations] == INTERFACE.relations.names
    assert all(r.get("hint") is None for r in relations)  # Label Studio shows no hint on relations
    legend = relation_legend(INTERFACE)
    for part in ("said: speaker → content", "cue-of: cue → content", "addressed-to: addressee → content",
                 "nested-in: content → content", "continues: content → content"):  # fmt: skip
        assert part in legend
    headers = [h.get("value") for h in root.iter("Header")]
    assert legend in headers


def test_every_field_is_headed_by_its_name() -> None:
    root = parsed()
    for view in root.iter("View"):
        children = list(view)
        for i, child in enumerate(children):
            if child.tag in ("Choices", "TextArea"):
                header = children[i - 1]
                assert header.tag == "Header" and (header.get("value") or "").startswith(child.get("name") or "?")
    headers = [h.get("value") or "" for h in root.iter("Header")]
    assert "quote_type (required): Is the statement direct, indirect or mixed?" in headers
