"""市民課 — 住民票・印鑑登録・住所異動・マイナンバーカード."""

from __future__ import annotations

from . import fields as f

CONTACT = "市民課 市民係 0285-32-8888"

_ID_JA = "本人確認書類（マイナンバーカード、運転免許証等）。"
_ID_EN = "Photo ID (My Number card, driving licence, etc.)."
_PROXY_JA = "代理人の場合は委任状と代理人の本人確認書類。"
_PROXY_EN = "Agents need a letter of proxy and their own photo ID."

_JUMINHYO_ITEMS: list[f.Option] = [
    ("household-head", "世帯主・続柄", "Head of household and relationship"),
    ("honseki", "本籍・筆頭者", "Registered domicile and head of family register"),
    ("mynumber", "個人番号（マイナンバー）", "Individual number (My Number)"),
    ("history", "前住所・住所を定めた日", "Previous address and date of moving in"),
]

_MOVE_REASONS: list[f.Option] = [
    ("work", "仕事", "Work"),
    ("study", "進学", "Study"),
    ("marriage", "結婚", "Marriage"),
    ("housing", "住宅事情", "Housing"),
    ("family", "家族の事情", "Family reasons"),
    ("other", "その他", "Other"),
]

PROCEDURES: list[dict] = [
    f.procedure(
        "juminhyo-copy", "住民票の写しの交付請求",
        "Request for a copy of the residence certificate", "shimin",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=3,
        requirements_ja=_ID_JA + _PROXY_JA + "郵送の場合は定額小為替と返信用封筒。",
        requirements_en=_ID_EN + " " + _PROXY_EN
        + " By post: postal money order and a stamped return envelope.",
        contact=CONTACT, retention_years=5,
        fields=[
            f.name(),
            f.birth_date(),
            f.address(),
            f.choice("scope", "交付の範囲", "Scope", [
                ("household", "世帯全員", "Whole household"),
                ("partial", "世帯の一部", "Some members"),
            ]),
            f.choice("items", "記載事項", "Items to include", _JUMINHYO_ITEMS,
                     required=False, multiple=True),
            f.copies(),
            f.purpose(),
            f.consent(),
        ],
    ),
    f.procedure(
        "juminhyo-kisai", "住民票記載事項証明書の交付請求",
        "Request for a certificate of residence-record entries", "shimin",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=3,
        requirements_ja="勤務先・年金事務所等が指定する証明様式。" + _ID_JA + _PROXY_JA,
        requirements_en="The form specified by the employer or pension office. "
        + _ID_EN + " " + _PROXY_EN,
        contact=CONTACT, retention_years=5,
        fields=[
            f.name(),
            f.birth_date(),
            f.address(),
            f.copies(),
            f.purpose(),
            f.consent(),
        ],
    ),
    f.procedure(
        "inkan-certificate", "印鑑登録証明書の交付請求",
        "Request for a seal registration certificate", "shimin",
        channels=["counter"], assurance="account",
        fee_yen=300, processing_days=0,
        requirements_ja="印鑑登録証（カード）。代理人も印鑑登録証を持参すれば請求可。"
        "マイナンバーカードでコンビニ交付も可。",
        requirements_en="Seal registration card (an agent may apply with the card). "
        "Also available at convenience stores with a My Number card.",
        contact=CONTACT, retention_years=5, online=False,
        fields=[
            f.name(),
            f.birth_date(),
            f.text("inkanCardNumber", "印鑑登録証番号", "Seal registration card number",
                   min_length=6, max_length=10),
            f.copies(),
        ],
    ),
    f.procedure(
        "inkan-registration", "印鑑登録申請",
        "Seal (inkan) registration", "shimin",
        channels=["counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=0,
        requirements_ja="登録する印鑑、本人確認書類（顔写真付き）。"
        "顔写真付きの書類がない場合は照会書による確認のため後日交付。",
        requirements_en="The seal to register and photo ID. Without photo ID, "
        "identity is confirmed by a mailed inquiry and registration completes later.",
        contact=CONTACT, retention_years=10, online=False,
        fields=[
            f.name(),
            f.name_kana(),
            f.birth_date(),
            f.address(),
            f.choice("idDocument", "本人確認の方法", "How identity is proven", [
                ("photo-id", "顔写真付き本人確認書類", "Photo ID"),
                ("guarantor", "保証人による保証", "Guarantor"),
                ("inquiry", "照会書による確認", "Mailed inquiry"),
            ]),
        ],
    ),
    f.procedure(
        "tennyu", "転入届（来庁予定の事前届出）",
        "Notification of moving in (advance notice of visit)", "shimin",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=0,
        requirements_ja="転出証明書またはマイナンバーカード（転出届をオンラインで"
        "した場合）、本人確認書類。転入日から14日以内に来庁。",
        requirements_en="Moving-out certificate, or My Number card if the move-out "
        "was filed online; photo ID. Visit within 14 days of moving in.",
        contact=CONTACT, retention_years=5,
        fields=[
            f.name(),
            f.birth_date(),
            f.address("previousAddress", "前住所", "Previous address"),
            f.address("newAddress", "新住所（下野市内）", "New address in Shimotsuke"),
            f.date("moveDate", "転入日", "Date of moving in", minimum="2000-01-01"),
            f.date("visitDate", "来庁予定日", "Planned visit date", not_past=True),
            f.number("householdMembers", "異動する人数", "Persons moving", minimum=1, maximum=20),
            f.consent(),
        ],
    ),
    f.procedure(
        "tenshutsu", "転出届", "Notification of moving out", "shimin",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=3,
        requirements_ja="本人確認書類。郵送の場合は返信用封筒（転出証明書の送付用）。"
        "マイナンバーカードで申請した場合は転出証明書の交付は不要。",
        requirements_en="Photo ID. By post, a return envelope for the moving-out "
        "certificate (not needed when applying with a My Number card).",
        contact=CONTACT, retention_years=5,
        fields=[
            f.name(),
            f.birth_date(),
            f.address("newAddress", "転出先住所", "Destination address"),
            f.date("moveDate", "転出（予定）日", "(Planned) date of moving out",
                   minimum="2000-01-01"),
            f.number("householdMembers", "異動する人数", "Persons moving", minimum=1, maximum=20),
            f.choice("reason", "転出の理由", "Reason for moving", _MOVE_REASONS, required=False),
            f.phone(),
            f.consent(),
        ],
    ),
    f.procedure(
        "tenkyo", "転居届（市内での住所変更）",
        "Notification of change of address within the city", "shimin",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=1,
        requirements_ja="本人確認書類、異動する方全員のマイナンバーカード"
        "（住所変更の記載のため）。転居日から14日以内。",
        requirements_en="Photo ID and the My Number cards of everyone moving (to "
        "update the address). Within 14 days of moving.",
        contact=CONTACT, retention_years=5,
        fields=[
            f.name(),
            f.address("previousAddress", "旧住所", "Previous address"),
            f.address("newAddress", "新住所", "New address"),
            f.date("moveDate", "転居日", "Date of moving", not_future=True),
            f.number("householdMembers", "異動する人数", "Persons moving", minimum=1, maximum=20),
            f.phone(),
            f.consent(),
        ],
    ),
    f.procedure(
        "mynumber-card-appointment", "マイナンバーカード交付・受取の予約",
        "Appointment to collect a My Number card", "shimin",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=1,
        requirements_ja="交付通知書（はがき）、本人確認書類、通知カード（お持ちの方）。"
        "15歳未満の方は法定代理人が同行。",
        requirements_en="The collection notice postcard, photo ID and the notification "
        "card if you have one. Under-15s must come with a legal guardian.",
        contact=CONTACT, retention_years=1,
        fields=[
            f.name(),
            f.birth_date(),
            f.date("preferredDate", "希望日", "Preferred date", not_past=True),
            f.choice("preferredTime", "希望時間帯", "Preferred time", [
                ("morning", "午前（9時〜12時）", "Morning (9:00-12:00)"),
                ("afternoon", "午後（13時〜17時）", "Afternoon (13:00-17:00)"),
                ("evening", "延長窓口（17時〜19時）", "Extended hours (17:00-19:00)"),
            ]),
            f.phone(),
        ],
    ),
    f.procedure(
        "fuzai-certificate", "不在住証明書の郵送請求",
        "Postal request for a certificate of non-residence", "shimin",
        channels=["online", "mail"], assurance="account",
        fee_yen=300, processing_days=5,
        requirements_ja="請求者の本人確認書類の写し、登記簿謄本等の対象者の記載がある"
        "資料、定額小為替、返信用封筒。法人の場合は社員証等。",
        requirements_en="A copy of the requester's ID, documents showing the subject "
        "(e.g. a land registry extract), a postal money order and a return envelope.",
        contact=CONTACT, retention_years=5,
        fields=[
            f.name("requesterName", "請求者氏名", "Requester's name"),
            f.name("subjectName", "対象者の氏名", "Subject's name"),
            f.address("subjectAddress", "対象者の登記簿上の住所",
                      "Subject's address in the register"),
            f.copies(),
            f.purpose(),
            f.phone(),
        ],
    ),
]
