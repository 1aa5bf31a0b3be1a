"""After a full demo run with individual numbers attempted everywhere (all
refused), on SQLite and PostgreSQL: no table of either database, no raw database
file and no log line holds a valid individual number, and no raw table holds a
demo applicant's name or e-mail in plaintext — before and after erasure."""

from __future__ import annotations

import logging
import uuid
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli.demo import load_demo
from application.demo.catalogue import DEMO_APPLICANTS
from domain.privacy.individual_number import contains_individual_number
from domain.shared.context import Actor
from domain.shared.errors import ValidationFailed
from tests.builders import ADMIN, ctx, definition
from tests.privacy.support import everything, individual_numbers_in, tables_text
from tests.shared.api_support import token

# valid individual numbers, written as people write them
ATTEMPTED = ["123456789018", "1234 5678 9018", "９８７６５４３２１０９３", "4201-3000-1237",
             "111111111118", "5555 5555 5557"]
PROCEDURE = "fuho-toki"  # 不法投棄の通報: anyone, online, with free text


def _ascii(number: str) -> str:
    return "".join(str(int(c)) for c in number if c.isdigit())


def attempt_everywhere(container, clock) -> int:
    """Every way in for text, each with a valid individual number: all refused."""
    refused = 0
    anonymous = ctx(clock, Actor.anonymous())
    procedure = container.catalogue.get_procedure(PROCEDURE)
    text_fields = [f.key for f in procedure.current_form.fields if f.type == "text"]
    assert text_fields

    def refuse(call, *args, **kwargs) -> None:
        nonlocal refused
        with pytest.raises(ValidationFailed) as failed:
            call(*args, **kwargs)
        assert "individual_number" in [e.rule for e in failed.value.errors]
        assert not contains_individual_number(str(failed.value))
        refused += 1

    for number in ATTEMPTED:
        submit = container.applications.submit
        base = dict(procedure_code=PROCEDURE, channel="online", applicant_name="通報 太郎",
                    answers={})
        refuse(submit, anonymous, **{**base, "applicant_name": f"通報 {number}"})
        refuse(submit, anonymous, **{**base, "contact_email": f"{_ascii(number)}@example.jp"})
        for key in text_fields:
            refuse(submit, anonymous, **{**base, "answers": {key: f"番号は{number}です"}})
        refuse(container.catalogue.define_procedure, ctx(clock, ADMIN),
               **definition(f"p-{uuid.uuid4().hex[:8]}", "kankyo", requirements_ja=number))
        refuse(container.catalogue.establish_department, ctx(clock, ADMIN),
               code="newdept", name_ja=f"新しい課{number}", name_en="New")
    return refused


def attempt_through_graphql(container) -> None:
    submit = """mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }"""
    forget = """mutation($s: String!, $r: String!) { forgetSubject(subject: $s, reason: $r) { id } }"""
    admin = token(sub="admin-1", role="admin")
    with TestClient(create_app(container, run_projections=False)) as client:
        for number in ATTEMPTED:
            for variables in (
                {"input": {"procedureCode": PROCEDURE, "channel": "ONLINE",
                           "applicantName": f"通報 {number}", "answers": {}}},
                {"input": {"procedureCode": PROCEDURE, "channel": number,
                           "applicantName": "通報", "answers": {}}},
            ):
                text = client.post("/graphql", json={"query": submit, "variables": variables}).text
                assert '"errors"' in text and not contains_individual_number(text), text
            text = client.post("/graphql", json={"query": forget, "variables": {
                "s": f"citizen:{_ascii(number)}", "r": number}},
                headers={"Authorization": f"Bearer {admin}"}).text
            assert '"errors"' in text and not contains_individual_number(text), text


def assert_clean(container, logs: str) -> None:
    tables = tables_text(container)
    dump = everything(container)  # on SQLite also the raw files, free pages and WAL
    assert "下野市" in tables  # the dump does hold the city
    assert individual_numbers_in(tables) == []
    assert individual_numbers_in(logs) == []
    for number in ATTEMPTED:
        for form in {number, _ascii(number)}:
            assert form not in dump and form not in logs, form
    for person in DEMO_APPLICANTS:
        for key in ("name", "name_kana", "email", "phone", "address"):
            value = str(person[key])
            assert value not in dump, f"{key} of a demo applicant in plaintext"


def test_a_full_demo_run_leaves_no_individual_number_and_no_plaintext(container, clock, caplog):
    caplog.set_level(logging.DEBUG)
    load_demo(container)
    container.engine.catch_up()
    assert container.log.head() > 1000
    assert attempt_everywhere(container, clock) > 30
    attempt_through_graphql(container)
    container.engine.catch_up()
    assert_clean(container, caplog.text)

    # erasure: a demo citizen forgotten, retention run far ahead, read models rebuilt
    keys = container.storage.keys
    owner = next(o for s, o in keys.db.execute("SELECT subject, owner FROM subject_keys") if o)
    container.privacy.forget(ctx(clock, ADMIN), owner, "削除請求")
    report = container.privacy.enforce_retention(ctx(clock, Actor.system("retention")), date(2060, 1, 1))
    assert report.shredded
    for projection in container.projections:
        container.engine.rebuild(projection.name, grace=0)
    assert_clean(container, caplog.text)
