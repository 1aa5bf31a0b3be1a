"""The committed schema.graphql is the schema the code serves."""

from __future__ import annotations

from api.graphql.schema import SCHEMA_FILE, sdl


def test_committed_schema_matches_the_code():
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == sdl(), (
        "schema.graphql is out of date: run `madoguchi schema > schema.graphql` and commit it"
    )
