"""docs/architecture.md's layout table (capability × layer → modules) is true:
it lists exactly the modules on disk, and every registered read model lives in
the projections package of a capability the table names."""

from __future__ import annotations

import re
from pathlib import Path

from application.projection.base import Projection
from projections import all_projections

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
LAYERS = ("domain", "application", "projections", "api/graphql", "api")


def _table() -> dict[str, list[set[str] | None]]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- layout:begin -->", 1)[1].split("<!-- layout:end -->", 1)[0]
    rows: dict[str, list[set[str] | None]] = {}
    for line in block.splitlines():
        m = re.match(r"^\| \*\*(\w+)\*\* \|(.*)\|\s*$", line)
        if not m:
            continue
        cells = [c.strip() for c in m.group(2).split("|")]
        rows[m.group(1)] = [None if c == "—" else set(re.findall(r"`([^`]+)`", c)) for c in cells]
    return rows


def _modules(package: Path) -> set[str] | None:
    if not package.is_dir():
        return None
    return {p.stem if p.is_file() else f"{p.name}/" for p in package.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}


def _test_layers(folder: Path) -> set[str] | None:
    if not folder.is_dir():
        return None
    return {p.stem.split("_")[1] for p in folder.glob("test_*.py")}


def test_the_layout_table_lists_every_capability_package_on_disk():
    table = _table()
    assert set(table) >= {"catalogue", "applications", "payments", "counter", "dx", "audit", "privacy"}
    for capability, cells in table.items():
        for layer, cell in zip(LAYERS, cells, strict=False):
            assert cell == _modules(ROOT / layer / capability), f"{layer}/{capability}: table says {cell}"
        assert cells[len(LAYERS)] == _test_layers(ROOT / "tests" / capability), f"tests/{capability}"


def test_no_layer_has_a_capability_package_the_table_does_not_name():
    named = set(_table())
    for layer in LAYERS:
        for p in (ROOT / layer).iterdir():
            if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"graphql", "cli", "demo", "projection"}:
                assert p.name in named, f"{layer}/{p.name} is not in docs/architecture.md's layout table"


def test_every_read_model_lives_in_its_capabilitys_projections_package():
    table = _table()
    for model in all_projections(vault=_NoVault()):  # type: ignore[arg-type]
        assert isinstance(model, Projection)
        parts = type(model).__module__.split(".")
        assert parts[0] == "projections" and parts[1] in table, type(model).__module__
        assert parts[2] in (table[parts[1]][2] or set()), f"{model.name} in {type(model).__module__}"


class _NoVault:
    def seal(self, value):  # pragma: no cover - never applied here
        raise AssertionError

    def open(self, value):  # pragma: no cover
        raise AssertionError
