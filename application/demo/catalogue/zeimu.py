"""税務課 — 税の証明・軽自動車税・申告・口座振替."""

from __future__ import annotations

from . import fields as f

SHIMINZEI = "税務課 市民税係 0285-32-8884"
SHISANZEI = "税務課 資産税係 0285-32-8885"
NOZEI = "税務課 収税係 0285-32-8886"

_ID_JA = "本人確認書類（マイナンバーカード等）。代理人の場合は委任状。"
_ID_EN = "Photo ID (e.g. My Number card). Agents need a letter of proxy."
_MAIL_JA = "郵送の場合は定額小為替と返信用封筒。"
_MAIL_EN = "By post: postal money order and a stamped return envelope."

_FISCAL_YEARS: list[f.Option] = [
    ("r7", "令和7年度（令和6年中の所得）", "FY2025 (2024 income)"),
    ("r6", "令和6年度（令和5年中の所得）", "FY2024 (2023 income)"),
    ("r5", "令和5年度（令和4年中の所得）", "FY2023 (2022 income)"),
    ("r4", "令和4年度（令和3年中の所得）", "FY2022 (2021 income)"),
    ("r3", "令和3年度（令和2年中の所得）", "FY2021 (2020 income)"),
]

_TAXES: list[f.Option] = [
    ("shikenminzei", "市県民税", "Municipal and prefectural inhabitant tax"),
    ("kotei", "固定資産税・都市計画税", "Fixed asset and city planning tax"),
    ("keijidosha", "軽自動車税（種別割）", "Light vehicle tax"),
    ("kokuhozei", "国民健康保険税", "National Health Insurance tax"),
]

_VEHICLES: list[f.Option] = [
    ("50cc", "原動機付自転車（50cc以下）", "Moped up to 50cc"),
    ("90cc", "原動機付自転車（90cc以下）", "Moped up to 90cc"),
    ("125cc", "原動機付自転車（125cc以下）", "Moped up to 125cc"),
    ("minicar", "ミニカー", "Minicar"),
    ("small-special", "小型特殊自動車（農耕作業用等）", "Small special vehicle"),
]

PROCEDURES: list[dict] = [
    f.procedure(
        "shotoku-certificate", "所得・課税証明書の交付請求",
        "Request for an income and taxation certificate", "zeimu",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=3,
        requirements_ja=_ID_JA + _MAIL_JA + "1月1日に下野市に住所があった年度のみ。",
        requirements_en=_ID_EN + " " + _MAIL_EN
        + " Only for years you lived in Shimotsuke on 1 January.",
        contact=SHIMINZEI, retention_years=5,
        fields=[
            f.name(),
            f.birth_date(),
            f.address(),
            f.choice("fiscalYear", "年度", "Fiscal year", _FISCAL_YEARS, multiple=True),
            f.copies(),
            f.purpose([
                ("nursery", "保育所等の申込", "Nursery application"),
                ("housing", "公営住宅の申込", "Public housing application"),
                ("loan", "融資・ローン", "Loan"),
                ("scholarship", "奨学金", "Scholarship"),
                ("other", "その他", "Other"),
            ]),
            f.consent(),
        ],
    ),
    f.procedure(
        "nozei-certificate", "納税証明書の交付請求",
        "Request for a tax payment certificate", "zeimu",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=3,
        requirements_ja=_ID_JA + _MAIL_JA + "納付直後は領収書の提示が必要な場合あり。",
        requirements_en=_ID_EN + " " + _MAIL_EN
        + " Bring the receipt if you paid very recently.",
        contact=NOZEI, retention_years=5,
        fields=[
            f.name(),
            f.address(),
            f.choice("tax", "税目", "Tax", _TAXES, multiple=True),
            f.choice("fiscalYear", "年度", "Fiscal year", _FISCAL_YEARS),
            f.copies(),
            f.purpose([
                ("tender", "入札参加資格申請", "Public tender registration"),
                ("loan", "融資・ローン", "Loan"),
                ("permit", "許認可の申請", "Permit application"),
                ("other", "その他", "Other"),
            ]),
        ],
    ),
    f.procedure(
        "hyoka-certificate", "固定資産評価証明書の交付請求",
        "Request for a fixed asset valuation certificate", "zeimu",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=3,
        requirements_ja=_ID_JA + "所有者以外は相続関係を示す戸籍や賃貸借契約書等。"
        + _MAIL_JA,
        requirements_en=_ID_EN + " Non-owners need proof of interest (e.g. family "
        "registers for heirs, a lease). " + _MAIL_EN,
        contact=SHISANZEI, retention_years=5,
        fields=[
            f.name("ownerName", "所有者氏名", "Owner's name"),
            f.text("propertyLocation", "土地・家屋の所在地番", "Location and lot number",
                   max_length=300, multiline=True),
            f.choice("propertyType", "種類", "Property type", [
                ("land", "土地", "Land"),
                ("building", "家屋", "Building"),
            ], multiple=True),
            f.relationship([
                ("owner", "所有者本人", "Owner"),
                ("heir", "相続人", "Heir"),
                ("tenant", "借地・借家人", "Tenant"),
                ("agent", "代理人", "Agent"),
            ]),
            f.copies(),
            f.purpose(),
        ],
    ),
    f.procedure(
        "nayose-copy", "固定資産課税台帳（名寄帳）の写しの交付請求",
        "Request for a copy of the fixed asset tax ledger (nayosecho)", "zeimu",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=5,
        requirements_ja=_ID_JA + "相続人の場合は所有者との関係がわかる戸籍。" + _MAIL_JA,
        requirements_en=_ID_EN + " Heirs need family registers showing the relationship. "
        + _MAIL_EN,
        contact=SHISANZEI, retention_years=5,
        fields=[
            f.name("ownerName", "所有者氏名", "Owner's name"),
            f.address("ownerAddress", "所有者住所", "Owner's address"),
            f.relationship([
                ("owner", "所有者本人", "Owner"),
                ("heir", "相続人", "Heir"),
                ("agent", "代理人", "Agent"),
            ]),
            f.choice("fiscalYear", "年度", "Fiscal year", _FISCAL_YEARS),
            f.copies(),
        ],
    ),
    f.procedure(
        "keijidosha-nozei-certificate", "軽自動車税（種別割）納税証明書（継続検査用）の交付",
        "Light vehicle tax certificate for vehicle inspection", "zeimu",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=1,
        requirements_ja="車検証または車両番号がわかるもの。納付直後は領収書。"
        "継続検査用は無料。",
        requirements_en="Vehicle inspection certificate or plate number; the receipt if "
        "just paid. Free of charge for inspection use.",
        contact=NOZEI, retention_years=3,
        fields=[
            f.name("ownerName", "納税義務者氏名", "Taxpayer's name"),
            f.text("plateNumber", "車両番号（ナンバー）", "Licence plate number",
                   max_length=20),
            f.copies(maximum=3),
            f.address("mailingAddress", "送付先住所", "Mailing address", required=False),
        ],
    ),
    f.procedure(
        "genchari-registration", "原動機付自転車等の登録（標識交付）",
        "Registration of a moped (number plate issue)", "zeimu",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=1,
        requirements_ja="販売証明書または譲渡証明書、廃車申告受付書（市外から転入した"
        "場合）、本人確認書類。",
        requirements_en="Sales or transfer certificate, deregistration receipt if moving "
        "from another city, photo ID.",
        contact=SHIMINZEI, retention_years=10,
        fields=[
            f.name("ownerName", "所有者氏名", "Owner's name"),
            f.address("ownerAddress", "所有者住所", "Owner's address"),
            f.choice("vehicleType", "車種区分", "Vehicle class", _VEHICLES),
            f.text("frameNumber", "車台番号", "Frame number", max_length=30),
            f.text("maker", "メーカー名", "Manufacturer", max_length=40),
            f.date("acquiredDate", "取得日", "Date acquired", not_future=True),
            f.phone(),
        ],
    ),
    f.procedure(
        "keijidosha-haisha", "原動機付自転車等の廃車申告",
        "Deregistration of a moped", "zeimu",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=1,
        requirements_ja="ナンバープレート（標識）、標識交付証明書。盗難の場合は"
        "警察の受理番号。",
        requirements_en="The number plate and its issue certificate; the police report "
        "number if stolen.",
        contact=SHIMINZEI, retention_years=10,
        fields=[
            f.name("ownerName", "所有者氏名", "Owner's name"),
            f.text("plateNumber", "標識番号", "Plate number", max_length=20),
            f.choice("reason", "廃車の理由", "Reason", [
                ("scrapped", "廃棄", "Scrapped"),
                ("transferred", "譲渡", "Transferred"),
                ("stolen", "盗難", "Stolen"),
                ("moved", "市外転出", "Moved out of the city"),
            ]),
            f.date("reasonDate", "事由発生日", "Date of the event", not_future=True),
        ],
    ),
    f.procedure(
        "shizei-koza-furikae", "市税の口座振替依頼",
        "Direct debit request for city taxes", "zeimu",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="キャッシュカード（Web口座振替受付サービス利用時）または"
        "通帳と届出印（窓口・郵送）。",
        requirements_en="Bank cash card for online sign-up, or the passbook and bank seal "
        "at the counter or by post.",
        contact=NOZEI, retention_years=5,
        fields=[
            f.name("taxpayerName", "納税義務者氏名", "Taxpayer's name"),
            f.address(),
            f.choice("tax", "振替する税目", "Taxes to debit", _TAXES, multiple=True),
            f.text("bankName", "金融機関名・支店名", "Bank and branch", max_length=60),
            f.text("accountNumber", "口座番号", "Account number", personal=True,
                   min_length=7, max_length=7),
            f.name("accountHolder", "口座名義人（カナ）", "Account holder (katakana)"),
            f.phone(),
        ],
    ),
]
