"""The no-writing counter (書かない窓口) through the interview service, on SQLite and
PostgreSQL: card identification, guidance for the household, pre-filled forms,
and confirmation as counter applications with the visit handed on."""

from __future__ import annotations

import pytest

from api.composition import Container
from domain.counter.visits import VisitStatus
from domain.shared.errors import Forbidden, InvalidTransition, ValidationFailed
from tests.builders import ctx, staff
from tests.counter.support import CARD, HOUSEHOLD, JIDO_TEATE_REST, KODOMO_QUEUE, TENNYU_REST, set_up_counter


def _interview(container: Container, *, event: str = "move_in") -> tuple[str, str]:
    visit = set_up_counter(container)
    at = ctx(container.clock.now(), staff("shimin"))
    service = container.interviews
    interview = service.open(at, visit).id
    service.identify_from_card(at, interview, CARD, HOUSEHOLD)
    service.choose_life_event(at, interview, event)
    return visit, interview


def test_card_data_prefills_every_guided_form(container: Container) -> None:
    _, interview_id = _interview(container)
    interview = container.interviews.get(ctx(container.clock.now(), staff("shimin")), interview_id)
    assert [g["procedure"] for g in interview.guidance] == [
        "tennyu", "jido-teate", "kodomo-iryo", "shitei-gakko-henko", "kaigo-card-reissue", "suido-start"]
    assert {g["department"] for g in interview.guidance} == {"shimin", "kodomo", "gakko", "korei", "suido"}
    tennyu = {k: v.reveal() if hasattr(v, "reveal") else v for k, v in interview.prefilled["tennyu"].items()}
    assert tennyu == {"name": "下野 花子", "birthDate": "1985-06-15", "householdMembers": 3}
    assert interview.prefilled["jido-teate"]["claimantName"].reveal() == "下野 花子"
    assert interview.prefilled["suido-start"]["userNameKana"].reveal() == "シモツケ ハナコ"
    assert interview.prefilled["tennyu"]["name"].subject == f"interview:{interview_id}"


def test_confirming_submits_counter_applications_and_transfers_the_visit(container: Container) -> None:
    visit_id, interview_id = _interview(container)
    at = ctx(container.clock.now(), staff("shimin"))
    service = container.interviews
    service.complete_form(at, interview_id, "tennyu", TENNYU_REST)
    service.complete_form(at, interview_id, "jido-teate", JIDO_TEATE_REST)
    with pytest.raises(ValidationFailed) as no_queue:
        service.confirm(at, interview_id, next_queue="shimin-madoguchi")
    assert no_queue.value.errors[0].path == "nextQueue"

    service.confirm(at, interview_id, next_queue=KODOMO_QUEUE)

    interview = service.get(at, interview_id)
    assert interview.status == "confirmed" and interview.next_department == "kodomo"
    assert set(interview.applications) == {"tennyu", "jido-teate"}
    for code, application_id in interview.applications.items():
        application = container.applications.get(application_id)
        assert (application.procedure_code, application.channel) == (code, "counter")
    teate = container.applications.get(interview.applications["jido-teate"])
    assert teate.department == "kodomo"
    visit = container.visits.get_visit(visit_id)
    assert (visit.status, visit.queue, visit.department) == (VisitStatus.TRANSFERRED, KODOMO_QUEUE, "kodomo")
    with pytest.raises(InvalidTransition):
        service.confirm(at, interview_id, next_queue=KODOMO_QUEUE)


def test_staff_complete_the_rest_and_bad_answers_name_the_field_and_change_nothing(
    container: Container,
) -> None:
    _, interview_id = _interview(container)
    at = ctx(container.clock.now(), staff("shimin"))
    head = container.log.head()
    with pytest.raises(ValidationFailed) as failed:
        container.interviews.complete_form(at, interview_id, "tennyu", {**TENNYU_REST, "moveDate": "28/03/2026"})
    assert [(e.path, e.rule) for e in failed.value.errors] == [("answers.moveDate", "date_format")]
    with pytest.raises(ValidationFailed) as missing:
        container.interviews.complete_form(at, interview_id, "tennyu", {"consent": True})
    assert {e.path for e in missing.value.errors} >= {"answers.newAddress", "answers.moveDate"}
    assert "answers.name" not in {e.path for e in missing.value.errors}  # pre-filled
    with pytest.raises(ValidationFailed) as unguided:
        container.interviews.complete_form(at, interview_id, "konin-todoke", {})
    assert unguided.value.errors[0].rule == "guided"
    with pytest.raises(InvalidTransition):
        container.interviews.confirm(at, interview_id)
    assert container.log.head() == head


def test_card_data_is_checked_and_a_my_number_is_refused(container: Container) -> None:
    visit = set_up_counter(container)
    at = ctx(container.clock.now(), staff("shimin"))
    interview = container.interviews.open(at, visit).id
    head = container.log.head()
    with pytest.raises(ValidationFailed) as failed:
        container.interviews.identify_from_card(
            at, interview, {**CARD, "name": "123456789018", "birthDate": "1985-13-01", "sex": "x"})
    found = {(e.path, e.rule) for e in failed.value.errors}
    assert found >= {("card.birthDate", "date_format"), ("card.sex", "one_of")}
    assert any(e.path == "card.name" for e in failed.value.errors)
    with pytest.raises(InvalidTransition):
        container.interviews.choose_life_event(at, interview, "move_in")  # not identified yet
    assert container.log.head() == head


def test_only_staff_of_the_visits_department_hold_the_interview(container: Container) -> None:
    visit = set_up_counter(container)
    with pytest.raises(Forbidden):
        container.interviews.open(ctx(container.clock.now(), staff("kodomo")), visit)
    interview = container.interviews.open(ctx(container.clock.now(), staff("shimin")), visit).id
    with pytest.raises(Forbidden):
        container.interviews.get(ctx(container.clock.now(), staff("kodomo")), interview)


def test_a_cancelled_interview_submits_nothing_and_accepts_no_more_changes(container: Container) -> None:
    _, interview_id = _interview(container)
    at = ctx(container.clock.now(), staff("shimin"))
    service = container.interviews
    service.complete_form(at, interview_id, "tennyu", TENNYU_REST)
    with pytest.raises(ValidationFailed) as my_number:
        service.cancel(at, interview_id, "番号 123456789018")
    assert my_number.value.errors[0].rule == "individual_number"
    service.cancel(at, interview_id, "本人の都合")
    assert service.get(at, interview_id).status == "cancelled"
    head = container.log.head()
    with pytest.raises(InvalidTransition):
        service.confirm(at, interview_id)
    with pytest.raises(InvalidTransition):
        service.complete_form(at, interview_id, "jido-teate", JIDO_TEATE_REST)
    assert container.log.head() == head


def test_choosing_another_life_event_replaces_the_guided_forms(container: Container) -> None:
    _, interview_id = _interview(container)
    at = ctx(container.clock.now(), staff("shimin"))
    container.interviews.complete_form(at, interview_id, "tennyu", TENNYU_REST)
    container.interviews.choose_life_event(at, interview_id, "move_within")
    interview = container.interviews.get(at, interview_id)
    assert interview.life_event == "move_within" and "tennyu" not in interview.completed
    assert interview.prefilled["tenkyo"]["previousAddress"].reveal() == "栃木県下野市笹原26"
    with pytest.raises(ValidationFailed):
        container.interviews.choose_life_event(at, interview_id, "moving")
