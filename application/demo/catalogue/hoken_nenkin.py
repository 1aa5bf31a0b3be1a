"""保険年金課 — 国民健康保険・国民年金・後期高齢者医療."""

from __future__ import annotations

from . import fields as f

KOKUHO = "保険年金課 国保係 0285-32-8891"
NENKIN = "保険年金課 年金係 0285-32-8892"
KOKI = "保険年金課 後期高齢者医療係 0285-32-8893"

_ID_JA = "本人確認書類、世帯主と対象者のマイナンバーが確認できるもの。"
_ID_EN = "Photo ID and documents showing the My Numbers of the householder and members."

_JOIN_REASONS: list[f.Option] = [
    ("left-employer-insurance", "職場の健康保険をやめた", "Left employer health insurance"),
    ("moved-in", "他市区町村から転入した", "Moved in from another municipality"),
    ("left-dependant", "健康保険の扶養から外れた", "No longer a dependant"),
    ("birth", "子どもが生まれた", "Birth of a child"),
    ("left-welfare", "生活保護を受けなくなった", "Public assistance ended"),
]

_LEAVE_REASONS: list[f.Option] = [
    ("joined-employer-insurance", "職場の健康保険に加入した", "Joined employer insurance"),
    ("became-dependant", "健康保険の扶養に入った", "Became a dependant"),
    ("moved-out", "市外へ転出した", "Moved out of the city"),
    ("death", "死亡した", "Death"),
    ("welfare", "生活保護を受けるようになった", "Started public assistance"),
]

_BANK_FIELDS_JA = "振込先口座（世帯主名義）がわかるもの。"
_BANK_FIELDS_EN = "Bank account details in the householder's name."

PROCEDURES: list[dict] = [
    f.procedure(
        "kokuho-join", "国民健康保険の加入届",
        "Enrolment in National Health Insurance", "hoken",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=5,
        requirements_ja=_ID_JA + "職場の健康保険の資格喪失証明書（退職日がわかるもの）。"
        "加入日から14日以内。",
        requirements_en=_ID_EN + " Certificate of loss of employer insurance showing the "
        "leaving date. Within 14 days.",
        contact=KOKUHO, retention_years=5,
        fields=[
            f.name("householderName", "世帯主氏名", "Householder's name"),
            f.name("insuredName", "加入する方の氏名", "Name of the person enrolling"),
            f.birth_date(),
            f.address(),
            f.choice("reason", "加入の理由", "Reason for enrolment", _JOIN_REASONS),
            f.date("eventDate", "資格取得日（退職日の翌日等）", "Date eligibility began",
                   not_future=True),
            f.phone(),
            f.consent(),
        ],
    ),
    f.procedure(
        "kokuho-withdraw", "国民健康保険の脱退届",
        "Withdrawal from National Health Insurance", "hoken",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=5,
        requirements_ja=_ID_JA + "新しい健康保険の資格確認書または資格情報のお知らせ。"
        "国民健康保険の資格確認書（お持ちの方）。",
        requirements_en=_ID_EN + " Proof of the new health insurance and the NHI "
        "eligibility certificate if held.",
        contact=KOKUHO, retention_years=5,
        fields=[
            f.name("householderName", "世帯主氏名", "Householder's name"),
            f.name("insuredName", "脱退する方の氏名", "Name of the person withdrawing"),
            f.birth_date(),
            f.choice("reason", "脱退の理由", "Reason for withdrawal", _LEAVE_REASONS),
            f.date("eventDate", "資格喪失日", "Date eligibility ended"),
            f.text("insuredNumber", "国保の記号・番号", "NHI symbol and number", required=False,
                   max_length=20),
            f.phone(),
        ],
    ),
    f.procedure(
        "kokuho-card-reissue", "国民健康保険資格確認書の再交付申請",
        "Reissue of the National Health Insurance eligibility certificate", "hoken",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=7,
        requirements_ja="本人確認書類。破損の場合はその資格確認書。",
        requirements_en="Photo ID. Return the damaged certificate if applicable.",
        contact=KOKUHO, retention_years=3,
        fields=[
            f.name(),
            f.birth_date(),
            f.text("insuredNumber", "国保の記号・番号", "NHI symbol and number", max_length=20),
            f.choice("reason", "再交付の理由", "Reason for reissue", [
                ("lost", "紛失", "Lost"),
                ("damaged", "破損・汚損", "Damaged"),
                ("stolen", "盗難", "Stolen"),
            ]),
            f.address("mailingAddress", "送付先住所", "Mailing address"),
        ],
    ),
    f.procedure(
        "kokuho-kogaku", "国民健康保険高額療養費の支給申請",
        "Claim for high-cost medical expense benefit (NHI)", "hoken",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=60,
        requirements_ja="医療機関の領収書、資格確認書またはマイナンバーカード、"
        + _BANK_FIELDS_JA + "市から送付された支給申請のお知らせ。",
        requirements_en="Medical receipts, eligibility certificate or My Number card, "
        + _BANK_FIELDS_EN + " The notice of eligibility sent by the city.",
        contact=KOKUHO, retention_years=5,
        fields=[
            f.name("householderName", "世帯主氏名", "Householder's name"),
            f.name("patientName", "受診者氏名", "Patient's name"),
            f.text("treatmentMonth", "診療年月", "Month of treatment", max_length=7,
                   min_length=7),
            f.number("paidYen", "支払った自己負担額（円）", "Amount paid (yen)", minimum=1,
                     maximum=10_000_000),
            f.text("bankAccount", "振込先口座", "Bank account for payment", personal=True,
                   max_length=100),
            f.consent(),
        ],
    ),
    f.procedure(
        "kokuho-sosai", "国民健康保険葬祭費の支給申請",
        "Claim for funeral expenses (NHI)", "hoken",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="葬儀の領収書または会葬礼状（喪主がわかるもの）、喪主名義の"
        "振込先口座がわかるもの、亡くなった方の資格確認書。",
        requirements_en="Funeral receipt or notice showing the chief mourner, the chief "
        "mourner's bank details and the deceased's eligibility certificate.",
        contact=KOKUHO, retention_years=5,
        fields=[
            f.name("deceasedName", "亡くなった方の氏名", "Name of the deceased"),
            f.date("dateOfDeath", "死亡日", "Date of death", personal=True, not_future=True),
            f.name("chiefMournerName", "喪主の氏名", "Chief mourner's name"),
            f.date("funeralDate", "葬儀日", "Date of the funeral", not_future=True),
            f.text("bankAccount", "振込先口座（喪主名義）", "Chief mourner's bank account",
                   personal=True, max_length=100),
            f.phone(),
        ],
    ),
    f.procedure(
        "nenkin-menjo", "国民年金保険料免除・納付猶予申請",
        "Application for exemption from or postponement of National Pension premiums",
        "hoken",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=60,
        requirements_ja="基礎年金番号がわかるもの（基礎年金番号通知書等）、本人確認書類。"
        "失業による申請は雇用保険受給資格者証または離職票の写し。",
        requirements_en="Basic pension number notice and photo ID. If unemployed, a copy "
        "of the employment insurance certificate or separation notice.",
        contact=NENKIN, retention_years=5,
        fields=[
            f.name(),
            f.birth_date(),
            f.text("pensionNumber", "基礎年金番号", "Basic pension number", personal=True,
                   min_length=10, max_length=11),
            f.choice("kind", "申請の種類", "Type of application", [
                ("full", "全額免除", "Full exemption"),
                ("partial", "一部免除", "Partial exemption"),
                ("postpone", "納付猶予（50歳未満）", "Postponement (under 50)"),
            ]),
            f.boolean("unemployed", "失業等による特例を希望する",
                      "Apply under the unemployment special rule"),
            f.text("fiscalYear", "申請年度（例: 2025）", "Fiscal year (e.g. 2025)",
                   min_length=4, max_length=4),
            f.consent(),
        ],
    ),
    f.procedure(
        "koki-card-reissue", "後期高齢者医療資格確認書の再交付申請",
        "Reissue of the late-stage elderly medical care eligibility certificate", "hoken",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=7,
        requirements_ja="本人確認書類。代理人の場合は委任状。",
        requirements_en="Photo ID. Agents need a letter of proxy.",
        contact=KOKI, retention_years=3,
        fields=[
            f.name(),
            f.birth_date(),
            f.text("insuredNumber", "被保険者番号", "Insured person's number", max_length=8),
            f.choice("reason", "再交付の理由", "Reason for reissue", [
                ("lost", "紛失", "Lost"),
                ("damaged", "破損・汚損", "Damaged"),
            ]),
            f.relationship(),
        ],
    ),
]
