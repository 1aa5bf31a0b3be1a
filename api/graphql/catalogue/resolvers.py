"""GraphQL for the catalogue: departments (課) and procedures (手続き)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graphql.shared.context import ApiContext
from api.graphql.shared.types import (
    AssuranceEnum,
    ChannelEnum,
    CommandPayload,
    Department,
    FormFieldInput,
    Procedure,
)
from application.shared.access import authorize
from projections.catalogue import procedure_catalogue as catalogue_model

CATALOGUE = (catalogue_model.ProcedureCatalogue.name,)


@strawberry.input
class DefineProcedureInput:
    code: str
    name_ja: str
    name_en: str
    department: str
    channels: list[ChannelEnum]  # type: ignore[valid-type]
    assurance: AssuranceEnum  # type: ignore[valid-type]
    fee_yen: int
    processing_days: int
    fields: list[FormFieldInput]
    requirements_ja: str = ""
    requirements_en: str = ""
    contact: str = ""
    retention_years: int = 5
    fee_quantity_field: str | None = strawberry.field(
        default=None, description="手数料の数量となる整数の項目（例: items）/ the whole-number answer the fee is "
        "multiplied by; unset: copies when answered")


@strawberry.type
class CatalogueQuery:
    @strawberry.field(description="手続き一覧 / the procedure catalogue")
    async def procedures(
        self, info: Info[ApiContext, None], department: str | None = None,
        online_only: bool = False, at_least_position: int | None = None,
    ) -> list[Procedure]:
        ctx = info.context
        authorize(ctx.actor, "procedures")
        await ctx.wait_for(at_least_position, CATALOGUE)
        views = await ctx.read(
            lambda s: catalogue_model.list_procedures(s, department=department, online_only=online_only)
        )
        return [Procedure.of(v) for v in views]

    @strawberry.field(description="手続きの詳細 / one procedure, with its form and requirements")
    async def procedure(
        self, info: Info[ApiContext, None], code: str, at_least_position: int | None = None
    ) -> Procedure | None:
        ctx = info.context
        authorize(ctx.actor, "procedure")
        await ctx.wait_for(at_least_position, CATALOGUE)
        view = await ctx.read(lambda s: catalogue_model.get_procedure(s, code))
        return Procedure.of(view) if view else None

    @strawberry.field(description="課の一覧 / departments")
    async def departments(
        self, info: Info[ApiContext, None], at_least_position: int | None = None
    ) -> list[Department]:
        ctx = info.context
        authorize(ctx.actor, "departments")
        await ctx.wait_for(at_least_position, CATALOGUE)
        return [Department.of(v) for v in await ctx.read(catalogue_model.list_departments)]


@strawberry.type
class CatalogueMutation:
    @strawberry.mutation(description="課を登録する / establish a department (admin)")
    async def establish_department(
        self, info: Info[ApiContext, None], code: str, name_ja: str, name_en: str
    ) -> CommandPayload:
        catalogue = info.context.container.catalogue
        return await info.context.execute(catalogue.establish_department, code=code,
                              name_ja=name_ja, name_en=name_en)

    @strawberry.mutation(description="手続きを定義する / define a procedure")
    async def define_procedure(
        self, info: Info[ApiContext, None], input: DefineProcedureInput
    ) -> CommandPayload:
        catalogue = info.context.container.catalogue
        return await info.context.execute(
            catalogue.define_procedure,
            code=input.code, name_ja=input.name_ja, name_en=input.name_en,
            department=input.department, channels=[c.value for c in input.channels],
            assurance=input.assurance.value, fee_yen=input.fee_yen,
            processing_days=input.processing_days, fields=[f.to_dict() for f in input.fields],
            requirements_ja=input.requirements_ja, requirements_en=input.requirements_en,
            contact=input.contact, retention_years=input.retention_years,
            fee_quantity_field=input.fee_quantity_field,
        )

    @strawberry.mutation(description="様式を改定する / publish a new form version")
    async def revise_form(
        self, info: Info[ApiContext, None], code: str, fields: list[FormFieldInput]
    ) -> CommandPayload:
        catalogue = info.context.container.catalogue
        return await info.context.execute(catalogue.revise_form, code, [f.to_dict() for f in fields])

    @strawberry.mutation(description="オンライン公開 / publish online")
    async def publish_procedure_online(self, info: Info[ApiContext, None], code: str) -> CommandPayload:
        return await info.context.execute(info.context.container.catalogue.publish_online, code)

    @strawberry.mutation(description="オンライン公開の停止 / withdraw from online")
    async def withdraw_procedure_online(
        self, info: Info[ApiContext, None], code: str, reason: str = ""
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.catalogue.withdraw_online, code, reason)

    @strawberry.mutation(description="手続きの廃止 / retire a procedure")
    async def retire_procedure(
        self, info: Info[ApiContext, None], code: str, reason: str = ""
    ) -> CommandPayload:
        return await info.context.execute(info.context.container.catalogue.retire, code, reason)
