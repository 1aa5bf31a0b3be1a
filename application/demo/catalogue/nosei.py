"""農政課・農業委員会事務局 — 農地・農業の手続き."""

from __future__ import annotations

from . import fields as f

NOSEI = "農政課 農政係 0285-32-8916"
NOGYO_IINKAI = "農政課 農業委員会事務局 0285-32-8917"


def _land() -> list[f.Field]:
    return [
        f.text("landLocation", "土地の所在・地番", "Location and lot number",
               max_length=300, multiline=True),
        f.number("areaSqm", "面積（㎡）", "Area (m²)", minimum=1, maximum=1_000_000),
    ]


PROCEDURES: list[dict] = [
    f.procedure(
        "nochiho-3", "農地法第3条の許可申請（農地の売買・貸借）",
        "Permit under Article 3 of the Agricultural Land Act (sale or lease)", "nosei",
        channels=["counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=40,
        requirements_ja="事前相談が必要。許可申請書、登記事項証明書、位置図、"
        "営農計画書。毎月10日締切・翌月の農業委員会総会で審議。",
        requirements_en="Prior consultation required. Application, land registry "
        "extract, location map, farming plan. Closes the 10th; decided the next month.",
        contact=NOGYO_IINKAI, retention_years=30, online=False,
        fields=[
            f.name("transfereeName", "譲受人（借受人）氏名", "Transferee's name"),
            f.name("transferorName", "譲渡人（貸付人）氏名", "Transferor's name"),
            *_land(),
            f.choice("rightType", "権利の種類", "Type of right", [
                ("ownership", "所有権移転", "Ownership"),
                ("lease", "賃借権設定", "Lease"),
                ("use-loan", "使用貸借", "Loan for use"),
            ]),
            f.date("consultationDate", "事前相談希望日", "Preferred consultation date",
                   not_past=True),
        ],
    ),
    f.procedure(
        "nochiho-5-todoke", "農地法第4条・第5条の届出（市街化区域内の農地転用）",
        "Notification of farmland conversion in an urbanisation area (Art. 4/5)", "nosei",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=7,
        requirements_ja="届出書、登記事項証明書、位置図・公図の写し、土地利用計画図。"
        "賃借地の場合は貸主の同意書。",
        requirements_en="Notification form, land registry extract, location map and "
        "cadastral map, land use plan; lessor's consent if leased.",
        contact=NOGYO_IINKAI, retention_years=30,
        fields=[
            f.name("applicantName", "届出者氏名", "Notifier's name"),
            *_land(),
            f.choice("article", "届出の根拠", "Article", [
                ("art4", "第4条（自己の農地の転用）", "Article 4 (own land)"),
                ("art5", "第5条（権利移動を伴う転用）", "Article 5 (with transfer)"),
            ]),
            f.choice("use", "転用目的", "Purpose of conversion", [
                ("house", "住宅", "House"),
                ("parking", "駐車場", "Parking"),
                ("shop", "店舗・事務所", "Shop or office"),
                ("solar", "太陽光発電設備", "Solar farm"),
                ("other", "その他", "Other"),
            ]),
            f.date("plannedStart", "着工予定日", "Planned start", not_past=True),
            f.phone(),
        ],
    ),
    f.procedure(
        "kosaku-certificate", "耕作証明書の交付請求",
        "Request for a certificate of cultivation", "nosei",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=300, processing_days=5,
        requirements_ja="本人確認書類。代理人の場合は委任状。農地台帳に登録されている"
        "耕作者のみ。",
        requirements_en="Photo ID; agents need a letter of proxy. Only for farmers listed "
        "in the farmland register.",
        contact=NOGYO_IINKAI, retention_years=5,
        fields=[
            f.name(),
            f.address(),
            f.choice("purpose", "使用目的", "Purpose", [
                ("fuel-tax", "免税軽油の申請", "Tax-exempt diesel"),
                ("subsidy", "補助事業の申請", "Subsidy application"),
                ("ja", "農協への提出", "Submission to the JA"),
                ("other", "その他", "Other"),
            ]),
            f.copies(),
        ],
    ),
    f.procedure(
        "choju-higai", "有害鳥獣被害の通報・捕獲相談",
        "Report of wildlife damage to crops", "nosei",
        channels=["online", "counter"], assurance="none",
        fee_yen=0, processing_days=3,
        requirements_ja="被害の場所・作物・時期がわかる写真があれば添付してください。"
        "箱わなの貸出しは別途相談。",
        requirements_en="Photos showing the place, crop and timing help. Ask separately "
        "about borrowing a box trap.",
        contact=NOSEI, retention_years=1,
        fields=[
            f.choice("animal", "加害鳥獣", "Animal", [
                ("boar", "イノシシ", "Wild boar"),
                ("raccoon", "アライグマ", "Raccoon"),
                ("masked-palm-civet", "ハクビシン", "Masked palm civet"),
                ("crow", "カラス", "Crows"),
                ("other", "その他", "Other"),
            ]),
            f.text("location", "被害場所", "Location", max_length=200),
            f.text("crop", "被害作物", "Crop affected", max_length=60, required=False),
            f.date("foundDate", "発見日", "Date found", not_future=True),
            f.name(required=False),
            f.phone(required=False),
        ],
    ),
    f.procedure(
        "nogyo-kikai-hojo", "農業用機械等導入補助金の申請",
        "Subsidy for agricultural machinery", "nosei",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=45,
        requirements_ja="認定農業者・認定新規就農者が対象。見積書（2社以上）、カタログ、"
        "営農計画書、市税の完納証明。購入前に申請。",
        requirements_en="For certified farmers. Two or more quotations, catalogue, farm "
        "plan and proof of paid city taxes. Apply before purchase.",
        contact=NOSEI, retention_years=10,
        fields=[
            f.name(),
            f.text("farmName", "経営体名（屋号）", "Farm name", max_length=60,
                   required=False),
            f.text("machine", "導入する機械", "Machinery", max_length=100),
            f.number("costYen", "事業費（税抜・円）", "Cost excl. tax (yen)", minimum=1,
                     maximum=50_000_000),
            f.number("areaA", "経営面積（a）", "Farmed area (ares)", minimum=1, maximum=100_000),
            f.phone(),
            f.consent(),
        ],
    ),
]
