"""Specification of issued documents (交付文書) on an application: issued with the
completion, described without an individual number, downloads recorded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.applications.application import Application, ApplicationCompleted, DocumentDownloaded
from domain.applications.issued_documents import document_record, upload_errors
from domain.shared.context import CommandContext
from domain.shared.errors import InvalidTransition, NotFound, ValidationFailed
from tests.builders import answers, citizen, defined_procedure, staff

AT = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)


def ctx(actor: Any = None) -> CommandContext:
    return CommandContext(actor or staff(), AT, correlation_id=uuid.uuid4().hex)


def approved() -> Application:
    application = Application.submit(
        ctx(), id=uuid.uuid4(), procedure=defined_procedure(AT), form_version=None, channel="online",
        applicant_subject="citizen-1", applicant_name="山田 太郎", contact_email=None, answers=answers())
    application.receive(ctx())
    application.approve(ctx())
    return application


def record(application: Application, n: int = 1) -> dict[str, Any]:
    return document_record(id=f"{n:064x}", subject=application.data_subject, owner="citizen:citizen-1",
                           name="住民票の写し.pdf", sha256="ab" * 32, title_ja="住民票の写し",
                           title_en="Certificate of residence", media_type="application/pdf", size=10)


def test_completing_issues_the_documents_with_their_file_name_as_personal_data():
    application = approved()
    document = record(application)
    application.complete(ctx(), [document])
    [event] = [e for e in application.collect_events() if isinstance(e, ApplicationCompleted)]
    assert event.documents == (document,)
    assert document["file"].subject == application.data_subject  # sealed with the application's key
    assert "住民票の写し.pdf" not in repr(document["file"])
    assert application.issued_document(document["id"]) is document


def test_a_completion_without_documents_issues_none():
    application = approved()
    application.complete(ctx())
    assert application.documents == ()


def test_an_event_stored_before_documents_existed_reads_as_issuing_none():
    old = object.__new__(ApplicationCompleted)  # as the event store decodes a stored state
    object.__setattr__(old, "__dict__", {"originator_id": uuid.uuid4(), "originator_version": 4})
    assert old.documents == ()


def test_each_document_is_issued_once():
    application = approved()
    with pytest.raises(ValidationFailed) as failed:
        application.complete(ctx(), [record(application), record(application)])
    assert [(e.path, e.rule) for e in failed.value.errors] == [("documents", "unique")]


def test_documents_are_issued_only_by_completing_an_approved_application():
    application = approved()
    application.complete(ctx(), [record(application)])
    with pytest.raises(InvalidTransition):  # completed once: nothing more to issue
        application.complete(ctx(), [record(application, 2)])


def test_a_download_of_an_issued_document_is_recorded_with_who_and_when():
    application = approved()
    document = record(application)
    application.complete(ctx(), [document])
    application.collect_events()
    application.record_download(ctx(citizen("citizen-1")), document["id"])
    [event] = application.collect_events()
    assert isinstance(event, DocumentDownloaded) and event.document_id == document["id"]
    assert event.meta.actor_subject == "citizen-1" and event.timestamp == AT
    with pytest.raises(NotFound):
        application.record_download(ctx(), record(application, 2)["id"])


def test_a_document_is_described_without_an_individual_number():
    fine = {"name": "住民票の写し.pdf", "title_ja": "住民票の写し", "title_en": "Certificate",
            "media_type": "application/pdf", "size": 10}
    assert upload_errors(**fine) == []
    assert [e.rule for e in upload_errors(**{**fine, "name": "123456789018.pdf"})] == ["individual_number"]
    assert [e.path for e in upload_errors(**{**fine, "title_ja": " "})] == ["title"]
    assert [e.rule for e in upload_errors(**{**fine, "media_type": "text/html"})] == ["media_type"]
    assert [e.rule for e in upload_errors(**{**fine, "name": "../etc/passwd"})] == ["required"]
