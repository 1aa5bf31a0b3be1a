"""Procedure (手続き): what a citizen can apply for, where, with which form."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID, uuid5

from domain.catalogue.departments import department_code_errors, name_errors
from domain.catalogue.forms import FormSchema
from domain.privacy.individual_number import (
    contains_individual_number,
    individual_number_error,
    individual_number_errors,
)
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, InvalidTransition, ValidationFailed
from domain.shared.events import Created, Event, RecordedAggregate
from domain.shared.vocabulary import ASSURANCE_LEVELS, CHANNELS, RETENTION_YEARS

PROCEDURE_CODE = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
MAX_FEE_YEN = 1_000_000
MAX_PROCESSING_DAYS = 365
_NAMESPACE = UUID("0b8f3c1e-6a0d-4c55-8d0e-5f6f8f4f2a21")


def procedure_id(code: str) -> UUID:
    """Deterministic id: defining a code twice collides in the event store,
    even when two requests race."""
    return uuid5(_NAMESPACE, f"procedure:{code}")


def _quantity_field_errors(form: FormSchema, key: str) -> list[FieldError]:
    """The fee's quantity must be a whole-number answer of the form."""
    field = next((f for f in form.fields if f.key == key), None)
    if field is not None and field.type == "number" and field.constraints.get("integer", True):
        return []
    return [FieldError("feeQuantityField", "number_field",
                       f"{key!r} is not a whole-number field of the form",
                       f"「{key}」は様式の整数の項目ではありません")]


def _int_in_range(value: object, path: str, low: int, high: int) -> list[FieldError]:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return []
    return [
        FieldError(
            path,
            "range",
            f"must be a whole number from {low} to {high}",
            f"{low}〜{high}の整数で入力してください",
            {"min": low, "max": high},
        )
    ]


def _text_errors(value: object, path: str, max_length: int) -> list[FieldError]:
    if isinstance(value, str) and len(value) <= max_length:
        return []
    return [
        FieldError(
            path,
            "max_length",
            f"must be text of at most {max_length} characters",
            f"{max_length}文字以内で入力してください",
            {"max_length": max_length},
        )
    ]


def _choice_errors(value: object, path: str, allowed: tuple[str, ...]) -> list[FieldError]:
    if value in allowed:
        return []
    return [
        FieldError(
            path,
            "choice",
            f"must be one of {', '.join(allowed)}",
            f"{'、'.join(allowed)} のいずれかを指定してください",
            {"allowed": list(allowed)},
        )
    ]


def definition_errors(
    *,
    code: object,
    name_ja: object,
    name_en: object,
    department: object,
    channels: object,
    assurance: object,
    fee_yen: object,
    processing_days: object,
    requirements_ja: object,
    requirements_en: object,
    contact: object,
    retention_years: object,
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not (isinstance(code, str) and PROCEDURE_CODE.match(code)):
        errors.append(
            FieldError(
                "code",
                "pattern",
                "procedure code must be 2-64 lowercase letters, digits or hyphens",
                "手続きコードは英小文字・数字・ハイフンの2〜64文字で入力してください",
            )
        )
    errors += name_errors(name_ja, "nameJa")
    errors += name_errors(name_en, "nameEn")
    errors += department_code_errors(department, "department")
    if not isinstance(channels, (list, tuple)) or not channels:
        errors.append(
            FieldError("channels", "required", "at least one channel is required",
                       "受付方法を1つ以上指定してください")
        )
    else:
        for i, channel in enumerate(channels):
            errors += _choice_errors(channel, f"channels[{i}]", CHANNELS)
        if any(channels.count(c) > 1 for c in channels):
            errors.append(
                FieldError("channels", "duplicate_choice", "channels must not repeat",
                           "受付方法が重複しています")
            )
    errors += _choice_errors(assurance, "assurance", ASSURANCE_LEVELS)
    errors += _int_in_range(fee_yen, "feeYen", 0, MAX_FEE_YEN)
    errors += _int_in_range(processing_days, "processingDays", 0, MAX_PROCESSING_DAYS)
    errors += _text_errors(requirements_ja, "requirementsJa", 4000)
    errors += _text_errors(requirements_en, "requirementsEn", 4000)
    errors += _text_errors(contact, "contact", 200)
    if retention_years not in RETENTION_YEARS:
        errors.append(
            FieldError(
                "retentionYears",
                "choice",
                "retention must be 1, 3, 5, 10 or 30 years",
                "保存年限は1・3・5・10・30年のいずれかです",
                {"allowed": list(RETENTION_YEARS)},
            )
        )
    for path, text in (("code", code), ("nameJa", name_ja), ("nameEn", name_en),
                       ("requirementsJa", requirements_ja), ("requirementsEn", requirements_en),
                       ("contact", contact)):
        errors += individual_number_errors(text, path)  # no 個人番号 in an event
    return errors


def _reason_check(reason: object) -> None:
    if isinstance(reason, str) and contains_individual_number(reason):
        raise ValidationFailed([individual_number_error("reason", "the reason", "理由")])


class ProcedureDefined(Created):
    code: str
    name_ja: str
    name_en: str
    department: str
    channels: list[str]
    assurance: str
    fee_yen: int
    processing_days: int
    requirements_ja: str
    requirements_en: str
    contact: str
    retention_years: int
    template_code: str | None
    form: dict[str, Any]
    # the number answer the fee is multiplied by (e.g. "items" for 1点につき…);
    # None (and every event stored before it existed): "copies" when answered
    fee_quantity_field: str | None = None

    def apply(self, aggregate: Procedure) -> None:
        aggregate.code = self.code
        aggregate.name_ja = self.name_ja
        aggregate.name_en = self.name_en
        aggregate.department = self.department
        aggregate.channels = tuple(self.channels)
        aggregate.assurance = self.assurance
        aggregate.fee_yen = self.fee_yen
        aggregate.processing_days = self.processing_days
        aggregate.requirements_ja = self.requirements_ja
        aggregate.requirements_en = self.requirements_en
        aggregate.contact = self.contact
        aggregate.retention_years = self.retention_years
        aggregate.template_code = self.template_code
        aggregate.fee_quantity_field = self.fee_quantity_field
        aggregate.forms = {}
        aggregate.add_form(FormSchema.from_dict(self.form))
        aggregate.online = False
        aggregate.retired = False


class FormRevised(Event):
    form: dict[str, Any]

    def apply(self, aggregate: Procedure) -> None:
        aggregate.add_form(FormSchema.from_dict(self.form))


class ProcedurePublishedOnline(Event):
    def apply(self, aggregate: Procedure) -> None:
        aggregate.online = True


class ProcedureWithdrawnOnline(Event):
    reason: str

    def apply(self, aggregate: Procedure) -> None:
        aggregate.online = False


class ProcedureRetired(Event):
    reason: str

    def apply(self, aggregate: Procedure) -> None:
        aggregate.online = False
        aggregate.retired = True


class Procedure(RecordedAggregate):
    code: str
    name_ja: str
    name_en: str
    department: str
    channels: tuple[str, ...]
    assurance: str
    fee_yen: int
    processing_days: int
    requirements_ja: str
    requirements_en: str
    contact: str
    retention_years: int
    template_code: str | None
    fee_quantity_field: str | None
    forms: dict[int, FormSchema]
    online: bool
    retired: bool

    def __init__(self) -> None:
        """State comes from the events' ``apply`` methods."""

    @classmethod
    def define(
        cls,
        ctx: CommandContext,
        *,
        code: str,
        name_ja: str,
        name_en: str,
        department: str,
        channels: list[str],
        assurance: str,
        fee_yen: int,
        processing_days: int,
        fields: list[dict[str, Any]],
        requirements_ja: str = "",
        requirements_en: str = "",
        contact: str = "",
        retention_years: int = 5,
        template_code: str | None = None,
        fee_quantity_field: str | None = None,
    ) -> Procedure:
        errors = definition_errors(
            code=code, name_ja=name_ja, name_en=name_en, department=department,
            channels=channels, assurance=assurance, fee_yen=fee_yen,
            processing_days=processing_days, requirements_ja=requirements_ja,
            requirements_en=requirements_en, contact=contact, retention_years=retention_years,
        )
        form: FormSchema | None = None
        try:
            form = FormSchema.from_fields(fields, version=1)
        except ValidationFailed as invalid:
            errors += invalid.errors
        if form is not None and fee_quantity_field is not None:
            errors += _quantity_field_errors(form, fee_quantity_field)
        if errors or form is None:
            raise ValidationFailed(errors)
        return cls.start(
            ctx,
            ProcedureDefined,
            id=procedure_id(code),
            code=code,
            name_ja=name_ja.strip(),
            name_en=name_en.strip(),
            department=department,
            channels=list(channels),
            assurance=assurance,
            fee_yen=fee_yen,
            processing_days=processing_days,
            requirements_ja=requirements_ja,
            requirements_en=requirements_en,
            contact=contact,
            retention_years=retention_years,
            template_code=template_code,
            form=form.to_dict(),
            fee_quantity_field=fee_quantity_field,
        )

    # -- queries -----------------------------------------------------------
    def add_form(self, form: FormSchema) -> None:
        self.forms[form.version] = form

    @property
    def current_form(self) -> FormSchema:
        return self.forms[max(self.forms)]

    def form_version(self, version: int | None) -> FormSchema:
        if version is None:
            return self.current_form
        form = self.forms.get(version)
        if form is None:
            raise ValidationFailed.single(
                "formVersion",
                "unknown_version",
                f"form version {version} does not exist for {self.code}",
                f"様式の版 {version} は存在しません",
            )
        return form

    def accepts(self, channel: str) -> bool:
        if self.retired or channel not in self.channels:
            return False
        return channel != "online" or self.online

    # -- commands ----------------------------------------------------------
    def _require_active(self, action_ja: str) -> None:
        if self.retired:
            raise InvalidTransition(
                f"procedure {self.code} is retired", message_ja=f"廃止された手続きは{action_ja}できません"
            )

    def revise_form(self, ctx: CommandContext, fields: list[dict[str, Any]]) -> None:
        self._require_active("様式改定")
        form = self.current_form.revised(fields)
        self.record(ctx, FormRevised, form=form.to_dict())

    def publish_online(self, ctx: CommandContext) -> None:
        self._require_active("公開")
        if "online" not in self.channels:
            raise InvalidTransition(
                f"procedure {self.code} has no online channel",
                message_ja="オンライン受付のない手続きは公開できません",
            )
        if self.online:
            raise InvalidTransition(
                f"procedure {self.code} is already online", message_ja="既にオンライン公開中です"
            )
        self.record(ctx, ProcedurePublishedOnline)

    def withdraw_online(self, ctx: CommandContext, reason: str = "") -> None:
        if not self.online:
            raise InvalidTransition(
                f"procedure {self.code} is not online", message_ja="オンライン公開されていません"
            )
        _reason_check(reason)
        self.record(ctx, ProcedureWithdrawnOnline, reason=reason)

    def retire(self, ctx: CommandContext, reason: str = "") -> None:
        self._require_active("廃止")
        _reason_check(reason)
        self.record(ctx, ProcedureRetired, reason=reason)
