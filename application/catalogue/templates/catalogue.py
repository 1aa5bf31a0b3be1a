"""The shipped templates (ひな形)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from application.catalogue.templates._fields import applicant, attachment, bank_account, consent, f, options


@dataclass(frozen=True)
class ProcedureTemplate:
    code: str
    name_ja: str
    name_en: str
    description_ja: str
    description_en: str
    definition: dict[str, Any]  # Procedure.define's arguments but code, names and department

    def definition_copy(self) -> dict[str, Any]:
        return copy.deepcopy(self.definition)


def _definition(*, channels: list[str], assurance: str, fee_yen: int = 0, processing_days: int,
                fields: list[dict[str, Any]], requirements_ja: str = "", requirements_en: str = "",
                contact: str = "", retention_years: int = 5) -> dict[str, Any]:
    return {"channels": channels, "assurance": assurance, "fee_yen": fee_yen,
            "processing_days": processing_days, "fields": fields,
            "requirements_ja": requirements_ja, "requirements_en": requirements_en,
            "contact": contact, "retention_years": retention_years}


_SUBSIDY = ProcedureTemplate(
    "subsidy", "補助金交付申請", "Subsidy application",
    "事業の補助金の交付を申請する様式（事業計画・経費・口座・添付書類）",
    "Apply for a subsidy for a project (plan, costs, bank account, attachments)",
    _definition(
        channels=["online", "counter", "mail"], assurance="jpki_signature", processing_days=30,
        retention_years=10,
        requirements_ja="事業計画書、経費の見積書、振込先口座の分かるもの",
        requirements_en="Project plan, cost estimates, proof of the bank account",
        fields=[
            *applicant(),
            f("projectName", "事業名", "Project name", "text", max_length=100),
            f("projectSummary", "事業の概要", "Summary", "text", max_length=2000, multiline=True),
            f("startDate", "事業開始日", "Start date", "date"),
            f("endDate", "事業完了予定日", "Planned end date", "date"),
            f("totalCost", "事業費総額（円）", "Total cost (yen)", "number", min=0, integer=True),
            f("requestedAmount", "交付申請額（円）", "Amount requested (yen)", "number", min=1,
              integer=True),
            *bank_account(),
            attachment("plan", "事業計画書", "Project plan"),
            attachment("estimate", "見積書", "Cost estimate"),
            consent(),
        ]),
)

_GRANT = ProcedureTemplate(
    "grant", "助成金申請", "Grant application",
    "個人・世帯への助成金を申請する様式（対象者の一覧・口座）",
    "Apply for a grant to a person or household (eligible members, bank account)",
    _definition(
        channels=["online", "counter", "mail"], assurance="account", processing_days=30,
        requirements_ja="領収書などの対象経費の分かるもの、振込先口座の分かるもの",
        requirements_en="Receipts of the eligible costs, proof of the bank account",
        fields=[
            *applicant(),
            f("members", "対象者", "Eligible persons", "group", personal=True, min=1, max=10, fields=[
                f("name", "氏名", "Name", "text", max_length=50),
                f("birthDate", "生年月日", "Date of birth", "date", not_future=True),
                f("relationship", "続柄", "Relationship", "choice", options=options(
                    ("self", "本人", "Self"), ("spouse", "配偶者", "Spouse"), ("child", "子", "Child"),
                    ("other", "その他", "Other"))),
                f("relationshipNote", "続柄（その他）", "Relationship (other)", "text", max_length=30,
                  show_if={"field": "relationship", "equals": "other"}),
            ]),
            f("costYen", "対象経費（円）", "Eligible cost (yen)", "number", min=1, integer=True),
            *bank_account(),
            attachment("receipt", "領収書", "Receipt"),
            consent(),
        ]),
)

_FACILITY = ProcedureTemplate(
    "facility-use", "施設利用申請", "Facility use application",
    "公共施設の利用を申請する様式（利用日時・人数・目的）",
    "Apply to use a public facility (date and time, attendance, purpose)",
    _definition(
        channels=["online", "counter"], assurance="account", processing_days=7, retention_years=1,
        fields=[
            f("organisation", "団体名", "Organisation", "text", required=False, max_length=100),
            f("name", "代表者氏名", "Representative", "text", personal=True, max_length=50),
            f("phone", "電話番号", "Phone", "phone", personal=True),
            f("email", "メールアドレス", "E-mail", "email", personal=True),
            f("room", "利用施設", "Room", "choice", options=options(
                ("hall", "ホール", "Hall"), ("meeting", "会議室", "Meeting room"),
                ("gym", "体育室", "Gymnasium"))),
            f("useDate", "利用日", "Date of use", "date", not_past=True),
            f("timeSlot", "利用時間帯", "Time slot", "choice", options=options(
                ("morning", "午前", "Morning"), ("afternoon", "午後", "Afternoon"),
                ("evening", "夜間", "Evening")), multiple=True),
            f("attendance", "利用人数", "Attendance", "number", min=1, max=500, integer=True),
            f("purpose", "利用目的", "Purpose", "text", max_length=200),
            f("feeExemption", "使用料の減免を申請する", "Apply for a fee reduction", "boolean",
              required=False),
            f("exemptionReason", "減免の理由", "Reason for the reduction", "text", max_length=200,
              show_if={"field": "feeExemption", "equals": True}),
        ]),
)

_EVENT = ProcedureTemplate(
    "event-entry", "イベント参加申込", "Event registration",
    "市のイベント・講座への参加を申し込む様式（参加者の一覧）",
    "Register for a city event or course (list of participants)",
    _definition(
        channels=["online", "counter"], assurance="none", processing_days=3, retention_years=1,
        fields=[
            f("name", "申込者氏名", "Applicant", "text", personal=True, max_length=50),
            f("nameKana", "ふりがな", "Name (kana)", "text", personal=True, max_length=50,
              script="hiragana"),
            f("phone", "電話番号", "Phone", "phone", personal=True),
            f("email", "メールアドレス", "E-mail", "email", personal=True),
            f("participants", "参加者", "Participants", "group", personal=True, min=1, max=5, fields=[
                f("name", "氏名", "Name", "text", max_length=50),
                f("age", "年齢", "Age", "number", min=0, max=120, integer=True),
            ]),
            f("needsSupport", "配慮が必要", "Needs assistance", "boolean", required=False),
            f("supportDetail", "必要な配慮", "Assistance needed", "text", max_length=200,
              show_if={"field": "needsSupport", "equals": True}),
            consent(),
        ]),
)

_CERTIFICATE_BY_MAIL = ProcedureTemplate(
    "certificate-by-mail", "証明書の郵送請求", "Certificate request by mail",
    "住民票の写しなどの証明書を郵送で請求する様式（通数・送付先）",
    "Request certificates by post (copies, delivery address)",
    _definition(
        channels=["online", "mail"], assurance="jpki_signature", fee_yen=300, processing_days=7,
        requirements_ja="本人確認書類の写し、手数料、返信用封筒",
        requirements_en="Copy of an identity document, the fee, a return envelope",
        fields=[
            *applicant(),
            f("birthDate", "生年月日", "Date of birth", "date", personal=True, not_future=True),
            f("certificate", "請求する証明書", "Certificate", "choice", options=options(
                ("juminhyo", "住民票の写し", "Certificate of residence"),
                ("koseki", "戸籍謄本", "Family register"),
                ("zeimu", "課税証明書", "Tax certificate"))),
            f("copies", "通数", "Copies", "number", min=1, max=10, integer=True),
            f("purpose", "使用目的", "Purpose", "text", max_length=100),
            f("deliverElsewhere", "住所以外へ送付", "Send to another address", "boolean",
              required=False),
            f("deliveryPostalCode", "送付先郵便番号", "Delivery postal code", "postal_code",
              personal=True, show_if={"field": "deliverElsewhere", "equals": True}),
            f("deliveryAddress", "送付先住所", "Delivery address", "address", personal=True,
              show_if={"field": "deliverElsewhere", "equals": True}),
            attachment("idDocument", "本人確認書類の写し", "Copy of identity document"),
        ]),
)

_NOTIFICATION = ProcedureTemplate(
    "notification", "各種届出", "Notification",
    "市への届出に共通する様式（届出の種類・届出日・内容）",
    "A general notification to the city (kind, date, details)",
    _definition(
        channels=["online", "counter", "mail"], assurance="account", processing_days=14,
        fields=[
            *applicant(),
            f("kind", "届出の種類", "Kind of notification", "text", max_length=100),
            f("effectiveDate", "届出事由の発生日", "Date it took effect", "date"),
            f("details", "届出の内容", "Details", "text", max_length=2000, multiline=True),
            attachment("document", "添付書類", "Attachment", required=False),
        ]),
)

_CONSULTATION = ProcedureTemplate(
    "consultation", "相談予約", "Consultation booking",
    "窓口・電話・オンラインでの相談を予約する様式（希望日・相談方法）",
    "Book a consultation at the counter, by phone or online (date, means)",
    _definition(
        channels=["online", "counter"], assurance="none", processing_days=3, retention_years=1,
        fields=[
            f("name", "氏名", "Name", "text", personal=True, max_length=50),
            f("nameKana", "ふりがな", "Name (kana)", "text", personal=True, max_length=50,
              script="hiragana"),
            f("phone", "電話番号", "Phone", "phone", personal=True),
            f("email", "メールアドレス", "E-mail", "email", required=False, personal=True),
            f("topic", "相談内容", "Topic", "text", max_length=500, multiline=True),
            f("means", "相談方法", "How", "choice", options=options(
                ("counter", "来庁", "At the counter"), ("phone", "電話", "By phone"),
                ("online", "オンライン", "Online"))),
            f("preferredDate", "希望日", "Preferred date", "date", not_past=True),
            f("alternativeDate", "第2希望日", "Alternative date", "date", required=False,
              not_past=True),
            f("interpreter", "通訳が必要", "Needs an interpreter", "boolean", required=False),
            f("language", "通訳の言語", "Language", "text", max_length=30,
              show_if={"field": "interpreter", "equals": True}),
        ]),
)

_SURVEY = ProcedureTemplate(
    "survey", "アンケート", "Survey",
    "匿名で回答できる市民アンケートの様式",
    "An anonymous citizen survey",
    _definition(
        channels=["online"], assurance="none", processing_days=0, retention_years=1,
        fields=[
            f("ageGroup", "年代", "Age group", "choice", options=options(
                ("u20", "20歳未満", "Under 20"), ("20s", "20代", "20s"), ("30s", "30代", "30s"),
                ("40s", "40代", "40s"), ("50s", "50代", "50s"), ("60s", "60代", "60s"),
                ("70plus", "70歳以上", "70 or older"))),
            f("satisfaction", "満足度（1〜5）", "Satisfaction (1-5)", "number", min=1, max=5,
              integer=True),
            f("topics", "関心のある分野", "Topics of interest", "choice", required=False, multiple=True,
              options=options(("childcare", "子育て", "Childcare"), ("welfare", "福祉", "Welfare"),
                              ("environment", "環境", "Environment"), ("transport", "交通", "Transport"))),
            f("comments", "ご意見", "Comments", "text", required=False, max_length=2000, multiline=True),
        ]),
)

TEMPLATES: dict[str, ProcedureTemplate] = {
    t.code: t for t in (_SUBSIDY, _GRANT, _FACILITY, _EVENT, _CERTIFICATE_BY_MAIL, _NOTIFICATION,
                        _CONSULTATION, _SURVEY)
}


def template(code: str) -> ProcedureTemplate | None:
    return TEMPLATES.get(code)
