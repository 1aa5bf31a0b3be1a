"""The no-writing counter (書かない窓口): one staff interview with a visitor.

Staff open an :class:`Interview` for a visit being served, identify the citizen
(from the My Number card's 券面事項入力補助 items read by the card reader, or
from the resident record), choose the life event (手続きナビ lists the related
procedures), and complete each form pre-filled from the citizen's items. On
confirmation the applications are submitted with channel ``counter``.

Personal values (the citizen's items, the household, form answers of personal
fields) are :class:`PersonalData` of the subject ``interview:<id>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.applications.application import PREFILL_KEYS
from domain.catalogue.forms import FormSchema
from domain.counter.life_events import Guidance, HouseholdMember, LifeEvent
from domain.privacy.individual_number import individual_number_errors
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, InvalidTransition, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate
from domain.shared.personal import PersonalData, reveal

SOURCES = ("card", "resident_record")
# (ja, en) labels of the interview's statuses and identification sources
LABELS: dict[str, tuple[str, str]] = {
    "open": ("聞き取り中", "Open"), "confirmed": ("申請済み", "Confirmed"), "cancelled": ("取消", "Cancelled"),
    "card": ("マイナンバーカード", "My Number card"), "resident_record": ("住民記録", "Resident record"),
}
# the citizen's items a form field can be pre-filled from
ITEMS = ("name", "name_kana", "address", "birth_date", "sex", "household_size")
# field key -> item, for every form; a procedure's mapping (catalogue data) adds or overrides
DEFAULT_PREFILL: dict[str, str] = {
    key: item for item, keys in {**PREFILL_KEYS, "name_kana": ("nameKana",)}.items() for key in keys
}
SEXES = {"1": "男", "2": "女", "9": "不明", "男": "男", "女": "女", "不明": "不明"}
CARD_ITEMS = {"name": 60, "address": 200}  # required text items and their maximum length


def interview_subject(interview_id: UUID | str) -> str:
    return f"interview:{interview_id}"


def parse_card(card: Any) -> dict[str, str]:
    """The card reader's JSON (``{name, address, birthDate, sex, nameKana?}``; the birth
    date as ``YYYY-MM-DD`` or ``YYYYMMDD``, sex as 1/2/9 or 男/女/不明) as items."""
    if not isinstance(card, Mapping):
        raise ValidationFailed.single("card", "type", "the card data must be an object",
                                      "カード情報の形式が正しくありません")
    items: dict[str, str] = {}
    errors: list[FieldError] = []
    for key, limit in CARD_ITEMS.items():
        value = card.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.append(FieldError(f"card.{key}", "required", f"{key} is required",
                                     "カードの読取項目が不足しています"))
        elif len(value) > limit:
            errors.append(FieldError(f"card.{key}", "max_length", f"at most {limit} characters",
                                     f"{limit}文字以内である必要があります", {"max_length": limit}))
        else:
            errors += individual_number_errors(value, f"card.{key}")
            items[key] = value.strip()
    kana = card.get("nameKana")
    if isinstance(kana, str) and kana.strip() and len(kana) <= 80:
        items["name_kana"] = kana.strip()
    raw_birth = str(card.get("birthDate") or "").replace("-", "")
    try:
        items["birth_date"] = date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:8])).isoformat()
        if len(raw_birth) != 8:
            raise ValueError(raw_birth)
    except ValueError:
        errors.append(FieldError("card.birthDate", "date_format", "not a date (YYYY-MM-DD or YYYYMMDD)",
                                 "生年月日の形式が正しくありません"))
    sex = SEXES.get(str(card.get("sex", "")))
    if sex is None:
        errors.append(FieldError("card.sex", "one_of", "1, 2, 9, 男, 女 or 不明", "性別の形式が正しくありません",
                                 {"allowed": list(SEXES)}))
    else:
        items["sex"] = sex
    if errors:
        raise ValidationFailed(errors)
    return items


def prefill(form: FormSchema, items: Mapping[str, Any], mapping: Mapping[str, str | None]) -> dict[str, Any]:
    """Answers for ``form`` taken from the citizen's ``items`` through the default
    mapping overridden by the procedure's ``mapping`` (``None``: not pre-filled)."""
    sources = {**DEFAULT_PREFILL, **mapping}
    answers: dict[str, Any] = {}
    for field in form.fields:
        item = sources.get(field.key)
        if item is not None and items.get(item) not in (None, ""):
            answers[field.key] = items[item]
    return answers


def printed_value(form: FormSchema, key: str, value: Any) -> str:
    """An answer as printed on the check-and-sign sheet: a choice by its Japanese
    label, yes/no as はい/いいえ, lists joined with 、."""
    field = form.field(key)
    labels = {o.value: o.label_ja for o in field.options} if field is not None else {}
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, list):
        return "、".join(printed_value(form, key, v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {printed_value(form, k, v)}" for k, v in value.items())
    return labels.get(value, "" if value is None else str(value)) if isinstance(value, str) else str(value)


# -- events -------------------------------------------------------------------------
class InterviewOpened(Created):
    visit_id: str
    department: str
    staff: str

    def apply(self, aggregate: Interview) -> None:
        aggregate.visit_id = self.visit_id
        aggregate.department = self.department
        aggregate.staff = self.staff
        aggregate.status = "open"
        aggregate.source = None
        aggregate.citizen = {}
        aggregate.resident_id = None
        aggregate.household = None
        aggregate.life_event = None
        aggregate.guidance = []
        aggregate.prefilled = {}
        aggregate.completed = {}
        aggregate.applications = {}
        aggregate.next_department = None


class CitizenIdentified(Event):
    source: str  # card | resident_record
    citizen: dict[str, PersonalData]  # name, address, birth_date, sex (name_kana when known)
    resident_id: str | None  # 宛名番号, when matched in the resident record
    household: PersonalData  # [HouseholdMember.to_dict(), …], the citizen included

    def apply(self, aggregate: Interview) -> None:
        aggregate.source = self.source
        aggregate.citizen = dict(self.citizen)
        aggregate.resident_id = self.resident_id
        aggregate.household = self.household


class LifeEventChosen(Event):
    event: str
    guidance: list[dict[str, str]]  # procedure, department, condition, reason_ja, reason_en

    def apply(self, aggregate: Interview) -> None:
        aggregate.life_event = self.event
        aggregate.guidance = list(self.guidance)
        codes = {g["procedure"] for g in self.guidance}
        aggregate.prefilled = {k: v for k, v in aggregate.prefilled.items() if k in codes}
        aggregate.completed = {k: v for k, v in aggregate.completed.items() if k in codes}


class FormPrefilled(Event):
    procedure: str
    answers: dict[str, Any]  # personal fields as PersonalData

    def apply(self, aggregate: Interview) -> None:
        aggregate.prefilled[self.procedure] = dict(self.answers)


class FormCompleted(Event):
    procedure: str
    form_version: int
    answers: dict[str, Any]  # canonical; personal fields as PersonalData

    def apply(self, aggregate: Interview) -> None:
        aggregate.completed[self.procedure] = {"form_version": self.form_version, "answers": dict(self.answers)}


class InterviewConfirmed(Event):
    applications: dict[str, str]  # procedure code -> application id (channel counter)
    next_department: str | None  # the visit is transferred there

    def apply(self, aggregate: Interview) -> None:
        aggregate.status = "confirmed"
        aggregate.applications = dict(self.applications)
        aggregate.next_department = self.next_department


class InterviewCancelled(Event):
    reason: str

    def apply(self, aggregate: Interview) -> None:
        aggregate.status = "cancelled"


# -- the aggregate ------------------------------------------------------------------
class Interview(RecordedAggregate):
    visit_id: str
    department: str
    staff: str
    status: str
    source: str | None
    citizen: dict[str, PersonalData]
    resident_id: str | None
    household: PersonalData | None
    life_event: str | None
    guidance: list[dict[str, str]]
    prefilled: dict[str, dict[str, Any]]
    completed: dict[str, dict[str, Any]]
    applications: dict[str, str]
    next_department: str | None

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def open(cls, ctx: CommandContext, *, id: UUID, visit_id: str, department: str) -> Interview:
        return cls.start(ctx, InterviewOpened, id=id, visit_id=visit_id, department=department,
                         staff=ctx.actor.subject)

    @property
    def subject(self) -> str:
        return interview_subject(self.id)

    def _require_open(self) -> None:
        if self.status != "open":
            raise InvalidTransition(f"the interview is {self.status}", message_ja="この聞き取りは終了しています")

    def items(self) -> dict[str, Any]:
        """The citizen's items (revealed) for pre-filling, with the household's size."""
        items = {k: reveal(v) for k, v in self.citizen.items()}
        items["household_size"] = len(self.household_members())
        return items

    def household_members(self) -> list[HouseholdMember]:
        if self.household is None or self.household.erased:
            return []
        return [HouseholdMember.from_dict(m) for m in self.household.value]

    def identify(
        self, ctx: CommandContext, *, source: str, items: Mapping[str, str], resident_id: str | None,
        household: Sequence[HouseholdMember],
    ) -> None:
        self._require_open()
        if source not in SOURCES:
            raise ValueError(f"unknown source {source}")
        if self.life_event is not None:
            raise InvalidTransition("the citizen is identified before the life event is chosen",
                                    message_ja="本人確認は手続きの選択より前に行ってください")
        members = list(household) or [HouseholdMember(date.fromisoformat(items["birth_date"]), "本人")]
        self.record(ctx, CitizenIdentified, source=source,
                    citizen={k: PersonalData(self.subject, v) for k, v in items.items() if k in ITEMS},
                    resident_id=resident_id,
                    household=PersonalData(self.subject, [m.to_dict() for m in members]))

    def choose_life_event(
        self, ctx: CommandContext, event: LifeEvent, guidance: Sequence[tuple[Guidance, str]],
        forms: Mapping[str, tuple[FormSchema, Mapping[str, str | None]]],
    ) -> None:
        """Record the event, its guided procedures (with their departments), and each
        procedure's form pre-filled through its ``forms`` mapping."""
        self._require_open()
        if not self.citizen:
            raise InvalidTransition("identify the citizen first", message_ja="先に本人確認を行ってください")
        self.record(ctx, LifeEventChosen, event=event.value, guidance=[
            {"procedure": g.procedure, "department": department, "condition": g.condition.value,
             "reason_ja": g.reason_ja, "reason_en": g.reason_en} for g, department in guidance])
        items = self.items()
        for g, _ in guidance:
            form, mapping = forms[g.procedure]
            answers = prefill(form, items, mapping)
            personal = {f.key for f in form.fields if f.personal}
            self.record(ctx, FormPrefilled, procedure=g.procedure, answers={
                k: PersonalData(self.subject, v) if k in personal else v for k, v in answers.items()})

    def guided(self, procedure: str) -> dict[str, str]:
        found = next((g for g in self.guidance if g["procedure"] == procedure), None)
        if found is None:
            raise ValidationFailed.single("procedure", "guided", f"{procedure} is not among the guided procedures",
                                          "この手続きは案内された手続きに含まれていません")
        return found

    def complete_form(self, ctx: CommandContext, procedure: str, form: FormSchema, answers: Any) -> None:
        """Staff complete the rest: their answers over the pre-filled ones, checked
        by the form's own validation."""
        self._require_open()
        self.guided(procedure)
        if not isinstance(answers, Mapping):
            raise ValidationFailed.single("answers", "type", "the answers must be an object",
                                          "回答の形式が正しくありません")
        merged = {**reveal(self.prefilled.get(procedure, {})), **answers}
        canonical = form.normalise(merged, today=ctx.today, subject=self.subject)
        self.record(ctx, FormCompleted, procedure=procedure, form_version=form.version, answers=canonical)

    def next_department_for(self) -> str | None:
        """The first department, other than this counter's, of a completed form."""
        return next((g["department"] for g in self.guidance
                     if g["procedure"] in self.completed and g["department"] != self.department), None)

    def check_confirmable(self) -> None:
        self._require_open()
        if not self.completed:
            raise InvalidTransition("complete at least one form first",
                                    message_ja="申請書が一件も作成されていません")

    def confirm(self, ctx: CommandContext, applications: Mapping[str, str]) -> None:
        self.check_confirmable()
        self.record(ctx, InterviewConfirmed, applications=dict(applications),
                    next_department=self.next_department_for())

    def printable(self, forms: Mapping[str, tuple[str, FormSchema]]) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """Every completed form as (title, department, [(label, value)]) for the
        check-and-sign sheet; ``forms``: procedure -> (its Japanese name, form)."""
        if not self.completed:
            raise InvalidTransition("complete at least one form first",
                                    message_ja="申請書が一件も作成されていません")
        sheets = []
        for g in self.guidance:
            if g["procedure"] not in self.completed:
                continue
            title, form = forms[g["procedure"]]
            answers = reveal(self.completed[g["procedure"]]["answers"])
            sheets.append((title, g["department"], [
                (f.label_ja, printed_value(form, f.key, answers[f.key])) for f in form.fields if f.key in answers]))
        return sheets

    def cancel(self, ctx: CommandContext, reason: str) -> None:
        self._require_open()
        if not isinstance(reason, str) or len(reason) > 500:
            raise ValidationFailed.single("reason", "max_length", "at most 500 characters",
                                          "理由は500文字以内で入力してください")
        errors = individual_number_errors(reason, "reason")
        if errors:
            raise ValidationFailed(errors)
        self.record(ctx, InterviewCancelled, reason=reason)
