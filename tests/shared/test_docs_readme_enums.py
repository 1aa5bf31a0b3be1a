"""The README's table of enum values is the schema's, and every value of every
enum carries its Japanese label."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLEnumType

from api.graphql.schema import build_schema

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _enums() -> dict[str, GraphQLEnumType]:
    types = build_schema()._schema.type_map
    return {n: t for n, t in types.items() if isinstance(t, GraphQLEnumType) and not n.startswith("__")}


def test_every_enum_value_has_a_japanese_and_an_english_label():
    for name, enum in _enums().items():
        for value, definition in enum.values.items():
            ja, _, en = (definition.description or "").partition(" / ")
            assert JAPANESE.search(ja) and en.strip(), f"{name}.{value}: {definition.description!r}"


def test_the_readme_lists_every_enum_value_with_its_label():
    block = README.split("<!-- enums:begin -->", 1)[1].split("<!-- enums:end -->", 1)[0]
    documented = re.findall(r"^\| `(\w+)` \| `(\w+)` \| (.+?) \|$", block, re.M)
    expected = [(n, v, d.description) for n, e in sorted(_enums().items()) for v, d in e.values.items()]
    assert documented == expected
