"""GraphQL for the no-writing counter (書かない窓口): interviews at a visit, 手続きナビ
(``lifeEventGuide``), pre-filled forms and their confirmation as counter applications."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.types import CommandPayload, Label
from application.projection.reading import ReadSession
from domain.catalogue.procedures import Procedure
from domain.counter.interviews import LABELS
from domain.counter.interviews import Interview as DomainInterview
from domain.counter.life_events import Guidance
from domain.counter.life_events import LifeEvent as DomainLifeEvent
from domain.shared.errors import ValidationFailed
from domain.shared.personal import reveal
from projections.counter import queue_board as board_model
from projections.counter import resident_records as residents_model

LifeEventEnum = strawberry.enum(
    Enum("LifeEvent", {e.name: e.value for e in DomainLifeEvent}),
    description="ライフイベント / life event: 転入, 転出, 転居, 出生, 死亡, 婚姻, 離婚",
)


@strawberry.input(description="世帯員 / a household member (the citizen included)")
class HouseholdMemberInput:
    birth_date: str
    relationship: str | None = None
    national_health_insurance: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"birthDate": self.birth_date, "relationship": self.relationship,
                "nationalHealthInsurance": self.national_health_insurance}


@strawberry.type(description="案内する手続き / a procedure the life event leads to")
class GuidedProcedure:
    code: str
    name_ja: str
    name_en: str
    department: str
    condition: str
    reason: Label

    @classmethod
    def of(cls, g: Guidance, p: Procedure) -> GuidedProcedure:
        return cls(code=g.procedure, name_ja=p.name_ja, name_en=p.name_en, department=p.department,
                   condition=g.condition.value, reason=Label(ja=g.reason_ja, en=g.reason_en))


@strawberry.type(description="申請書 / one guided procedure's form in an interview")
class InterviewForm:
    procedure: str
    department: str
    reason: Label
    prefilled: JSON
    answers: JSON | None  # the completed answers, null until completed
    completed: bool


@strawberry.type
class InterviewApplication:
    procedure: str
    application_id: strawberry.ID


@strawberry.type(description="書かない窓口の聞き取り / a no-writing-counter interview")
class Interview:
    id: strawberry.ID
    visit_id: strawberry.ID
    department: str
    staff: str
    status: str  # open | confirmed | cancelled
    status_label: Label
    source: str | None  # card | resident_record
    source_label: Label | None
    resident_id: str | None
    citizen: JSON | None  # name, name_kana, address, birth_date, sex
    household: JSON | None
    life_event: LifeEventEnum | None  # type: ignore[valid-type]
    life_event_label: Label | None
    forms: list[InterviewForm]
    applications: list[InterviewApplication]
    next_department: str | None

    @classmethod
    def of(cls, i: DomainInterview) -> Interview:
        event = DomainLifeEvent(i.life_event) if i.life_event else None
        return cls(
            id=strawberry.ID(str(i.id)), visit_id=strawberry.ID(i.visit_id), department=i.department,
            staff=i.staff, status=i.status, status_label=_label(i.status), source=i.source,
            source_label=_label(i.source) if i.source else None, resident_id=i.resident_id,
            citizen=reveal(i.citizen) if i.citizen else None,
            household=reveal(i.household) if i.household is not None else None,
            life_event=LifeEventEnum(event.value) if event else None,  # type: ignore[operator]
            life_event_label=Label(ja=event.label_ja, en=event.label_en) if event else None,
            forms=[InterviewForm(
                procedure=g["procedure"], department=g["department"],
                reason=Label(ja=g["reason_ja"], en=g["reason_en"]),
                prefilled=reveal(i.prefilled.get(g["procedure"], {})),
                answers=reveal(i.completed[g["procedure"]]["answers"]) if g["procedure"] in i.completed else None,
                completed=g["procedure"] in i.completed) for g in i.guidance],
            applications=[InterviewApplication(procedure=p, application_id=strawberry.ID(a))
                          for p, a in i.applications.items()],
            next_department=i.next_department,
        )


def _label(key: str) -> Label:
    ja, en = LABELS[key]
    return Label(ja=ja, en=en)


async def _load(ctx: ApiContext, interview_id: str, operation: str) -> DomainInterview:
    return await ctx.run(ctx.container.interviews.get, ctx.command_context(), interview_id, operation)


@strawberry.type
class InterviewQuery:
    @strawberry.field(description="聞き取りの内容 / an interview (staff of the visit's department)")
    async def interview(self, info: Info[ApiContext, None], id: strawberry.ID) -> Interview:
        ctx = info.context
        interview = await _load(ctx, str(id), "interview")
        if interview.citizen:
            await ctx.record_personal_data_view(
                "interview", ["citizen", "household", "forms"], [(str(interview.id), interview.subject)])
        return Interview.of(interview)

    @strawberry.field(description="手続きナビ / the procedures a life event leads to, for an "
                      "interview's household or a given household")
    async def life_event_guide(
        self, info: Info[ApiContext, None], event: LifeEventEnum,  # type: ignore[valid-type]
        interview_id: strawberry.ID | None = None, household: list[HouseholdMemberInput] | None = None,
    ) -> list[GuidedProcedure]:
        ctx = info.context
        found = await ctx.run(
            ctx.container.interviews.guide, ctx.command_context(), event.value,
            interview_id=str(interview_id) if interview_id is not None else None,
            household=[m.as_dict() for m in household] if household is not None else None,
        )
        return [GuidedProcedure.of(g, p) for g, p in found]


@strawberry.type
class InterviewMutation:
    @strawberry.mutation(description="聞き取りを開始する / open an interview for a visit being served")
    async def open_interview(self, info: Info[ApiContext, None], visit_id: strawberry.ID) -> CommandPayload:
        return await info.context.execute(info.context.container.interviews.open, str(visit_id))

    @strawberry.mutation(description="カード情報で本人確認 / identify the citizen from the card reader's "
                         "JSON (券面事項入力補助: name, address, birthDate, sex)")
    async def identify_citizen_from_card(
        self, info: Info[ApiContext, None], id: strawberry.ID, card: JSON,
        household: list[HouseholdMemberInput] | None = None,
    ) -> CommandPayload:
        return await info.context.execute(
            info.context.container.interviews.identify_from_card, str(id), card,
            [m.as_dict() for m in household] if household is not None else None)

    @strawberry.mutation(description="住民記録で本人確認 / identify the citizen from the resident record, "
                         "by residentId (宛名番号) or by name and birthDate; the household comes along")
    async def identify_citizen_from_resident_record(
        self, info: Info[ApiContext, None], id: strawberry.ID, resident_id: str | None = None,
        name: str | None = None, birth_date: str | None = None,
    ) -> CommandPayload:
        ctx = info.context
        await _load(ctx, str(id), "identifyCitizenFromResidentRecord")  # authorize before any lookup
        vault, key = ctx.container.vault, ctx.container.settings.effective_duplicate_fingerprint_key

        def resolve(s: ReadSession) -> tuple[str, list[str]]:
            if resident_id is not None:
                found = [v for v in [residents_model.get_resident(s, vault, resident_id)] if v is not None]
            elif name and birth_date:
                found = residents_model.find_residents(s, vault, key, name, birth_date)
            else:
                raise ValidationFailed.single("residentId", "required", "give residentId, or name and birthDate",
                                              "宛名番号、または氏名と生年月日を指定してください")
            if len(found) > 1:
                raise ValidationFailed.single("name", "ambiguous", "several residents match; give residentId",
                                              "該当者が複数います。宛名番号で指定してください")
            if not found:
                return resident_id or "", []
            return found[0].resident_id, residents_model.household_of(s, found[0].household_id)

        matched, household = await ctx.read(resolve)
        if not matched:
            raise ValidationFailed.single("residentId" if resident_id is not None else "name", "exists",
                                          "no matching resident record", "該当する住民記録がありません")
        return await ctx.execute(ctx.container.interviews.identify_from_resident_record, str(id), matched,
                                 household)

    @strawberry.mutation(description="ライフイベントを選ぶ / choose the life event; pre-fills the forms")
    async def choose_life_event(
        self, info: Info[ApiContext, None], id: strawberry.ID, event: LifeEventEnum,  # type: ignore[valid-type]
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.interviews.choose_life_event, str(id),
                                          event.value)

    @strawberry.mutation(description="申請書を完成させる / complete a pre-filled form (answers over the "
                         "pre-filled ones, checked by the form)")
    async def complete_form(
        self, info: Info[ApiContext, None], id: strawberry.ID, procedure: str, answers: JSON,
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.interviews.complete_form, str(id),
                                          procedure, answers)

    @strawberry.mutation(description="確認して申請する / submit every completed form as a counter "
                         "application; transfers the visit to nextQueue (default: the next "
                         "department's first queue) when a form belongs to another department")
    async def confirm_interview(
        self, info: Info[ApiContext, None], id: strawberry.ID, next_queue: str | None = None,
    ) -> CommandPayload:
        ctx = info.context
        if next_queue is None:
            interview = await _load(ctx, str(id), "confirmInterview")
            department = interview.next_department_for()
            if department is not None:
                today = ctx.command_context().today.isoformat()
                queues = await ctx.read(lambda s: board_model.list_queues(s, today, department))
                next_queue = queues[0].code if queues else None
        return await ctx.execute(ctx.container.interviews.confirm, str(id), next_queue=next_queue)

    @strawberry.mutation(description="聞き取りを取り消す / cancel an interview")
    async def cancel_interview(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str = "",
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.interviews.cancel, str(id), reason)
