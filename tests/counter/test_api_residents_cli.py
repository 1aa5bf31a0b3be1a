"""``madoguchi residents import FILE.csv`` and identifying a citizen from the resident
record at the no-writing counter, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.composition import Container
from application.projection.reading import read_session
from domain.shared.errors import ValidationFailed
from infra.settings import Settings
from projections.counter import resident_records
from tests.builders import ADMIN, ctx
from tests.counter.support import set_up_counter
from tests.shared.api_support import Gql, error, ok, settled, token
from tests.shared.test_api_cli import env  # noqa: F401  (fixture)
from tests.shared.test_projection_engine import generation, rows

HEADER = "resident_id,household_id,name,name_kana,birth_date,sex,address,relationship,moved_in_on\n"
ROWS = [
    "A-1001,H-1,下野 花子,シモツケ ハナコ,1985-06-15,2,栃木県下野市笹原26,世帯主,2020-04-01\n",
    "A-1002,H-1,下野 太郎,シモツケ タロウ,2016-05-01,1,栃木県下野市笹原26,子,2020-04-01\n",
    "A-1003,H-1,下野 トメ,シモツケ トメ,1955-09-30,2,栃木県下野市笹原26,母,2020-04-01\n",
    "A-2001,H-2,小山 一郎,オヤマ イチロウ,1970-01-01,1,栃木県下野市小金井1,世帯主,\n",
]
STAFF = token(sub="staff-shimin", role="staff", dept="shimin")


def _invoke(values: dict[str, str], monkeypatch: pytest.MonkeyPatch, path: Path):
    monkeypatch.delenv("MADOGUCHI_DATABASE_URL", raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(app, ["residents", "import", str(path)])


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "juki.csv"
    path.write_text("\ufeff" + header + "".join(rows), encoding="utf-8")
    return path


def test_import_encrypts_records_and_a_reimport_records_only_changes(
    env, monkeypatch, tmp_path: Path, container: Container, settings: Settings, backend: str,  # noqa: F811
) -> None:
    first = _invoke(env, monkeypatch, _csv(tmp_path, *ROWS))
    assert first.exit_code == 0, first.output
    assert "Imported 4, updated 0, unchanged 0" in first.output
    head = container.log.head()
    again = _invoke(env, monkeypatch, _csv(tmp_path, *ROWS))
    assert "Imported 0, updated 0, unchanged 4" in again.output and container.log.head() == head
    moved = ROWS[3].replace("小金井1", "小金井2")
    changed = _invoke(env, monkeypatch, _csv(tmp_path, *ROWS[:3], moved))
    assert "Imported 0, updated 1, unchanged 3" in changed.output

    container.engine.catch_up()
    key = settings.effective_duplicate_fingerprint_key
    with read_session(container.views, container.projections) as s:
        one = resident_records.get_resident(s, container.vault, "A-2001")
        found = resident_records.find_residents(s, container.vault, key, "下野　花子", "1985-06-15")
        household = resident_records.household_of(s, "H-1")
    assert one is not None and one.record["address"] == "栃木県下野市小金井2"
    assert [r.resident_id for r in found] == ["A-1001"] and found[0].record["sex"] == "女"
    assert household == ["A-1001", "A-1002", "A-1003"]
    if backend == "sqlite":  # the event store and read models hold ciphertext only
        files = [p for p in settings.data_dir.rglob("*") if p.is_file()]
        assert any(p.suffix in (".db", ".sqlite", ".sqlite3") or "wal" in p.name for p in files)
        for needle in ("下野 花子", "シモツケ", "笹原26", "1985-06-15"):
            assert not any(needle.encode() in p.read_bytes() for p in files), needle


def test_an_invalid_row_writes_nothing_and_names_its_line_and_column(
    env, monkeypatch, tmp_path: Path, container: Container,  # noqa: F811
) -> None:
    head = container.log.head()
    bad = ROWS[1].replace("2016-05-01", "2016/05/01")
    my_number = ROWS[3].replace("栃木県下野市小金井1", "123456789018")
    result = _invoke(env, monkeypatch, _csv(tmp_path, ROWS[0], bad, ROWS[2], my_number, ROWS[0]))
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    for expected in ("line 3.birth_date", "(date_format)", "line 5.address", "line 6.resident_id", "(unique)"):
        assert expected in output, expected
    assert "123456789018" not in output
    assert container.log.head() == head
    with_number_column = _invoke(env, monkeypatch, _csv(tmp_path, header=HEADER.strip() + ",my_number\n"))
    assert with_number_column.exit_code == 2 and "unknown_column" in with_number_column.output
    assert container.log.head() == head


def test_the_counter_identifies_a_citizen_and_household_from_the_resident_record(
    env, monkeypatch, tmp_path: Path, gql: Gql, container: Container,  # noqa: F811
) -> None:
    assert _invoke(env, monkeypatch, _csv(tmp_path, *ROWS)).exit_code == 0
    visit = set_up_counter(container)
    settled(container)
    interview = ok(gql("mutation($v: ID!) { openInterview(visitId: $v) { id } }", STAFF, v=visit))
    interview_id = interview["openInterview"]["id"]
    identify = """mutation($id: ID!, $r: String, $n: String, $b: String) {
      identifyCitizenFromResidentRecord(id: $id, residentId: $r, name: $n, birthDate: $b) { id } }"""
    missing = error(gql(identify, STAFF, id=interview_id, n="下野 花子", b="1985-06-16"))
    assert (missing["code"], missing["field"], missing["rule"]) == ("VALIDATION_FAILED", "name", "exists")
    ok(gql(identify, STAFF, id=interview_id, n="下野花子", b="1985-06-15"))
    guide = ok(gql("query($id: ID!) { lifeEventGuide(event: MOVE_WITHIN, interviewId: $id) { code reason { ja } } }",
                   STAFF, id=interview_id))["lifeEventGuide"]
    assert {"shitei-gakko-henko", "kaigo-card-reissue"} <= {g["code"] for g in guide}
    shown = ok(gql("query($id: ID!) { interview(id: $id) { source residentId citizen household } }",
                   STAFF, id=interview_id))["interview"]
    assert (shown["source"], shown["residentId"]) == ("resident_record", "A-1001")
    assert shown["citizen"]["name_kana"] == "シモツケ ハナコ" and len(shown["household"]) == 3


def test_forgetting_a_resident_erases_the_record_and_its_lookup(
    env, monkeypatch, tmp_path: Path, container: Container, settings: Settings,  # noqa: F811
) -> None:
    assert _invoke(env, monkeypatch, _csv(tmp_path, *ROWS)).exit_code == 0
    admin = ctx(container.clock.now(), ADMIN)
    container.privacy.forget(admin, "resident:A-1001", "本人からの削除請求")
    container.engine.catch_up()
    key = settings.effective_duplicate_fingerprint_key
    with read_session(container.views, container.projections) as s:
        erased = resident_records.get_resident(s, container.vault, "A-1001")
        assert resident_records.find_residents(s, container.vault, key, "下野 花子", "1985-06-15") == []
        assert resident_records.find_residents(s, container.vault, key, "下野 太郎", "2016-05-01") != []
    assert erased is not None and erased.record == "[消去済み]"
    with pytest.raises(ValidationFailed) as refused:
        container.privacy.forget(admin, "resident:123456789018", "x")
    assert refused.value.errors[0].rule == "individual_number"


def test_the_resident_read_model_rebuilds_bit_for_bit(
    env, monkeypatch, tmp_path: Path, container: Container,  # noqa: F811
) -> None:
    assert _invoke(env, monkeypatch, _csv(tmp_path, *ROWS)).exit_code == 0
    assert _invoke(env, monkeypatch, _csv(tmp_path, *ROWS[:3], ROWS[3].replace("小金井1", "小金井2"))).exit_code == 0
    container.privacy.forget(ctx(container.clock.now(), ADMIN), "resident:A-1002", "削除請求")
    container.engine.catch_up()
    [model] = [p for p in container.projections if p.name == resident_records.ResidentRecords.name]
    live = generation(container, model.name)
    before = rows(container, model, live)
    assert len(before["resident_records"]) == 4
    rebuilt = container.engine.rebuild(model.name, grace=0)
    assert rebuilt > live and rows(container, model, rebuilt) == before
