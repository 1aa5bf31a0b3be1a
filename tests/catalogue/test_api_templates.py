"""GraphQL for procedure templates (ひな形): listing them and defining from one."""

from __future__ import annotations

from tests.shared.api_fixtures import Catalogue
from tests.shared.api_support import SHIMIN, Gql, error, ok

TEMPLATES_QUERY = """{ procedureTemplates { code nameJa nameEn descriptionJa channels assurance
  feeYen form { version fields { key type required constraints showIf } } } }"""
DEFINE_FROM = """
mutation($t: String!, $c: String!, $d: String!, $o: TemplateOverridesInput) {
  defineProcedureFromTemplate(templateCode: $t, code: $c, nameJa: "各種補助金", nameEn: "Subsidy",
                              department: $d, overrides: $o) { id position }
}"""
PROCEDURE = """query($c: String!, $p: Int) { procedure(code: $c, atLeastPosition: $p) {
  code templateCode feeYen form { fields { key type showIf } } } }"""


def test_procedure_templates(gql: Gql, shimin_staff: str, citizen_a: str):
    templates = ok(gql(TEMPLATES_QUERY, shimin_staff))["procedureTemplates"]
    assert len(templates) >= 8
    by_code = {t["code"]: t for t in templates}
    assert by_code["subsidy"]["nameJa"] == "補助金交付申請"
    grant = {f["key"]: f for f in by_code["grant"]["form"]["fields"]}
    assert grant["members"]["type"] == "group"
    assert grant["members"]["constraints"]["fields"][3]["show_if"] == {
        "field": "relationship", "equals": "other"}
    facility = {f["key"]: f for f in by_code["facility-use"]["form"]["fields"]}
    assert facility["exemptionReason"]["showIf"] == {"field": "feeExemption", "equals": True}
    assert error(gql(TEMPLATES_QUERY, citizen_a))["code"] == "FORBIDDEN"


def test_define_procedure_from_template(gql: Gql, catalogue: Catalogue, shimin_staff: str,
                                        zeimu_staff: str):
    overrides = {"feeYen": 0, "processingDays": 20}
    payload = ok(gql(DEFINE_FROM, shimin_staff, t="subsidy", c="hojokin", d=SHIMIN, o=overrides))
    result = payload["defineProcedureFromTemplate"]
    assert result["id"] == "hojokin"
    procedure = ok(gql(PROCEDURE, shimin_staff, c="hojokin", p=result["position"]))["procedure"]
    assert procedure["templateCode"] == "subsidy"
    assert procedure["feeYen"] == 0
    types = {f["key"]: f["type"] for f in procedure["form"]["fields"]}
    assert types["postalCode"] == "postal_code" and types["plan"] == "attachment"

    fields = [{"key": "hasKids", "labelJa": "子の有無", "labelEn": "Children", "type": "boolean"},
              {"key": "kids", "labelJa": "子の人数", "labelEn": "Number", "type": "number",
               "required": True, "showIf": {"field": "hasKids", "equals": True}}]
    result = ok(gql(DEFINE_FROM, shimin_staff, t="survey", c="kosodate", d=SHIMIN,
                    o={"fields": fields}))["defineProcedureFromTemplate"]
    procedure = ok(gql(PROCEDURE, shimin_staff, c="kosodate", p=result["position"]))["procedure"]
    assert procedure["form"]["fields"][1]["showIf"] == {"field": "hasKids", "equals": True}

    bad = error(gql(DEFINE_FROM, shimin_staff, t="nope", c="x-1", d=SHIMIN))
    assert bad["code"] == "VALIDATION_FAILED"
    assert error(gql(DEFINE_FROM, zeimu_staff, t="survey", c="x-2", d=SHIMIN))["code"] == "FORBIDDEN"
