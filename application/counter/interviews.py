"""Commands of the no-writing counter (書かない窓口): interviews at a visit.

Staff of the visit's department open an interview, identify the citizen, choose
the life event (guidance from the catalogue's rules), complete the pre-filled
forms and confirm. Confirming submits one ``counter`` application per completed
form — built by ``Application.submit``, so the same validation and events as any
submission — stored in ONE transaction with ``InterviewConfirmed``, then moves
the visit to the next department's queue through ``VisitService.transfer``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from application.catalogue.service import CatalogueService
from application.counter.visits import VisitService
from application.shared.access import authorize
from application.shared.eventlog import CityLog
from application.shared.ports import FormPrinter
from application.shared.results import CommandResult
from domain.applications.application import Application
from domain.catalogue.procedures import Procedure
from domain.counter.interviews import ITEMS, Interview, parse_card
from domain.counter.life_events import (
    Guidance,
    GuideRule,
    HouseholdMember,
    LifeEvent,
    guide,
    parse_household,
    parse_life_event,
)
from domain.counter.residents import ResidentRecord, resident_record_id
from domain.counter.visits import VisitStatus
from domain.shared.context import CommandContext
from domain.shared.errors import InvalidTransition, NotFound, ValidationFailed
from domain.shared.personal import reveal

CHANNEL = "counter"
PDF_ROUTE = "GET /interviews/{id}/forms.pdf"


class InterviewService:
    def __init__(
        self,
        log: CityLog,
        catalogue: CatalogueService,
        visits: VisitService,
        *,
        rules: Iterable[Mapping[str, Any]] = (),
        prefill: Mapping[str, Mapping[str, str | None]] | None = None,
        printer: FormPrinter | None = None,
        new_id: Callable[[], UUID] = uuid4,
    ) -> None:
        self.log = log
        self.catalogue = catalogue
        self.visits = visits
        self.rules = [GuideRule.from_dict(r) for r in rules]
        self.prefill = dict(prefill or {})
        self.printer = printer
        self.new_id = new_id

    # -- reading -----------------------------------------------------------------
    def get(self, ctx: CommandContext, interview_id: str, operation: str = "interview") -> Interview:
        authorize(ctx.actor, operation)
        try:
            key = UUID(str(interview_id))
        except ValueError:
            raise NotFound("interview not found", message_ja="聞き取り記録が見つかりません") from None
        interview = self.log.load(Interview, key, "interview")
        authorize(ctx.actor, operation, department=interview.department)
        return interview

    def _procedure(self, code: str) -> Procedure | None:
        try:
            procedure = self.catalogue.get_procedure(code)
        except NotFound:
            return None
        return procedure if procedure.accepts(CHANNEL) else None

    def guidance(
        self, event: LifeEvent, household: list[HouseholdMember], day: date
    ) -> list[tuple[Guidance, Procedure]]:
        """The guided procedures that exist and accept counter applications."""
        found = [(g, self._procedure(g.procedure)) for g in guide(event, household, day, self.rules)]
        return [(g, p) for g, p in found if p is not None]

    def guide(self, ctx: CommandContext, event: str, *, interview_id: str | None = None,
              household: Any = None) -> list[tuple[Guidance, Procedure]]:
        """手続きナビ for an interview's household, or for a household given as input."""
        authorize(ctx.actor, "lifeEventGuide")
        chosen = parse_life_event(event)
        if interview_id is not None:
            members = self.get(ctx, interview_id, "lifeEventGuide").household_members()
        elif household is not None:
            members = parse_household(household)
        else:
            raise ValidationFailed.single("interviewId", "required", "give interviewId or household",
                                          "聞き取りIDまたは世帯情報を指定してください")
        return self.guidance(chosen, members, ctx.today)

    def forms_pdf(self, ctx: CommandContext, interview_id: str) -> tuple[Interview, bytes]:
        """One PDF with every completed form, for the citizen to check and sign."""
        interview = self.get(ctx, interview_id, PDF_ROUTE)
        if self.printer is None:
            raise InvalidTransition("no form printer is configured", message_ja="印刷機能が利用できません")
        forms = {}
        for code in interview.completed:
            procedure = self.catalogue.get_procedure(code)
            forms[code] = (procedure.name_ja, procedure.form_version(interview.completed[code]["form_version"]))
        return interview, self.printer.render("書かない窓口 申請内容の確認", interview.printable(forms))

    # -- commands ----------------------------------------------------------------
    def open(self, ctx: CommandContext, visit_id: str) -> CommandResult:
        authorize(ctx.actor, "openInterview")
        visit = self.visits.get_visit(visit_id)
        authorize(ctx.actor, "openInterview", department=visit.department)
        if visit.status is not VisitStatus.SERVING:
            raise InvalidTransition("an interview is held while the visit is being served",
                                    message_ja="対応中の来庁でのみ聞き取りを開始できます")
        interview = Interview.open(ctx, id=self.new_id(), visit_id=str(visit.id), department=visit.department)
        return CommandResult(str(interview.id), self.log.store(interview))

    def _act(self, ctx: CommandContext, operation: str, interview_id: str,
             action: Callable[[Interview], None]) -> CommandResult:
        interview = self.get(ctx, interview_id, operation)
        action(interview)
        return CommandResult(str(interview.id), self.log.store(interview))

    def identify_from_card(self, ctx: CommandContext, interview_id: str, card: Any,
                           household: Any = None) -> CommandResult:
        items = parse_card(card)
        members = parse_household(household) if household is not None else []
        return self._act(ctx, "identifyCitizenFromCard", interview_id, lambda i: i.identify(
            ctx, source="card", items=items, resident_id=None, household=members))

    def identify_from_resident_record(self, ctx: CommandContext, interview_id: str, resident_id: str,
                                      household: Iterable[str] = ()) -> CommandResult:
        """The citizen's items from their resident record, and the household from
        the records of ``household`` (resident ids) that share its 世帯番号."""
        self.get(ctx, interview_id, "identifyCitizenFromResidentRecord")
        record = self._resident(resident_id)
        if record is None:
            raise ValidationFailed.single("residentId", "exists", "no resident record with that id",
                                          "該当する住民記録がありません")
        items = {k: v for k, v in record.data.value.items() if k in ITEMS and v}
        members = [record]
        for other_id in household:
            other = self._resident(other_id) if other_id != resident_id else None
            if other is not None and other.household_id == record.household_id:
                members.append(other)
        household_members = [HouseholdMember(date.fromisoformat(m.data.value["birth_date"]),
                                             m.data.value.get("relationship", "")) for m in members]
        return self._act(ctx, "identifyCitizenFromResidentRecord", interview_id, lambda i: i.identify(
            ctx, source="resident_record", items=items, resident_id=resident_id, household=household_members))

    def _resident(self, resident_id: str) -> ResidentRecord | None:
        try:
            record = self.log.load(ResidentRecord, resident_record_id(str(resident_id)), "resident record")
        except NotFound:
            return None
        return None if record.data.erased else record

    def choose_life_event(self, ctx: CommandContext, interview_id: str, event: str) -> CommandResult:
        chosen = parse_life_event(event)

        def choose(interview: Interview) -> None:
            guided = self.guidance(chosen, interview.household_members(), ctx.today)
            forms = {g.procedure: (p.current_form, self.prefill.get(g.procedure, {})) for g, p in guided}
            interview.choose_life_event(ctx, chosen, [(g, p.department) for g, p in guided], forms)

        return self._act(ctx, "chooseLifeEvent", interview_id, choose)

    def complete_form(self, ctx: CommandContext, interview_id: str, procedure: str,
                      answers: Any) -> CommandResult:
        def complete(interview: Interview) -> None:
            interview.guided(procedure)
            form = self.catalogue.get_procedure(procedure).current_form
            interview.complete_form(ctx, procedure, form, answers)

        return self._act(ctx, "completeForm", interview_id, complete)

    def cancel(self, ctx: CommandContext, interview_id: str, reason: str = "") -> CommandResult:
        return self._act(ctx, "cancelInterview", interview_id, lambda i: i.cancel(ctx, reason))

    def confirm(self, ctx: CommandContext, interview_id: str, *, next_queue: str | None = None) -> CommandResult:
        """Submit every completed form as a counter application (all or none), then
        transfer the visit when a form belongs to another department."""
        interview = self.get(ctx, interview_id, "confirmInterview")
        interview.check_confirmable()
        next_department = interview.next_department_for()
        if next_department is not None:
            self._check_next_queue(next_queue, next_department)
        name = reveal(interview.citizen.get("name"))
        applications = []
        for code, form in interview.completed.items():
            applications.append(Application.submit(
                ctx, id=self.new_id(), procedure=self.catalogue.get_procedure(code),
                form_version=form["form_version"], channel=CHANNEL, applicant_subject=None,
                applicant_name=name, contact_email=None, answers=reveal(form["answers"]),
            ))
        interview.confirm(ctx, {a.procedure_code: str(a.id) for a in applications})
        position = self.log.store(interview, *applications)
        if next_department is not None and next_queue is not None:
            position = self.visits.transfer(ctx, interview.visit_id, queue=next_queue,
                                            reason="書かない窓口からの引継ぎ").position
        return CommandResult(str(interview.id), position)

    def _check_next_queue(self, next_queue: str | None, department: str) -> None:
        if next_queue is None:
            raise ValidationFailed.single("nextQueue", "required", f"a queue of {department} is needed",
                                          "引継ぎ先の待ち行列を指定してください")
        try:
            queue = self.visits.get_queue(next_queue)
        except NotFound:
            raise ValidationFailed.single("nextQueue", "exists", f"no queue {next_queue}",
                                          "指定された待ち行列は存在しません") from None
        if queue.department != department:
            raise ValidationFailed.single("nextQueue", "department", f"the queue must be one of {department}",
                                          "引継ぎ先の課の待ち行列を指定してください")
