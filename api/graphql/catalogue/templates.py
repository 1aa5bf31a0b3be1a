"""GraphQL for procedure templates (ひな形)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.types import (
    AssuranceEnum,
    ChannelEnum,
    CommandPayload,
    Form,
    FormField,
    FormFieldInput,
    Label,
)
from application.catalogue.template_service import TemplateService
from application.catalogue.templates import ProcedureTemplate as TemplateData
from application.shared.access import authorize
from domain.shared.vocabulary import ASSURANCE_LABELS, CHANNEL_LABELS


@strawberry.type(description="手続きのひな形 / a procedure template")
class ProcedureTemplate:
    code: str
    name_ja: str
    name_en: str
    description_ja: str
    description_en: str
    channels: list[ChannelEnum]  # type: ignore[valid-type]
    channel_labels: list[Label]
    assurance: AssuranceEnum  # type: ignore[valid-type]
    assurance_label: Label
    fee_yen: int
    processing_days: int
    requirements_ja: str
    requirements_en: str
    contact: str
    retention_years: int
    form: Form

    @classmethod
    def of(cls, t: TemplateData) -> ProcedureTemplate:
        d = t.definition
        return cls(
            code=t.code, name_ja=t.name_ja, name_en=t.name_en, description_ja=t.description_ja,
            description_en=t.description_en, channels=[ChannelEnum(c) for c in d["channels"]],
            channel_labels=[Label(ja=CHANNEL_LABELS[c][0], en=CHANNEL_LABELS[c][1]) for c in d["channels"]],
            assurance=AssuranceEnum(d["assurance"]),
            assurance_label=Label(ja=ASSURANCE_LABELS[d["assurance"]][0],
                                  en=ASSURANCE_LABELS[d["assurance"]][1]),
            fee_yen=d["fee_yen"], processing_days=d["processing_days"],
            requirements_ja=d["requirements_ja"], requirements_en=d["requirements_en"],
            contact=d["contact"], retention_years=d["retention_years"],
            form=Form(version=1, fields=[
                FormField(key=f["key"], label_ja=f["label_ja"], label_en=f["label_en"], type=f["type"],
                          required=bool(f.get("required")), personal=bool(f.get("personal")),
                          constraints=f.get("constraints", {}), show_if=f.get("show_if"))
                for f in d["fields"]]),
        )


@strawberry.input(description="ひな形から変える項目 / what to change from the template")
class TemplateOverridesInput:
    channels: list[ChannelEnum] | None = None  # type: ignore[valid-type]
    assurance: AssuranceEnum | None = None  # type: ignore[valid-type]
    fee_yen: int | None = None
    processing_days: int | None = None
    fields: list[FormFieldInput] | None = None
    requirements_ja: str | None = None
    requirements_en: str | None = None
    contact: str | None = None
    retention_years: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "fee_yen": self.fee_yen, "processing_days": self.processing_days,
            "requirements_ja": self.requirements_ja, "requirements_en": self.requirements_en,
            "contact": self.contact, "retention_years": self.retention_years,
            "channels": None if self.channels is None else [c.value for c in self.channels],
            "assurance": None if self.assurance is None else self.assurance.value,
            "fields": None if self.fields is None else [f.to_dict() for f in self.fields],
        }
        return {k: v for k, v in d.items() if v is not None}


@strawberry.type
class TemplateQuery:
    @strawberry.field(description="手続きのひな形の一覧 / procedure templates")
    def procedure_templates(self, info: Info[ApiContext, None]) -> list[ProcedureTemplate]:
        authorize(info.context.actor, "procedureTemplates")
        return [ProcedureTemplate.of(t) for t in TemplateService.templates()]


@strawberry.type
class TemplateMutation:
    @strawberry.mutation(description="ひな形から手続きを定義する / define a procedure from a template")
    async def define_procedure_from_template(
        self, info: Info[ApiContext, None], template_code: str, code: str, name_ja: str,
        name_en: str, department: str, overrides: TemplateOverridesInput | None = None,
    ) -> CommandPayload:
        service = TemplateService(info.context.container.catalogue)
        return await info.context.execute(
            service.define_from_template, template_code=template_code, code=code, name_ja=name_ja,
            name_en=name_en, department=department,
            overrides=overrides.to_dict() if overrides else None,
        )
