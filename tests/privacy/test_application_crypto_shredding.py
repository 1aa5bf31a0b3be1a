"""Crypto-shredding end to end, on SQLite and PostgreSQL: personal values are
ciphertext at rest; forgetting a subject records ``SubjectForgotten`` and deletes
its keys; every read, every rebuilt read model shows 「[消去済み]」, every stream
still replays, and the audit chain still verifies."""

from __future__ import annotations

import pytest

from domain.applications.status import Status
from domain.privacy.individual_number import SubjectForgotten
from domain.shared.context import Actor
from domain.shared.errors import Forbidden, NotFound, ValidationFailed
from domain.shared.personal import PersonalData
from projections.applications.status import get_application
from tests.builders import ADMIN, answers, citizen, ctx, drive, reading, setup_procedure, staff
from tests.privacy.support import everything

ERASED = "[消去済み]"
NAMES = {"c1": "秘匿 一郎", "c2": "秘匿 二郎", None: "匿名 三子"}
ADDRESSES = {"c1": "栃木県下野市秘匿町1番地", "c2": "栃木県下野市秘匿町2番地", None: "栃木県下野市匿名町3番地"}


def _submit(container, clock, who: str | None, n: int = 0) -> str:
    actor = citizen(who) if who else Actor.anonymous()
    return container.applications.submit(
        ctx(clock, actor), procedure_code="jumin-hyo", channel="online",
        applicant_name=NAMES[who], contact_email=f"secret-{who or 'anon'}-{n}@example.jp",
        answers=answers(address=ADDRESSES[who]),
    ).id


@pytest.fixture
def applications(container, clock) -> dict[str, str]:
    setup_procedure(container, clock, fee_yen=0)
    ids = {
        "c1-a": _submit(container, clock, "c1", 1),
        "c1-b": _submit(container, clock, "c1", 2),
        "c2": _submit(container, clock, "c2"),
        "anon": _submit(container, clock, None),
    }
    drive(container, clock, ids["c1-b"], Status.RETURNED)
    container.engine.catch_up()
    return ids


def view(container, app_id: str):
    container.engine.catch_up()
    with reading(container) as session:
        return get_application(session, container.vault, app_id)


def rebuild_all(container) -> None:
    for projection in container.projections:
        container.engine.rebuild(projection.name, grace=0)


def plaintexts() -> list[str]:
    return [*NAMES.values(), *ADDRESSES.values(), "secret-c1-1@example.jp", "secret-anon-0@example.jp",
            "1990-05-01"]


def assert_no_plaintext(container) -> None:
    dump = everything(container)
    assert "jumin-hyo" in dump and "住民票の写しの交付申請" in dump  # the dump does hold the data
    found = [value for value in plaintexts() if value in dump]
    assert found == []


def test_personal_values_are_ciphertext_in_events_and_read_models(container, applications):
    for app_id in applications.values():
        v = view(container, app_id)
        assert v.applicant_name in NAMES.values() and v.answers["address"] in ADDRESSES.values()
    assert_no_plaintext(container)


def test_forgetting_a_citizen_shreds_all_their_applications_and_only_theirs(
    container, clock, applications
):
    admin = ctx(clock, ADMIN)
    c1 = [applications["c1-a"], applications["c1-b"]]
    holdings = container.storage.keys.holdings("citizen:c1")
    assert sorted(s for s, _ in holdings) == sorted(f"application:{i}" for i in c1)

    result = container.privacy.forget(admin, "citizen:c1", "本人からの削除請求（第12条）")
    assert result.position == container.log.head()

    for app_id in c1:  # the live read model: the keys are gone, nothing was rewritten
        v = view(container, app_id)
        assert (v.applicant_name, v.contact_email) == (ERASED, ERASED)
        assert v.answers["address"] == ERASED and v.answers["birthDate"] == ERASED
        assert v.answers["copies"] == 1 and v.answers["purpose"] == "work"  # not personal
        assert v.applicant_subject == "c1" and v.status in ("submitted", "returned")
    for key in ("c2", "anon"):
        v = view(container, applications[key])
        assert v.applicant_name in NAMES.values()
        assert v.answers["address"] in ADDRESSES.values()

    # every stream still replays, and the application can still be worked on
    application = container.applications.get(c1[0])
    assert application.answers["address"] == PersonalData.erased_for(f"application:{c1[0]}")
    assert application.answers["address"].reveal() == ERASED
    container.applications.receive(ctx(clock, staff()), c1[0])

    # the erasure itself is an event, with its actor and reason
    [(position, event)] = [
        (n.id, container.log.mapper.to_domain_event(n))
        for n in container.log.recorder.select_notifications(0, 10_000)
        if n.topic == "domain.privacy.individual_number:SubjectForgotten"
    ]
    assert position == result.position
    assert isinstance(event, SubjectForgotten)
    assert (event.subject, event.owner, event.reason) == ("citizen:c1", None, "本人からの削除請求（第12条）")
    assert event.key_subjects == sorted(f"application:{i}" for i in c1)
    assert event.meta.actor == ADMIN

    rebuild_all(container)  # rebuilt from events: erased there too
    for app_id in c1:
        v = view(container, app_id)
        assert (v.applicant_name, v.contact_email, v.answers["address"]) == (ERASED,) * 3
        assert v.answers["copies"] == 1
    assert view(container, applications["c2"]).applicant_name == NAMES["c2"]
    assert_no_plaintext(container)


def test_forgetting_one_application_leaves_the_citizens_others(container, clock, applications):
    one = applications["c1-a"]
    container.privacy.forget(ctx(clock, ADMIN), f"application:{one}", "保存期間の経過前に消去")
    assert view(container, one).applicant_name == ERASED
    assert view(container, applications["c1-b"]).applicant_name == NAMES["c1"]
    [(subject, owner)] = container.storage.keys.holdings("citizen:c1")
    assert subject == f"application:{applications['c1-b']}" and owner == "citizen:c1"
    [erasure] = [container.log.mapper.to_domain_event(n)
                 for n in container.log.recorder.select_notifications(0, 10_000)
                 if n.topic == "domain.privacy.individual_number:SubjectForgotten"]
    assert (erasure.subject, erasure.owner) == (f"application:{one}", "citizen:c1")


def test_forgetting_again_records_nothing_and_an_unknown_subject_is_not_found(
    container, clock, applications
):
    admin = ctx(clock, ADMIN)
    container.privacy.forget(admin, "citizen:c2", "削除請求")
    head = container.log.head()
    again = container.privacy.forget(admin, "citizen:c2", "削除請求")
    assert again.position == head == container.log.head()
    with pytest.raises(NotFound) as missing:
        container.privacy.forget(admin, "citizen:nobody", "削除請求")
    assert "nobody" not in str(missing.value)


def test_nothing_new_is_kept_for_a_forgotten_application(container, clock, applications):
    app_id = applications["c1-b"]  # returned for correction
    container.privacy.forget(ctx(clock, ADMIN), f"application:{app_id}", "削除請求")
    container.applications.resubmit(ctx(clock, citizen("c1")), app_id,
                                    answers(address="栃木県下野市新秘匿町9番地"))
    v = view(container, app_id)
    assert v.status == "resubmitted" and v.answers["address"] == ERASED
    assert "新秘匿町" not in everything(container)
    assert container.storage.keys.holdings(f"application:{app_id}") == []


def test_only_an_administrator_may_forget_and_the_input_is_checked(container, clock, applications):
    for actor in (staff(), citizen("c1"), Actor("auditor-1", "auditor")):
        with pytest.raises(Forbidden):
            container.privacy.forget(ctx(clock, actor), "citizen:c1", "削除請求")
    admin = ctx(clock, ADMIN)
    for subject, reason, expected in (
        ("c1", "削除請求", [("subject", "subject")]),
        ("application:123", "削除請求", [("subject", "subject")]),
        ("citizen:c1", " ", [("reason", "required")]),
        ("citizen:c1", "番号 123456789018", [("reason", "individual_number")]),
    ):
        with pytest.raises(ValidationFailed) as failed:
            container.privacy.forget(admin, subject, reason)
        assert [(e.path, e.rule) for e in failed.value.errors] == expected
    assert container.storage.keys.holdings("citizen:c1")  # nothing was shredded


def test_the_audit_chain_still_verifies_after_erasure(container, clock, applications):
    container.engine.catch_up()
    before = container.audit.verify()
    assert before.ok, before.summary()
    container.privacy.forget(ctx(clock, ADMIN), "citizen:c1", "削除請求")
    container.engine.catch_up()
    report = container.audit.verify()
    assert report.ok, report.summary()
    assert report.events == container.log.head()
