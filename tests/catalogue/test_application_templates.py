"""Specification of procedure templates (ひな形) over both event stores."""

from __future__ import annotations

import pytest

from application.catalogue.template_service import TemplateService
from application.catalogue.templates import TEMPLATES
from application.projection.reading import read_session
from domain.catalogue.forms import FormSchema
from domain.shared.context import Actor
from domain.shared.errors import Forbidden, ValidationFailed
from domain.shared.personal import PersonalData
from projections.catalogue import procedure_catalogue as catalogue_model
from tests.builders import ADMIN, ctx, establish, staff

SHIPPED = {"subsidy": "補助金交付申請", "grant": "助成金申請", "facility-use": "施設利用申請",
           "event-entry": "イベント参加申込", "certificate-by-mail": "証明書の郵送請求",
           "notification": "各種届出", "consultation": "相談予約", "survey": "アンケート"}


def test_the_shipped_templates():
    assert {code: t.name_ja for code, t in TEMPLATES.items()} == SHIPPED
    for t in TEMPLATES.values():
        FormSchema.from_fields(t.definition_copy()["fields"])  # every form is valid
        assert t.name_en and t.description_ja and t.description_en


def test_templates_use_the_new_field_types():
    types = {f["type"] for t in TEMPLATES.values() for f in t.definition["fields"]}
    assert {"postal_code", "phone", "email", "address", "attachment", "group"} <= types
    assert any("show_if" in f for t in TEMPLATES.values() for f in t.definition["fields"])


@pytest.fixture
def service(container, clock) -> TemplateService:
    establish(container, clock)
    establish(container, clock, "zeimu")
    return TemplateService(container.catalogue)


def test_each_template_defines_a_procedure_recording_its_template(container, clock, service):
    for i, code in enumerate(TEMPLATES):
        result = service.define_from_template(
            ctx(clock, staff()), template_code=code, code=f"tpl-{i}", name_ja=SHIPPED[code],
            name_en=code, department="shimin")
        procedure = container.catalogue.get_procedure(result.id)
        assert procedure.template_code == code
        assert procedure.current_form.to_dict()["fields"] == TEMPLATES[code].definition["fields"]
        assert procedure.channels == tuple(TEMPLATES[code].definition["channels"])
    container.engine.catch_up()
    with read_session(container.views, container.projections) as session:
        view = catalogue_model.get_procedure(session, "tpl-0")
    assert view is not None and view.template_code == "subsidy"


def test_overrides_replace_parts_of_the_template(container, clock, service):
    fields = [{"key": "q1", "label_ja": "質問", "label_en": "Question", "type": "text"}]
    service.define_from_template(
        ctx(clock, ADMIN), template_code="survey", code="survey-2026", name_ja="市民アンケート",
        name_en="Citizen survey", department="shimin",
        overrides={"fee_yen": 0, "processing_days": 5, "fields": fields, "channels": ["online", "mail"]})
    procedure = container.catalogue.get_procedure("survey-2026")
    assert (procedure.processing_days, procedure.channels) == (5, ("online", "mail"))
    assert [f.key for f in procedure.current_form.fields] == ["q1"]
    assert procedure.template_code == "survey"
    assert TEMPLATES["survey"].definition["processing_days"] == 0  # the template is untouched


def test_unknown_template_and_overrides_are_reported(service, clock):
    with pytest.raises(ValidationFailed) as failed:
        service.define_from_template(ctx(clock, ADMIN), template_code="nope", code="x-1", name_ja="x",
                                     name_en="x", department="shimin", overrides={"code": "y"})
    assert [(e.path, e.rule) for e in failed.value.errors] == [
        ("templateCode", "unknown_template"), ("overrides.code", "unknown_property")]
    with pytest.raises(ValidationFailed) as failed:
        service.define_from_template(ctx(clock, ADMIN), template_code="survey", code="x-1",
                                     name_ja="x", name_en="x", department="shimin",
                                     overrides={"fee_yen": -1})
    assert [(e.path, e.rule) for e in failed.value.errors] == [("feeYen", "range")]


def test_only_catalogue_editors_of_the_department(service, clock):
    for actor in (staff("zeimu"), Actor("c", "citizen")):
        with pytest.raises(Forbidden):
            service.define_from_template(ctx(clock, actor), template_code="survey", code="x-2",
                                         name_ja="x", name_en="x", department="shimin")


def test_an_application_with_a_group_and_a_hidden_answer(container, clock, service):
    service.define_from_template(ctx(clock, ADMIN), template_code="event-entry", code="matsuri",
                                 name_ja="祭り", name_en="Festival", department="shimin")
    container.catalogue.publish_online(ctx(clock, ADMIN), "matsuri")
    result = container.applications.submit(
        ctx(clock, Actor("citizen-1", "citizen")), procedure_code="matsuri", channel="online",
        applicant_name="下野 花子", applicant_subject="citizen-1",
        answers={"name": "下野 花子", "nameKana": "しもつけ はなこ", "phone": "0285-32-8900",
                 "email": "hanako@example.jp", "consent": True, "needsSupport": False,
                 "supportDetail": "dropped", "participants": [{"name": "花子", "age": "30"},
                                                              {"name": "太郎", "age": 5}]})
    application = container.applications.get(result.id)
    assert "supportDetail" not in application.answers
    participants = application.answers["participants"]  # sealed as one personal value
    assert isinstance(participants, PersonalData)
    assert participants.value == [{"name": "花子", "age": 30}, {"name": "太郎", "age": 5}]
    container.engine.catch_up()
