"""Stored event topics across renames: the one place that keeps old names loadable.

An event is stored with its class's topic (``module:Class``) and the created
event of an aggregate also carries the aggregate's topic. When a class moves to
another module, stores written before the move still hold the old topic, so
every old topic is registered here for the class that now answers to it
(eventsourcing's ``register_topic``), and ``stored_topics`` gives every topic
under which a class's events may be stored, for queries that select by topic.
Moving a class again: add its old topic here (never remove one).
"""

from __future__ import annotations

from collections.abc import Iterable

from eventsourcing.utils import get_topic, register_topic, resolve_topic

# old topic -> current topic. Layout 0.1 (before the capability packages).
LEGACY_TOPICS: dict[str, str] = {
    "domain.access_log:PersonalDataAccess": "domain.privacy.access_log:PersonalDataAccess",
    "domain.access_log:PersonalDataViewed": "domain.privacy.access_log:PersonalDataViewed",
    "domain.application_threads:ApplicationMessagePosted": "domain.applications.threads:ApplicationMessagePosted",
    "domain.application_threads:ApplicationThread": "domain.applications.threads:ApplicationThread",
    "domain.application_threads:ApplicationThreadOpened": "domain.applications.threads:ApplicationThreadOpened",
    "domain.applications:Application": "domain.applications.application:Application",
    "domain.applications:ApplicationApproved": "domain.applications.application:ApplicationApproved",
    "domain.applications:ApplicationCompleted": "domain.applications.application:ApplicationCompleted",
    "domain.applications:ApplicationEmailConfirmed": "domain.applications.application:ApplicationEmailConfirmed",
    "domain.applications:ApplicationReceived": "domain.applications.application:ApplicationReceived",
    "domain.applications:ApplicationRejected": "domain.applications.application:ApplicationRejected",
    "domain.applications:ApplicationResubmitted": "domain.applications.application:ApplicationResubmitted",
    "domain.applications:ApplicationReturned": "domain.applications.application:ApplicationReturned",
    "domain.applications:ApplicationSubmitted": "domain.applications.application:ApplicationSubmitted",
    "domain.applications:ApplicationWithdrawn": "domain.applications.application:ApplicationWithdrawn",
    "domain.applications:DocumentDownloaded": "domain.applications.application:DocumentDownloaded",
    "domain.departments:Department": "domain.catalogue.departments:Department",
    "domain.departments:DepartmentEstablished": "domain.catalogue.departments:DepartmentEstablished",
    "domain.events:Created": "domain.shared.events:Created",
    "domain.events:Event": "domain.shared.events:Event",
    "domain.events:RecordedAggregate": "domain.shared.events:RecordedAggregate",
    "domain.idempotency:IdempotencyKeyClaimed": "domain.shared.idempotency:IdempotencyKeyClaimed",
    "domain.idempotency:IdempotencyKeyReclaimed": "domain.shared.idempotency:IdempotencyKeyReclaimed",
    "domain.idempotency:IdempotencyRecord": "domain.shared.idempotency:IdempotencyRecord",
    "domain.idempotency:IdempotentResponseRecorded": "domain.shared.idempotency:IdempotentResponseRecorded",
    "domain.identity:SigningChallenge": "domain.applications.identity:SigningChallenge",
    "domain.identity:SigningChallengeIssued": "domain.applications.identity:SigningChallengeIssued",
    "domain.identity:SigningChallengeUsed": "domain.applications.identity:SigningChallengeUsed",
    "domain.interviews:CitizenIdentified": "domain.counter.interviews:CitizenIdentified",
    "domain.interviews:FormCompleted": "domain.counter.interviews:FormCompleted",
    "domain.interviews:FormPrefilled": "domain.counter.interviews:FormPrefilled",
    "domain.interviews:Interview": "domain.counter.interviews:Interview",
    "domain.interviews:InterviewCancelled": "domain.counter.interviews:InterviewCancelled",
    "domain.interviews:InterviewConfirmed": "domain.counter.interviews:InterviewConfirmed",
    "domain.interviews:InterviewOpened": "domain.counter.interviews:InterviewOpened",
    "domain.interviews:LifeEventChosen": "domain.counter.interviews:LifeEventChosen",
    "domain.notifications:Notification": "domain.applications.notifications:Notification",
    "domain.notifications:NotificationAbandoned": "domain.applications.notifications:NotificationAbandoned",
    "domain.notifications:NotificationQueued": "domain.applications.notifications:NotificationQueued",
    "domain.notifications:NotificationSendFailed": "domain.applications.notifications:NotificationSendFailed",
    "domain.notifications:NotificationSent": "domain.applications.notifications:NotificationSent",
    "domain.payment_dues:ApplicationPaid": "domain.payments.dues:ApplicationPaid",
    "domain.payment_dues:PaymentDue": "domain.payments.dues:PaymentDue",
    "domain.payment_dues:PaymentRequested": "domain.payments.dues:PaymentRequested",
    "domain.payments:CounterPaymentRecorded": "domain.payments.payment:CounterPaymentRecorded",
    "domain.payments:LateSuccessRecorded": "domain.payments.payment:LateSuccessRecorded",
    "domain.payments:Payment": "domain.payments.payment:Payment",
    "domain.payments:PaymentAttemptAdded": "domain.payments.payment:PaymentAttemptAdded",
    "domain.payments:PaymentAuthorised": "domain.payments.payment:PaymentAuthorised",
    "domain.payments:PaymentCancelled": "domain.payments.payment:PaymentCancelled",
    "domain.payments:PaymentCreated": "domain.payments.payment:PaymentCreated",
    "domain.payments:PaymentErrored": "domain.payments.payment:PaymentErrored",
    "domain.payments:PaymentExpired": "domain.payments.payment:PaymentExpired",
    "domain.payments:PaymentFailed": "domain.payments.payment:PaymentFailed",
    "domain.payments:PaymentLedger": "domain.payments.payment:PaymentLedger",
    "domain.payments:PaymentLedgerOpened": "domain.payments.payment:PaymentLedgerOpened",
    "domain.payments:PaymentStarted": "domain.payments.payment:PaymentStarted",
    "domain.payments:PaymentSucceeded": "domain.payments.payment:PaymentSucceeded",
    "domain.payments:ProviderPaymentLink": "domain.payments.payment:ProviderPaymentLink",
    "domain.payments:ProviderPaymentLinked": "domain.payments.payment:ProviderPaymentLinked",
    "domain.payments:RefundFailed": "domain.payments.payment:RefundFailed",
    "domain.payments:RefundSubmitted": "domain.payments.payment:RefundSubmitted",
    "domain.payments:RefundSucceeded": "domain.payments.payment:RefundSucceeded",
    "domain.payments:WebhookEventReceived": "domain.payments.payment:WebhookEventReceived",
    "domain.payments:WebhookReceipt": "domain.payments.payment:WebhookReceipt",
    "domain.payments:_Opened": "domain.payments.payment:_Opened",
    "domain.privacy:Erasure": "domain.privacy.individual_number:Erasure",
    "domain.privacy:SubjectForgotten": "domain.privacy.individual_number:SubjectForgotten",
    "domain.procedures:FormRevised": "domain.catalogue.procedures:FormRevised",
    "domain.procedures:Procedure": "domain.catalogue.procedures:Procedure",
    "domain.procedures:ProcedureDefined": "domain.catalogue.procedures:ProcedureDefined",
    "domain.procedures:ProcedurePublishedOnline": "domain.catalogue.procedures:ProcedurePublishedOnline",
    "domain.procedures:ProcedureRetired": "domain.catalogue.procedures:ProcedureRetired",
    "domain.procedures:ProcedureWithdrawnOnline": "domain.catalogue.procedures:ProcedureWithdrawnOnline",
    "domain.queues:Queue": "domain.counter.queues:Queue",
    "domain.queues:QueueDefined": "domain.counter.queues:QueueDefined",
    "domain.reservations:Reservation": "domain.counter.reservations:Reservation",
    "domain.reservations:ReservationCancelled": "domain.counter.reservations:ReservationCancelled",
    "domain.reservations:ReservationCheckedIn": "domain.counter.reservations:ReservationCheckedIn",
    "domain.reservations:ReservationDay": "domain.counter.reservations:ReservationDay",
    "domain.reservations:ReservationDayOpened": "domain.counter.reservations:ReservationDayOpened",
    "domain.reservations:ReservationMade": "domain.counter.reservations:ReservationMade",
    "domain.reservations:ReservationSlotsPublished": "domain.counter.reservations:ReservationSlotsPublished",
    "domain.reservations:SeatBooked": "domain.counter.reservations:SeatBooked",
    "domain.reservations:SeatReleased": "domain.counter.reservations:SeatReleased",
    "domain.residents:ResidentRecord": "domain.counter.residents:ResidentRecord",
    "domain.residents:ResidentRecordImported": "domain.counter.residents:ResidentRecordImported",
    "domain.residents:ResidentRecordUpdated": "domain.counter.residents:ResidentRecordUpdated",
    "domain.survey:AnswerRevised": "domain.dx.survey:AnswerRevised",
    "domain.survey:DepartmentAnswered": "domain.dx.survey:DepartmentAnswered",
    "domain.survey:SurveyCampaign": "domain.dx.survey:SurveyCampaign",
    "domain.survey:SurveyOpened": "domain.dx.survey:SurveyOpened",
    "domain.survey:_Answer": "domain.dx.survey:_Answer",
    "domain.visits:QueueLine": "domain.counter.visits:QueueLine",
    "domain.visits:QueueLineOpened": "domain.counter.visits:QueueLineOpened",
    "domain.visits:ServiceCompleted": "domain.counter.visits:ServiceCompleted",
    "domain.visits:ServiceStarted": "domain.counter.visits:ServiceStarted",
    "domain.visits:TicketCalled": "domain.counter.visits:TicketCalled",
    "domain.visits:TicketDispensed": "domain.counter.visits:TicketDispensed",
    "domain.visits:TicketIssued": "domain.counter.visits:TicketIssued",
    "domain.visits:TicketNoShow": "domain.counter.visits:TicketNoShow",
    "domain.visits:TicketRecalled": "domain.counter.visits:TicketRecalled",
    "domain.visits:Visit": "domain.counter.visits:Visit",
    "domain.visits:VisitCancelled": "domain.counter.visits:VisitCancelled",
    "domain.visits:VisitJoinedLine": "domain.counter.visits:VisitJoinedLine",
    "domain.visits:VisitLeftLine": "domain.counter.visits:VisitLeftLine",
    "domain.visits:VisitTransferred": "domain.counter.visits:VisitTransferred",
    "domain.windows:Window": "domain.counter.windows:Window",
    "domain.windows:WindowClosed": "domain.counter.windows:WindowClosed",
    "domain.windows:WindowDefined": "domain.counter.windows:WindowDefined",
    "domain.windows:WindowOpened": "domain.counter.windows:WindowOpened",
    "domain.windows:WindowSchedulePublished": "domain.counter.windows:WindowSchedulePublished",
}

_ALIASES: dict[str, tuple[str, ...]] = {}
for _old, _new in LEGACY_TOPICS.items():
    _ALIASES[_new] = (*_ALIASES.get(_new, ()), _old)

_registered = False


def register_legacy_topics() -> None:
    """Make every old topic resolve to its class (idempotent)."""
    global _registered
    if _registered:
        return
    for old, new in LEGACY_TOPICS.items():
        register_topic(old, resolve_topic(new))
    _registered = True


def stored_topics(classes: Iterable[type]) -> frozenset[str]:
    """Every topic under which events of these classes may be stored."""
    topics: set[str] = set()
    for cls in classes:
        topic = get_topic(cls)
        topics.add(topic)
        topics.update(_ALIASES.get(topic, ()))
    return frozenset(topics)
