"""DX dashboards over GraphQL, the HTTP export and the CLI: analysts get
aggregates only (no plan owners, no survey answers); CSV opens in Excel
(UTF-8 with BOM, Japanese headers); every answer is an event."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.composition import Container
from domain.shared.context import Actor, CommandContext
from domain.shared.errors import ValidationFailed
from infra.clock import ManualClock
from tests.shared.api_support import token

PERIOD = {"from": "2026-03-01", "to": "2026-04-30"}
QUERY = """query($c: String!) {
  departmentDashboard(code: $c, from: "2026-03-01", to: "2026-04-30") {
    departmentNameJa months { month procedures planned plannedOverdue applications }
    plans { procedureCode owner state targetDate } } }"""


def _ctx(clock: ManualClock, actor: Actor | None = None) -> CommandContext:
    return CommandContext(actor or Actor.system("t"), clock.now(), uuid.uuid4().hex)


@pytest.fixture
def client(container: Container, clock: ManualClock) -> Iterator[TestClient]:
    cat = container.catalogue
    cat.establish_department(_ctx(clock), code="shimin", name_ja="市民課", name_en="Citizens")
    cat.define_procedure(_ctx(clock), code="jumin-hyo", name_ja="住民票", name_en="Residence", department="shimin",
                         channels=["online", "counter"], assurance="none", fee_yen=300, processing_days=1,
                         fields=[], template_code="std-jumin")
    cat.define_procedure(_ctx(clock), code="inkan", name_ja="印鑑登録", name_en="Seal", department="shimin",
                         channels=["online", "counter"], assurance="none", fee_yen=0, processing_days=1,
                         fields=[])
    surveys = container.surveys
    surveys.open_survey(_ctx(clock), code="dx", title="調査", deadline="2026-04-10", departments=["shimin"])
    staff = Actor("s1", "staff", "shimin")
    surveys.answer(_ctx(clock, staff), "dx", procedure_code="jumin-hyo", online_possible=True, owner="佐藤",
                   target_date="2026-03-15", blockers="押印")
    surveys.answer(_ctx(clock, staff), "dx", procedure_code="inkan", online_possible=True, owner="鈴木",
                   target_date="2026-09-30")
    surveys.answer(_ctx(clock, staff), "dx", procedure_code="inkan", online_possible=True, owner="鈴木",
                   target_date="2026-10-31", blockers="予算")
    container.engine.catch_up()
    with TestClient(create_app(container, run_projections=False)) as c:
        yield c


def _gql(client: TestClient, query: str, who: str, **variables: object) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables},
                           headers={"Authorization": f"Bearer {who}"})
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


def test_every_answer_is_an_event(container: Container, client: TestClient) -> None:
    survey = container.surveys.get("dx")
    types = [type(e).__name__ for e in container.log.repository.event_store.get(survey.id)]
    assert types == ["SurveyOpened", "DepartmentAnswered", "DepartmentAnswered", "AnswerRevised"]


def test_an_individual_number_is_refused_in_blockers(container: Container, client: TestClient,
                                                     clock: ManualClock) -> None:
    with pytest.raises(ValidationFailed) as refused:
        container.surveys.answer(_ctx(clock, Actor("s1", "staff", "shimin")), "dx", procedure_code="inkan",
                                 online_possible=False, owner="鈴木", target_date=None,
                                 blockers="申請者 1234 5678 9018 の件")
    assert refused.value.errors[0].rule == "individual_number"


def test_staff_see_owners_analysts_only_aggregates(client: TestClient) -> None:
    staff = _gql(client, QUERY, token(sub="s1", role="staff", dept="shimin"), c="shimin")
    analyst = _gql(client, QUERY, token(sub="a1", role="analyst"), c="shimin")
    plans = {p["procedureCode"]: p for p in staff["departmentDashboard"]["plans"]}
    assert plans["jumin-hyo"] == {"procedureCode": "jumin-hyo", "owner": "佐藤", "state": "overdue",
                                  "targetDate": "2026-03-15"}
    assert plans["inkan"]["targetDate"] == "2026-10-31" and plans["inkan"]["state"] == "on_track"
    assert [p["owner"] for p in analyst["departmentDashboard"]["plans"]] == [None, None]
    april = analyst["departmentDashboard"]["months"][-1]
    assert april == {"month": "2026-04", "procedures": 2, "planned": 2, "plannedOverdue": 1, "applications": 0}
    survey = """{ survey(code: "dx") { unansweredDepartments answerCount answers { owner blockers } } }"""
    seen = _gql(client, survey, token(sub="a1", role="analyst"))["survey"]
    assert seen == {"unansweredDepartments": [], "answerCount": 2, "answers": []}
    seen = _gql(client, survey, token(sub="s1", role="staff", dept="shimin"))["survey"]
    assert sorted(a["blockers"] for a in seen["answers"]) == ["予算", "押印"]


def test_the_csv_export_opens_in_excel(client: TestClient) -> None:
    response = client.get("/exports/dashboards/city.csv", params=PERIOD,
                          headers={"Authorization": f"Bearer {token(sub='a1', role='analyst')}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["課コード", "課名", "年月", "集計開始日"] and "オンライン化率" in rows[0]
    assert [r[2] for r in rows[1:]] == ["2026-03", "2026-04"] and rows[1][1] == "全庁"
    assert "佐藤" not in raw.decode("utf-8-sig")


def test_the_json_export_has_no_owners(client: TestClient) -> None:
    who = {"Authorization": f"Bearer {token(sub='s1', role='staff', dept='shimin')}"}
    response = client.get("/exports/dashboards/department.json", params=PERIOD, headers=who)
    assert response.status_code == 200
    (dashboard,) = json.loads(response.content)["dashboards"]
    assert dashboard["department"] == "shimin" and len(dashboard["months"]) == 2
    assert all("owner" not in p for p in dashboard["plans"])
    assert client.get("/exports/dashboards/city.json", params=PERIOD).status_code == 401
    assert client.get("/exports/dashboards/city.json", params=PERIOD, headers=who).status_code == 403


def test_the_cli_exports_a_dashboard(container: Container, client: TestClient, tmp_path, monkeypatch) -> None:
    from api import cli

    monkeypatch.setattr(cli, "open_container", lambda: container)
    monkeypatch.setattr(container, "close", lambda: None)
    out = tmp_path / "city.csv"
    result = CliRunner().invoke(cli.app, ["export", "dashboard", "--from", "2026-03-01", "--to", "2026-04-30",
                                          "--department", "shimin", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff課コード") and "shimin,市民課,2026-04" in text
