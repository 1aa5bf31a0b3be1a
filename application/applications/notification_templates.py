"""Japanese e-mail templates (件名 / 本文) of applicant notifications.

A mail names the procedure (in Japanese) and the application id, and the new
status; never the applicant's name or answers. ``render`` is the one place
texts are made: the notification service calls it at send time.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.applications.notifications import NotificationKind
from domain.applications.status import Status

SIGNATURE = "\n\n※このメールは送信専用です。ご返信いただいてもお答えできません。\n行かない・待たない・書かない窓口"

# status -> (subject head, what it means for the applicant)
STATUS_TEMPLATES: dict[Status, tuple[str, str]] = {
    Status.SUBMITTED: ("申請を受け付けました", "申請を受け付けました。担当課で内容を確認します。"),
    Status.RECEIVED: ("申請を受理しました", "担当課が申請を受理し、審査を始めました。"),
    Status.RETURNED: ("申請の補正をお願いします",
                      "申請内容に補正が必要です。マイページで理由をご確認のうえ、再提出してください。"),
    Status.RESUBMITTED: ("再提出を受け付けました", "補正後の申請を受け付けました。担当課で再度確認します。"),
    Status.APPROVED: ("申請が承認されました", "申請が承認されました。交付の準備ができ次第お知らせします。"),
    Status.REJECTED: ("申請が却下されました", "申請は却下されました。理由はマイページでご確認ください。"),
    Status.COMPLETED: ("手続きが完了しました", "手続きが完了しました。ご利用ありがとうございました。"),
    Status.WITHDRAWN: ("申請が取り下げられました", "申請の取下げを受け付けました。"),
}


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    body: str


def status_notified(status: Status) -> bool:
    """Whether a change to ``status`` is announced to the applicant by e-mail."""
    return status in STATUS_TEMPLATES


def render(kind: NotificationKind, template: str, *, procedure_name_ja: str, application_id: str,
           confirmation_link: str | None = None, expires_ja: str | None = None) -> RenderedMail:
    """The subject and body of one notification."""
    if kind is NotificationKind.EMAIL_CONFIRMATION:
        return RenderedMail(
            subject=f"【{procedure_name_ja}】メールアドレスの確認のお願い",
            body=(
                f"「{procedure_name_ja}」の申請（申請番号: {application_id}）を受け付けました。\n"
                "申請を確定するには、次のリンクを開いてメールアドレスを確認してください。\n\n"
                f"{confirmation_link}\n\n"
                f"リンクの有効期限: {expires_ja}\n"
                "期限までに確認されない場合、申請は担当課に届きません。"
                "お心当たりのない場合は、このメールを破棄してください。" + SIGNATURE
            ),
        )
    status = Status(template)
    head, meaning = STATUS_TEMPLATES[status]
    return RenderedMail(
        subject=f"【{procedure_name_ja}】{head}",
        body=(
            f"「{procedure_name_ja}」の申請（申請番号: {application_id}）の状況が"
            f"「{status.label_ja}」になりました。\n{meaning}" + SIGNATURE
        ),
    )
