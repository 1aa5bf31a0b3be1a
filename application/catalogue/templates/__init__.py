"""Procedure templates (ひな形): full procedure definitions minus code, names and
department, from which a department defines its own procedure
(``TemplateService.define_from_template``).

Pure data: each template is a :class:`ProcedureTemplate`; the definitions are
checked like any procedure when one is defined (and by the tests, for all of
them, on import of the catalogue).
"""

from __future__ import annotations

from application.catalogue.templates.catalogue import TEMPLATES, ProcedureTemplate, template

__all__ = ["TEMPLATES", "ProcedureTemplate", "template"]
