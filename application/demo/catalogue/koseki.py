"""市民課 戸籍係 — 戸籍の証明と届出."""

from __future__ import annotations

from . import fields as f

CONTACT = "市民課 戸籍係 0285-32-8889"

_ID_JA = "本人確認書類（マイナンバーカード、運転免許証等）。"
_ID_EN = "Photo ID (My Number card, driving licence, etc.)."
_MAIL_JA = "郵送の場合は請求書、本人確認書類の写し、定額小為替、切手を貼った返信用封筒。"
_MAIL_EN = ("By post: request form, a copy of photo ID, a postal money order and "
            "a stamped return envelope.")
_DIRECT_JA = "請求できるのは本人・配偶者・直系親族。それ以外は委任状が必要。"
_DIRECT_EN = ("Only the person, spouse or lineal relatives may request; "
              "others need a letter of proxy.")

_KOSEKI_KINDS: list[f.Option] = [
    ("zenbu", "戸籍全部事項証明書（謄本）", "Full family register certificate"),
    ("kojin", "戸籍個人事項証明書（抄本）", "Individual family register certificate"),
]

_OLD_KINDS: list[f.Option] = [
    ("joseki", "除籍全部事項証明書（除籍謄本）", "Closed register certificate"),
    ("kaisei", "改製原戸籍謄本", "Pre-reform family register copy"),
    ("joseki-kojin", "除籍個人事項証明書（除籍抄本）", "Closed register extract"),
]


def _koseki_fields(kinds: list[f.Option]) -> list[f.Field]:
    return [
        f.name("requesterName", "請求者氏名", "Requester's name"),
        f.text("honseki", "本籍", "Registered domicile", personal=True, max_length=200),
        f.name("hittosha", "筆頭者氏名", "Head of the family register"),
        f.choice("kind", "証明書の種類", "Type of certificate", kinds),
        f.relationship(),
        f.copies(),
        f.purpose(),
        f.consent(),
    ]


PROCEDURES: list[dict] = [
    f.procedure(
        "koseki-certificate", "戸籍証明書の交付請求",
        "Request for a family register certificate", "shimin",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=450, processing_days=3,
        requirements_ja=_ID_JA + _DIRECT_JA + "本籍地が他市町村でも広域交付で取得可。",
        requirements_en=_ID_EN + " " + _DIRECT_EN
        + " Registers held elsewhere can be issued under the nationwide service.",
        contact=CONTACT, retention_years=5,
        fields=_koseki_fields(_KOSEKI_KINDS),
    ),
    f.procedure(
        "koseki-mail", "戸籍証明書の郵送請求",
        "Postal request for a family register certificate", "shimin",
        channels=["online", "mail"], assurance="jpki_signature",
        fee_yen=450, processing_days=7,
        requirements_ja=_MAIL_JA + _DIRECT_JA,
        requirements_en=_MAIL_EN + " " + _DIRECT_EN,
        contact=CONTACT, retention_years=5,
        fields=_koseki_fields(_KOSEKI_KINDS),
    ),
    f.procedure(
        "joseki-mail", "除籍・改製原戸籍謄本の郵送請求",
        "Postal request for closed or pre-reform family registers", "shimin",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=750, processing_days=7,
        requirements_ja=_MAIL_JA + "相続手続きの場合は被相続人との関係がわかる戸籍。",
        requirements_en=_MAIL_EN + " For inheritance, registers showing the "
        "relationship to the deceased.",
        contact=CONTACT, retention_years=5,
        fields=_koseki_fields(_OLD_KINDS),
    ),
    f.procedure(
        "koseki-fuhyo", "戸籍の附票の写しの交付請求",
        "Request for a copy of the family register address record", "shimin",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=3,
        requirements_ja=_ID_JA + _DIRECT_JA + "住所の履歴が必要な場合は範囲を指定。",
        requirements_en=_ID_EN + " " + _DIRECT_EN
        + " Specify the period if an address history is needed.",
        contact=CONTACT, retention_years=5,
        fields=[
            f.name("requesterName", "請求者氏名", "Requester's name"),
            f.text("honseki", "本籍", "Registered domicile", personal=True, max_length=200),
            f.name("hittosha", "筆頭者氏名", "Head of the family register"),
            f.choice("scope", "記載の範囲", "Scope", [
                ("current", "現在の附票", "Current record"),
                ("history", "除附票・改製原附票を含む", "Including closed records"),
            ]),
            f.relationship(),
            f.copies(),
            f.purpose(),
        ],
    ),
    f.procedure(
        "mibun-certificate", "身分証明書の交付請求",
        "Request for a civil status certificate (mibun shomeisho)", "shimin",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=3,
        requirements_ja=_ID_JA + "本籍が下野市にある方のみ。代理人の場合は委任状。",
        requirements_en=_ID_EN + " Only for registers domiciled in Shimotsuke. "
        "Agents need a letter of proxy.",
        contact=CONTACT, retention_years=5,
        fields=[
            f.name(),
            f.birth_date(),
            f.text("honseki", "本籍", "Registered domicile", personal=True, max_length=200),
            f.name("hittosha", "筆頭者氏名", "Head of the family register"),
            f.copies(),
            f.purpose([
                ("license", "資格・免許の申請", "Licence or qualification"),
                ("employment", "勤務先への提出", "Submission to an employer"),
                ("business", "許認可の申請", "Business permit"),
                ("other", "その他", "Other"),
            ]),
        ],
    ),
    f.procedure(
        "shussei-todoke", "出生届", "Birth registration", "shimin",
        channels=["counter"], assurance="none",
        fee_yen=0, processing_days=0,
        requirements_ja="出生届書（出生証明書欄に医師等の記入があるもの）、母子健康手帳、"
        "届出人の本人確認書類。生まれた日を含め14日以内。",
        requirements_en="Birth registration form with the attending doctor's certificate, "
        "maternal and child health handbook, informant's ID. Within 14 days of birth.",
        contact=CONTACT, retention_years=30, online=False,
        fields=[
            f.name("childName", "子の氏名", "Child's name"),
            f.name_kana("childNameKana", "子の氏名（フリガナ）", "Child's name (katakana)"),
            f.date("birthDate", "出生日", "Date of birth", personal=True, not_future=True),
            f.name("informantName", "届出人氏名", "Informant's name"),
            f.relationship([
                ("father", "父", "Father"),
                ("mother", "母", "Mother"),
                ("other", "その他", "Other"),
            ], key="informantRelationship", label_ja="届出人と子の関係",
                label_en="Informant's relationship to the child"),
            f.phone(),
        ],
    ),
    f.procedure(
        "konin-todoke", "婚姻届", "Marriage registration", "shimin",
        channels=["counter", "mail"], assurance="none",
        fee_yen=0, processing_days=0,
        requirements_ja="婚姻届書（成年の証人2名の署名）、届出人の本人確認書類。"
        "本籍地以外への届出で戸籍証明書の添付は原則不要。",
        requirements_en="Marriage form signed by two adult witnesses and the "
        "informants' ID. Family register certificates are normally no longer needed.",
        contact=CONTACT, retention_years=30, online=False,
        fields=[
            f.name("husbandName", "夫になる人の氏名", "Husband's name"),
            f.name("wifeName", "妻になる人の氏名", "Wife's name"),
            f.date("submissionDate", "届出予定日", "Planned submission date", not_past=True),
            f.choice("surname", "婚姻後の夫婦の氏", "Married couple's surname", [
                ("husband", "夫の氏", "Husband's surname"),
                ("wife", "妻の氏", "Wife's surname"),
            ]),
            f.boolean("needCertificate", "婚姻届受理証明書を希望する",
                      "Request a certificate of acceptance"),
            f.phone(),
        ],
    ),
]
