"""Defining procedures from templates (ひな形).

``define_from_template`` takes a template's definition, applies the overrides
(any of its keys: channels, assurance, fee_yen, processing_days, fields,
requirements_ja/en, contact, retention_years; ``fields`` replaces the whole
list), and defines the procedure through :class:`CatalogueService`, recording
the template's code in ``ProcedureDefined.template_code``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.catalogue.service import CatalogueService
from application.catalogue.templates import TEMPLATES, ProcedureTemplate, template
from application.shared.access import authorize
from application.shared.results import CommandResult
from domain.shared.context import CommandContext
from domain.shared.errors import FieldError, ValidationFailed

OVERRIDABLE = ("channels", "assurance", "fee_yen", "processing_days", "fields", "requirements_ja",
               "requirements_en", "contact", "retention_years")


class TemplateService:
    def __init__(self, catalogue: CatalogueService) -> None:
        self.catalogue = catalogue

    @staticmethod
    def templates() -> list[ProcedureTemplate]:
        return list(TEMPLATES.values())

    def define_from_template(
        self,
        ctx: CommandContext,
        *,
        template_code: str,
        code: str,
        name_ja: str,
        name_en: str,
        department: str,
        overrides: Mapping[str, Any] | None = None,
    ) -> CommandResult:
        authorize(ctx.actor, "defineProcedureFromTemplate", department=department)
        chosen = template(template_code)
        errors: list[FieldError] = []
        if chosen is None:
            errors.append(FieldError(
                "templateCode", "unknown_template", f"there is no template {template_code!r}",
                "指定されたひな形はありません", {"allowed": list(TEMPLATES)}))
        overrides = dict(overrides or {})
        errors += [
            FieldError(f"overrides.{key}", "unknown_property", f"{key} cannot be overridden",
                       f"「{key}」は上書きできません", {"allowed": list(OVERRIDABLE)})
            for key in overrides if key not in OVERRIDABLE
        ]
        if errors or chosen is None:
            raise ValidationFailed(errors)
        definition = {**chosen.definition_copy(), **overrides}
        return self.catalogue.define_procedure(
            ctx, code=code, name_ja=name_ja, name_en=name_en, department=department,
            template_code=chosen.code, **definition,
        )
