"""GraphQL mutations. Each returns the affected id and the position of its last event."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.graphql.context import ApiContext
from api.graphql.types import AssuranceEnum, ChannelEnum, CommandPayload, FormFieldInput
from application.results import CommandResult


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


@strawberry.input
class SubmitApplicationInput:
    procedure_code: str
    channel: ChannelEnum  # type: ignore[valid-type]
    applicant_name: str
    answers: JSON
    form_version: int | None = None
    contact_email: str | None = None


def _payload(result: CommandResult) -> CommandPayload:
    return CommandPayload(id=result.id, position=result.position)


async def _command(info: Info[ApiContext, None], fn: Any, *args: Any, **kwargs: Any) -> CommandPayload:
    ctx = info.context
    command_context = ctx.command_context()
    return _payload(await ctx.run(fn, command_context, *args, **kwargs))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="課を登録する / establish a department (admin)")
    async def establish_department(
        self, info: Info[ApiContext, None], code: str, name_ja: str, name_en: str
    ) -> CommandPayload:
        catalogue = info.context.container.catalogue
        return await _command(info, catalogue.establish_department, code=code,
                              name_ja=name_ja, name_en=name_en)

    @strawberry.mutation(description="手続きを定義する / define a procedure")
    async def define_procedure(
        self, info: Info[ApiContext, None], input: DefineProcedureInput
    ) -> CommandPayload:
        catalogue = info.context.container.catalogue
        return await _command(
            info, catalogue.define_procedure,
            code=input.code, name_ja=input.name_ja, name_en=input.name_en,
            department=input.department, channels=[c.value for c in input.channels],
            assurance=input.assurance.value, fee_yen=input.fee_yen,
            processing_days=input.processing_days, fields=[f.to_dict() for f in input.fields],
            requirements_ja=input.requirements_ja, requirements_en=input.requirements_en,
            contact=input.contact, retention_years=input.retention_years,
        )

    @strawberry.mutation(description="様式を改定する / publish a new form version")
    async def revise_form(
        self, info: Info[ApiContext, None], code: str, fields: list[FormFieldInput]
    ) -> CommandPayload:
        catalogue = info.context.container.catalogue
        return await _command(info, catalogue.revise_form, code, [f.to_dict() for f in fields])

    @strawberry.mutation(description="オンライン公開 / publish online")
    async def publish_procedure_online(self, info: Info[ApiContext, None], code: str) -> CommandPayload:
        return await _command(info, info.context.container.catalogue.publish_online, code)

    @strawberry.mutation(description="オンライン公開の停止 / withdraw from online")
    async def withdraw_procedure_online(
        self, info: Info[ApiContext, None], code: str, reason: str = ""
    ) -> CommandPayload:
        return await _command(info, info.context.container.catalogue.withdraw_online, code, reason)

    @strawberry.mutation(description="手続きの廃止 / retire a procedure")
    async def retire_procedure(
        self, info: Info[ApiContext, None], code: str, reason: str = ""
    ) -> CommandPayload:
        return await _command(info, info.context.container.catalogue.retire, code, reason)

    @strawberry.mutation(description="申請する / submit an application")
    async def submit_application(
        self, info: Info[ApiContext, None], input: SubmitApplicationInput
    ) -> CommandPayload:
        applications = info.context.container.applications
        return await _command(
            info, applications.submit,
            procedure_code=input.procedure_code, channel=input.channel.value,
            applicant_name=input.applicant_name, answers=input.answers,
            form_version=input.form_version, contact_email=input.contact_email,
        )

    @strawberry.mutation(description="受付 / receive")
    async def receive_application(self, info: Info[ApiContext, None], id: strawberry.ID) -> CommandPayload:
        return await _command(info, info.context.container.applications.receive, str(id))

    @strawberry.mutation(description="差し戻し / return for correction")
    async def return_application(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str
    ) -> CommandPayload:
        return await _command(
            info, info.context.container.applications.return_for_correction, str(id), reason
        )

    @strawberry.mutation(description="再提出 / resubmit corrected answers")
    async def resubmit_application(
        self, info: Info[ApiContext, None], id: strawberry.ID, answers: JSON
    ) -> CommandPayload:
        return await _command(info, info.context.container.applications.resubmit, str(id), answers)

    @strawberry.mutation(description="承認 / approve")
    async def approve_application(self, info: Info[ApiContext, None], id: strawberry.ID) -> CommandPayload:
        return await _command(info, info.context.container.applications.approve, str(id))

    @strawberry.mutation(description="却下 / reject")
    async def reject_application(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str
    ) -> CommandPayload:
        return await _command(info, info.context.container.applications.reject, str(id), reason)

    @strawberry.mutation(description="交付・完了 / complete")
    async def complete_application(self, info: Info[ApiContext, None], id: strawberry.ID) -> CommandPayload:
        return await _command(info, info.context.container.applications.complete, str(id))

    @strawberry.mutation(description="取下げ / withdraw")
    async def withdraw_application(
        self, info: Info[ApiContext, None], id: strawberry.ID, reason: str = ""
    ) -> CommandPayload:
        return await _command(info, info.context.container.applications.withdraw, str(id), reason)
