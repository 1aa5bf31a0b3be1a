"""建築課 — 住宅の補助金・建築の証明・市営住宅・空き家バンク."""

from __future__ import annotations

from . import fields as f

KENCHIKU = "建築課 建築指導係 0285-32-8924"
JUTAKU = "建築課 住宅係 0285-32-8925"

_TAX_JA = "市税の滞納がないこと。"
_TAX_EN = "No unpaid city taxes."


def _house() -> list[f.Field]:
    return [
        f.name("ownerName", "住宅所有者氏名", "Owner's name"),
        f.address("houseAddress", "住宅の所在地", "Address of the house"),
    ]


PROCEDURES: list[dict] = [
    f.procedure(
        "jutaku-reform-hojo", "住宅改修（リフォーム）補助金の申請",
        "Home renovation subsidy", "kenchiku",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="市内業者による20万円以上の工事。着工前に申請。見積書、"
        "工事箇所の写真、図面。補助率10%・上限10万円。" + _TAX_JA,
        requirements_en="Work of 200,000 yen or more by a local contractor; apply before "
        "starting. Quotation, photos, drawings. 10%, up to 100,000 yen. " + _TAX_EN,
        contact=JUTAKU, retention_years=10,
        fields=[
            *_house(),
            f.choice("works", "工事の内容", "Type of work", [
                ("roof", "屋根・外壁", "Roof or exterior walls"),
                ("kitchen", "台所・浴室・トイレ", "Kitchen, bath or toilet"),
                ("insulation", "断熱改修", "Insulation"),
                ("barrier-free", "バリアフリー改修", "Barrier-free"),
            ], multiple=True),
            f.text("contractor", "施工業者（市内）", "Local contractor", max_length=100),
            f.number("costYen", "工事費（税抜・円）", "Cost excl. tax (yen)", minimum=200_000,
                     maximum=50_000_000),
            f.date("plannedStart", "着工予定日", "Planned start", not_past=True),
            f.consent(),
        ],
    ),
    f.procedure(
        "taishin-hojo", "木造住宅耐震診断・耐震改修補助金の申請",
        "Subsidy for seismic assessment and retrofit of wooden houses", "kenchiku",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="昭和56年5月31日以前に着工した木造住宅が対象。"
        "建築年がわかる書類（登記事項証明書等）、見積書、耐震診断結果（改修の場合）。",
        requirements_en="Wooden houses begun on or before 31 May 1981. Proof of "
        "construction date, quotation, assessment results for retrofits.",
        contact=KENCHIKU, retention_years=10,
        fields=[
            *_house(),
            f.choice("kind", "申請区分", "Type", [
                ("assessment", "耐震診断", "Seismic assessment"),
                ("retrofit", "耐震改修", "Seismic retrofit"),
                ("demolition", "除却（建替え）", "Demolition"),
            ]),
            f.date("builtDate", "建築（着工）年月日", "Construction start date",
                   maximum="1981-05-31"),
            f.number("floorAreaSqm", "延べ床面積（㎡）", "Total floor area (m²)", minimum=1,
                     maximum=2_000, integer=False),
            f.phone(),
        ],
    ),
    f.procedure(
        "gaiyosho-copy", "建築計画概要書の写しの交付請求",
        "Request for a copy of a building plan summary", "kenchiku",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=300, processing_days=5,
        requirements_ja="建築物の所在地番・建築主名・確認年月日等がわかるもの。"
        "1件300円。",
        requirements_en="The lot number, owner and confirmation date of the building. "
        "300 yen per copy.",
        contact=KENCHIKU, retention_years=3,
        fields=[
            f.name("requesterName", "請求者氏名", "Requester's name"),
            f.text("buildingLocation", "建築物の所在地番", "Location of the building",
                   max_length=200),
            f.name("buildingOwner", "建築主氏名", "Building owner's name", required=False),
            f.text("confirmationNumber", "確認番号（わかれば）",
                   "Confirmation number (if known)", required=False, max_length=30),
            f.copies(),
            f.purpose([
                ("sale", "不動産売買", "Property sale"),
                ("loan", "融資", "Loan"),
                ("renovation", "増改築の検討", "Planning an extension"),
                ("other", "その他", "Other"),
            ]),
        ],
    ),
    f.procedure(
        "shiei-jutaku", "市営住宅の入居申込",
        "Application for municipal housing", "kenchiku",
        channels=["counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="入居申込書、世帯全員の住民票・所得課税証明書、"
        "市税の完納証明、連帯保証人の誓約書。募集期間中に窓口で提出。",
        requirements_en="Application form, residence and income certificates for the "
        "household, proof of paid taxes, guarantor's pledge. Submit in person.",
        contact=JUTAKU, retention_years=5, online=False,
        fields=[
            f.name(),
            f.address(),
            f.number("householdMembers", "入居予定人数", "Household size", minimum=1,
                     maximum=10),
            f.number("annualIncomeYen", "世帯の年間所得（円）", "Household annual income (yen)",
                     maximum=100_000_000),
            f.text("estate", "希望する団地名", "Preferred housing estate", max_length=60),
            f.phone(),
        ],
    ),
    f.procedure(
        "akiya-bank", "空き家バンクへの物件登録申込",
        "Registering a property with the vacant house bank", "kenchiku",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=21,
        requirements_ja="登記事項証明書、物件の写真、共有者がいる場合は同意書。"
        "登録後に宅建業者が現地確認。",
        requirements_en="Land registry extract, photos, co-owners' consent. A licensed "
        "estate agent inspects after registration.",
        contact=JUTAKU, retention_years=5,
        fields=[
            *_house(),
            f.choice("dealType", "取引の種類", "Deal type", [
                ("sale", "売却", "Sale"),
                ("rent", "賃貸", "Rent"),
                ("either", "いずれも可", "Either"),
            ]),
            f.number("builtYear", "建築年（西暦）", "Year built", minimum=1900, maximum=2030),
            f.number("askingPriceYen", "希望価格・賃料（円）", "Asking price or rent (yen)",
                     required=False, maximum=500_000_000),
            f.phone(),
            f.email(),
        ],
    ),
]
