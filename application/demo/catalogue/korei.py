"""高齢福祉課 — 介護保険・高齢者福祉サービス."""

from __future__ import annotations

from . import fields as f

KAIGO = "高齢福祉課 介護保険係 0285-32-8905"
KOREI = "高齢福祉課 高齢福祉係 0285-32-8904"

_INSURED_JA = "介護保険被保険者証、本人確認書類。"
_INSURED_EN = "Long-term care insurance card and photo ID."

_CARE_LEVELS: list[f.Option] = [
    ("support1", "要支援1", "Support level 1"),
    ("support2", "要支援2", "Support level 2"),
    ("care1", "要介護1", "Care level 1"),
    ("care2", "要介護2", "Care level 2"),
    ("care3", "要介護3", "Care level 3"),
    ("care4", "要介護4", "Care level 4"),
    ("care5", "要介護5", "Care level 5"),
]


def _insured() -> list[f.Field]:
    return [
        f.name("insuredName", "被保険者氏名", "Insured person's name"),
        f.text("insuredNumber", "被保険者番号", "Insured person's number", max_length=10),
    ]


PROCEDURES: list[dict] = [
    f.procedure(
        "kaigo-nintei", "要介護・要支援認定申請",
        "Application for long-term care need certification", "korei",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja=_INSURED_JA + "主治医の氏名・医療機関名。40〜64歳の方は医療保険の"
        "資格情報。申請後に認定調査員が訪問。",
        requirements_en=_INSURED_EN + " The attending doctor's name and clinic; health "
        "insurance details for ages 40-64. An assessor visits after application.",
        contact=KAIGO, retention_years=5,
        fields=[
            *_insured(),
            f.birth_date(),
            f.address("stayAddress", "現在の居所（入院先等）", "Current place of stay"),
            f.text("doctor", "主治医・医療機関名", "Attending doctor and clinic",
                   max_length=100),
            f.name("contactName", "調査日程の連絡先氏名", "Contact person for the visit"),
            f.phone(),
            f.consent(),
        ],
    ),
    f.procedure(
        "kaigo-koshin", "要介護・要支援認定更新申請",
        "Renewal of long-term care need certification", "korei",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja=_INSURED_JA + "有効期間満了日の60日前から申請可。"
        "ケアマネジャーによる代行申請も可。",
        requirements_en=_INSURED_EN + " Apply from 60 days before expiry; care managers "
        "may apply on your behalf.",
        contact=KAIGO, retention_years=5,
        fields=[
            *_insured(),
            f.choice("currentLevel", "現在の要介護度", "Current care level", _CARE_LEVELS),
            f.date("expiryDate", "有効期間満了日", "Certification expiry date"),
            f.text("doctor", "主治医・医療機関名", "Attending doctor and clinic",
                   max_length=100),
            f.phone(),
        ],
    ),
    f.procedure(
        "kaigo-card-reissue", "介護保険被保険者証の再交付申請",
        "Reissue of the long-term care insurance card", "korei",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=7,
        requirements_ja="本人確認書類。代理人の場合は委任状。",
        requirements_en="Photo ID. Agents need a letter of proxy.",
        contact=KAIGO, retention_years=3,
        fields=[
            *_insured(),
            f.birth_date(),
            f.choice("reason", "再交付の理由", "Reason for reissue", [
                ("lost", "紛失", "Lost"),
                ("damaged", "破損・汚損", "Damaged"),
            ]),
        ],
    ),
    f.procedure(
        "jutaku-kaishu", "介護保険住宅改修費の支給申請",
        "Claim for home modification costs under long-term care insurance", "korei",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="着工前に事前申請。理由書（ケアマネジャー作成）、見積書、"
        "改修前の写真、住宅所有者の承諾書（借家の場合）。上限20万円。",
        requirements_en="Apply before work starts: care manager's statement, quotation, "
        "photos before work, owner's consent if rented. Capped at 200,000 yen.",
        contact=KAIGO, retention_years=5,
        fields=[
            *_insured(),
            f.address("workAddress", "改修を行う住宅の所在地", "Address of the home"),
            f.choice("works", "改修の種類", "Type of work", [
                ("handrail", "手すりの取付け", "Handrails"),
                ("step", "段差の解消", "Removing steps"),
                ("floor", "床材の変更", "Non-slip flooring"),
                ("door", "扉の取替え", "Door replacement"),
                ("toilet", "洋式便器への取替え", "Western-style toilet"),
            ], multiple=True),
            f.number("estimateYen", "見積額（円）", "Estimated cost (yen)", minimum=1,
                     maximum=5_000_000),
            f.date("plannedStart", "着工予定日", "Planned start date", not_past=True),
            f.consent(),
        ],
    ),
    f.procedure(
        "fukushi-yogu", "介護保険福祉用具購入費の支給申請",
        "Claim for purchase of assistive equipment under long-term care insurance", "korei",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="領収書（被保険者名義）、カタログ等の写し、指定事業者であることが"
        "わかるもの。年間上限10万円。",
        requirements_en="Receipt in the insured person's name, catalogue copy and proof of "
        "a designated supplier. Capped at 100,000 yen a year.",
        contact=KAIGO, retention_years=5,
        fields=[
            *_insured(),
            f.text("item", "購入した福祉用具", "Equipment purchased", max_length=100),
            f.number("paidYen", "購入金額（円）", "Amount paid (yen)", minimum=1,
                     maximum=1_000_000),
            f.date("purchaseDate", "購入日", "Date of purchase", not_future=True),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
        ],
    ),
    f.procedure(
        "futan-gendogaku", "介護保険負担限度額認定申請",
        "Application for a cap on care facility food and lodging costs", "korei",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="本人と配偶者の預貯金通帳の写し（直近2か月分）、"
        "同意書。毎年8月更新。",
        requirements_en="Copies of the last two months of bank statements for you and "
        "your spouse, and a consent form. Renewed every August.",
        contact=KAIGO, retention_years=5,
        fields=[
            *_insured(),
            f.choice("hasSpouse", "配偶者の有無", "Spouse", [
                ("yes", "あり", "Yes"),
                ("no", "なし", "No"),
            ]),
            f.number("savingsYen", "預貯金等の合計額（円）", "Total savings (yen)",
                     maximum=1_000_000_000),
            f.text("facility", "入所（予定）施設名", "Care facility", max_length=100),
            f.consent("consent", "金融機関等への調査に同意します",
                      "I consent to inquiries to financial institutions"),
        ],
    ),
    f.procedure(
        "haishoku", "高齢者配食サービスの利用申請",
        "Application for meal delivery for older people", "korei",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=14,
        requirements_ja="65歳以上のひとり暮らし・高齢者のみ世帯が対象。"
        "1食あたりの自己負担あり。申請後に訪問調査。",
        requirements_en="For people 65+ living alone or with an older spouse. A charge "
        "per meal applies. A home visit follows.",
        contact=KOREI, retention_years=3,
        fields=[
            f.name(),
            f.birth_date(),
            f.address(),
            f.choice("days", "希望する曜日", "Delivery days", [
                ("mon", "月", "Mon"), ("tue", "火", "Tue"), ("wed", "水", "Wed"),
                ("thu", "木", "Thu"), ("fri", "金", "Fri"),
            ], multiple=True),
            f.remarks("diet", "食事制限・アレルギー", "Dietary restrictions or allergies"),
            f.phone(),
        ],
    ),
]
