"""GraphQL types of the catalogue: departments, procedures and their forms."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.shared.types import AssuranceEnum, ChannelEnum, Label
from domain.shared.vocabulary import ASSURANCE_LABELS, CHANNEL_LABELS
from projections.catalogue.procedure_catalogue import DepartmentView, ProcedureView


@strawberry.type
class Department:
    code: str
    name_ja: str
    name_en: str
    procedure_count: int
    online_count: int

    @classmethod
    def of(cls, v: DepartmentView) -> Department:
        return cls(code=v.code, name_ja=v.name_ja, name_en=v.name_en,
                   procedure_count=v.procedure_count, online_count=v.online_count)


@strawberry.type
class FormField:
    key: str
    label_ja: str
    label_en: str
    type: str
    required: bool
    personal: bool
    constraints: JSON
    show_if: JSON | None = strawberry.field(
        default=None, description="表示条件 / shown only when another answer has this value")


@strawberry.type
class Form:
    version: int
    fields: list[FormField]


@strawberry.type
class Procedure:
    code: str
    name_ja: str
    name_en: str
    department: str
    department_name_ja: str
    department_name_en: str
    channels: list[ChannelEnum]  # type: ignore[valid-type]
    channel_labels: list[Label]
    assurance: AssuranceEnum  # type: ignore[valid-type]
    assurance_label: Label
    fee_yen: int
    processing_days: int = strawberry.field(description="標準処理期間（日）")
    requirements_ja: str = strawberry.field(description="必要なもの")
    requirements_en: str
    contact: str
    retention_years: int
    template_code: str | None
    online: bool
    retired: bool
    form: Form
    updated_at: str

    @classmethod
    def of(cls, v: ProcedureView) -> Procedure:
        form = Form(
            version=v.form["version"],
            fields=[
                FormField(
                    key=f["key"], label_ja=f["label_ja"], label_en=f["label_en"], type=f["type"],
                    required=bool(f.get("required")), personal=bool(f.get("personal")),
                    constraints=f.get("constraints", {}), show_if=f.get("show_if"),
                )
                for f in v.form["fields"]
            ],
        )
        return cls(
            code=v.code, name_ja=v.name_ja, name_en=v.name_en, department=v.department,
            department_name_ja=v.department_name_ja, department_name_en=v.department_name_en,
            channels=[ChannelEnum(c) for c in v.channels],
            channel_labels=[Label(ja=CHANNEL_LABELS[c][0], en=CHANNEL_LABELS[c][1]) for c in v.channels],
            assurance=AssuranceEnum(v.assurance),
            assurance_label=Label(ja=ASSURANCE_LABELS[v.assurance][0], en=ASSURANCE_LABELS[v.assurance][1]),
            fee_yen=v.fee_yen, processing_days=v.processing_days,
            requirements_ja=v.requirements_ja, requirements_en=v.requirements_en,
            contact=v.contact, retention_years=v.retention_years, template_code=v.template_code,
            online=v.online, retired=v.retired, form=form, updated_at=v.updated_at,
        )


@strawberry.input
class FormFieldInput:
    key: str
    label_ja: str
    label_en: str
    type: str
    required: bool = False
    personal: bool = False
    constraints: JSON | None = None
    show_if: JSON | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "key": self.key, "label_ja": self.label_ja, "label_en": self.label_en,
            "type": self.type, "required": self.required, "personal": self.personal,
            "constraints": self.constraints or {},
        }
        if self.show_if is not None:
            d["show_if"] = self.show_if
        return d
