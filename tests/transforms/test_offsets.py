from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from beyan.transforms.offsets import NewlineMap, Utf16Index, loose_text

TEXT = "Ali 😀 dedi: 🇹🇷 𝒜 «iyi»\r\nson"


def test_utf16_offsets_convert_to_code_points() -> None:
    index = Utf16Index(TEXT)
    for position in range(len(TEXT) + 1):
        utf16 = len(TEXT[:position].encode("utf-16-le")) // 2
        assert index.to_utf16(position) == utf16
        assert index.to_code_point(utf16) == position


def test_offset_inside_a_surrogate_pair_is_refused() -> None:
    index = Utf16Index(TEXT)
    inside_emoji = index.to_utf16(TEXT.index("😀")) + 1
    assert index.to_code_point(inside_emoji) is None


@given(st.text(alphabet=st.sampled_from(["a", "\r", "\n", "😀", " ", "ş"]), max_size=40))
def test_newline_map_maps_every_offset_onto_the_same_character(original: str) -> None:
    mapping = NewlineMap(original)
    for position, char in enumerate(original):
        mapped = mapping.map(position)
        expected = "\n" if char == "\r" else char
        assert mapping.text[mapped] == expected
    assert mapping.map(len(original)) == len(mapping.text)


def test_loose_text_folds_label_studio_whitespace() -> None:
    assert loose_text("Ali  dedi\\nki") == loose_text("Ali dedi\nki") == "Ali dedi ki"
