"""商工観光課 — 商工業の支援・観光イベント."""

from __future__ import annotations

from . import fields as f

SHOKO = "商工観光課 商工係 0285-32-8918"
KANKO = "商工観光課 観光係 0285-32-8919"

_INDUSTRIES: list[f.Option] = [
    ("retail", "小売業", "Retail"),
    ("food", "飲食業", "Food service"),
    ("manufacturing", "製造業", "Manufacturing"),
    ("construction", "建設業", "Construction"),
    ("service", "サービス業", "Services"),
    ("other", "その他", "Other"),
]


def _business() -> list[f.Field]:
    return [
        f.text("businessName", "事業所名（屋号）", "Business name", max_length=100),
        f.name("representative", "代表者氏名", "Representative's name"),
        f.address("businessAddress", "事業所所在地", "Business address"),
        f.choice("industry", "業種", "Industry", _INDUSTRIES),
    ]


PROCEDURES: list[dict] = [
    f.procedure(
        "shoko-hojokin", "中小企業振興補助金（店舗改装・販路開拓）の申請",
        "Small business grant (shop renovation, new markets)", "shoko",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=45,
        requirements_ja="市内に事業所を有する中小企業者。事業計画書、見積書、"
        "直近の確定申告書の写し、市税の完納証明。補助率2分の1・上限50万円。",
        requirements_en="For SMEs in the city. Business plan, quotations, latest tax "
        "return and proof of paid city taxes. Half the cost, up to 500,000 yen.",
        contact=SHOKO, retention_years=10,
        fields=[
            *_business(),
            f.choice("category", "補助対象事業", "Grant category", [
                ("renovation", "店舗等改装", "Shop renovation"),
                ("market", "販路開拓（展示会出展等）", "New markets (trade fairs)"),
                ("digital", "デジタル化・IT導入", "Digital tools"),
            ]),
            f.number("costYen", "補助対象経費（円）", "Eligible cost (yen)", minimum=1,
                     maximum=10_000_000),
            f.phone(),
            f.consent(),
        ],
    ),
    f.procedure(
        "sogyo-certificate", "特定創業支援等事業の証明書の交付申請",
        "Certificate of completion of the start-up support programme", "shoko",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=14,
        requirements_ja="創業塾・創業相談（1か月以上・4回以上）の受講記録。"
        "登録免許税の軽減等に使用。",
        requirements_en="Attendance record for the start-up course or advice sessions "
        "(4+ sessions over a month). Used for registration tax relief.",
        contact=SHOKO, retention_years=5,
        fields=[
            f.name(),
            f.address(),
            f.text("businessName", "創業（予定）事業名", "Business name", max_length=100),
            f.date("startDate", "創業（予定）日", "(Planned) start date"),
            f.copies(maximum=5),
        ],
    ),
    f.procedure(
        "safety-net-nintei", "セーフティネット保証（中小企業信用保険法）の認定申請",
        "Certification for the safety-net credit guarantee", "shoko",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=3,
        requirements_ja="認定申請書2通、売上高がわかる書類（試算表等）、"
        "履歴事項全部証明書または確定申告書の写し。認定後30日以内に金融機関へ。",
        requirements_en="Two application forms, sales records (e.g. trial balance), "
        "company register or tax return. Take to a bank within 30 days.",
        contact=SHOKO, retention_years=5,
        fields=[
            *_business(),
            f.choice("clause", "認定の区分", "Category", [
                ("no4", "4号（突発的災害等）", "No. 4 (sudden disaster)"),
                ("no5", "5号（業況の悪化している業種）", "No. 5 (declining industry)"),
            ]),
            f.number("salesDropPercent", "売上高の減少率（％）", "Drop in sales (%)",
                     minimum=0, maximum=100, integer=False),
            f.phone(),
        ],
    ),
    f.procedure(
        "event-entry", "天平の花まつり 出店・参加申込",
        "Entry for the Tenpyo Flower Festival (stalls and events)", "shoko",
        channels=["online", "counter"], assurance="none",
        fee_yen=0, processing_days=14,
        requirements_ja="飲食の出店は保健所の営業許可（臨時）が必要。出店料は決定後に"
        "案内。応募多数の場合は抽選。",
        requirements_en="Food stalls need a temporary health centre permit. Stall fees "
        "are notified after selection. A lottery is held if oversubscribed.",
        contact=KANKO, retention_years=1,
        fields=[
            f.name("representative", "代表者氏名", "Representative's name"),
            f.text("groupName", "団体・店舗名", "Group or shop name", max_length=100,
                   required=False),
            f.choice("entryType", "参加区分", "Type of entry", [
                ("food", "飲食ブース", "Food stall"),
                ("goods", "物販ブース", "Goods stall"),
                ("stage", "ステージ出演", "Stage performance"),
                ("volunteer", "ボランティア", "Volunteer"),
            ]),
            f.number("participants", "参加人数", "Number of people", minimum=1, maximum=50),
            f.phone(),
            f.email(required=True),
        ],
    ),
    f.procedure(
        "seido-yushi", "中小企業制度融資のあっせん申込",
        "Application for city-arranged small business loans", "shoko",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=14,
        requirements_ja="直近2期分の決算書または確定申告書、市税の完納証明、"
        "見積書（設備資金の場合）。信用保証料の一部を市が補助。",
        requirements_en="Last two years' accounts or tax returns, proof of paid city "
        "taxes, quotations for equipment loans. The city subsidises guarantee fees.",
        contact=SHOKO, retention_years=10,
        fields=[
            *_business(),
            f.choice("fundType", "資金の種類", "Loan type", [
                ("working", "運転資金", "Working capital"),
                ("equipment", "設備資金", "Equipment"),
            ]),
            f.number("amountYen", "借入希望額（円）", "Amount requested (yen)",
                     minimum=100_000, maximum=20_000_000),
            f.phone(),
        ],
    ),
]
