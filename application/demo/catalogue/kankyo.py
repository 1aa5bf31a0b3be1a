"""環境課 — 犬の登録・ごみ・環境保全の補助金・通報."""

from __future__ import annotations

from . import fields as f

KANKYO = "環境課 環境保全係 0285-32-8910"
GOMI = "環境課 ごみ対策係 0285-32-8911"


def _dog() -> list[f.Field]:
    return [
        f.name("ownerName", "飼い主氏名", "Owner's name"),
        f.address("ownerAddress", "飼い主住所", "Owner's address"),
        f.text("dogName", "犬の名前", "Dog's name", max_length=30),
        f.text("breed", "犬種", "Breed", max_length=40),
    ]


PROCEDURES: list[dict] = [
    f.procedure(
        "inu-registration", "犬の登録", "Dog registration", "kankyo",
        channels=["online", "counter"], assurance="account",
        fee_yen=3000, processing_days=7,
        requirements_ja="生後91日以上の犬が対象。狂犬病予防注射済証明書。登録手数料"
        "3,000円。マイクロチップ装着犬は環境省データベースへの登録で代替。",
        requirements_en="For dogs over 91 days old. Rabies vaccination certificate. "
        "3,000 yen. Microchipped dogs are registered via the national database.",
        contact=KANKYO, retention_years=10,
        fields=[
            *_dog(),
            f.choice("sex", "性別", "Sex", [
                ("male", "オス", "Male"),
                ("female", "メス", "Female"),
            ]),
            f.date("dogBirthDate", "犬の生年月日", "Dog's date of birth", not_future=True),
            f.text("coatColour", "毛色", "Coat colour", max_length=20),
            f.phone(),
        ],
    ),
    f.procedure(
        "kyokenbyo-tag", "狂犬病予防注射済票の交付申請",
        "Issue of a rabies vaccination tag", "kankyo",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=550, processing_days=7,
        requirements_ja="動物病院で接種した場合の狂犬病予防注射済証明書（獣医師発行）。"
        "注射済票交付手数料550円。",
        requirements_en="The rabies vaccination certificate from the veterinary clinic. "
        "Tag fee 550 yen.",
        contact=KANKYO, retention_years=3,
        fields=[
            *_dog(),
            f.text("registrationNumber", "犬の登録番号", "Dog registration number",
                   max_length=20),
            f.date("vaccinationDate", "注射日", "Vaccination date", not_future=True),
            f.text("clinic", "接種した動物病院", "Veterinary clinic", max_length=100),
        ],
    ),
    f.procedure(
        "inu-change", "犬の登録事項変更届（死亡・住所変更・譲渡）",
        "Notification of changes to a dog registration", "kankyo",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=3,
        requirements_ja="鑑札と注射済票（死亡・譲渡の場合は返却）。"
        "市外から転入した場合は旧市町村の鑑札を交換。",
        requirements_en="The licence tag and vaccination tag (returned on death or "
        "transfer). Tags from another city are exchanged.",
        contact=KANKYO, retention_years=3,
        fields=[
            *_dog(),
            f.choice("change", "届出の内容", "Type of change", [
                ("death", "死亡", "Death"),
                ("address", "所在地の変更", "Change of address"),
                ("owner", "飼い主の変更（譲渡）", "New owner"),
                ("moved-in", "市外からの転入", "Moved in from another city"),
            ]),
            f.date("changeDate", "変更日", "Date of change", not_future=True),
        ],
    ),
    f.procedure(
        "sodai-gomi", "粗大ごみ戸別収集の申込",
        "Booking for bulky waste collection", "kankyo",
        channels=["online", "counter"], assurance="account",
        fee_yen=520, fee_quantity_field="items", processing_days=10,
        requirements_ja="1点につき520円（粗大ごみ処理券を貼付）。収集日の朝8時30分までに"
        "玄関先へ。家電4品目・パソコンは収集不可。",
        requirements_en="520 yen per item (attach a bulky waste sticker). Put out by 8:30 "
        "on the day. Recycling-law appliances and PCs are not collected.",
        contact=GOMI, retention_years=1,
        fields=[
            f.name(),
            f.address("collectionAddress", "収集場所", "Collection address"),
            f.number("items", "品目数", "Number of items", minimum=1, maximum=10),
            f.text("itemList", "品目（例: タンス、自転車）", "Items (e.g. chest, bicycle)",
                   max_length=300, multiline=True),
            f.date("preferredDate", "収集希望日", "Preferred collection date", not_past=True),
            f.phone(),
        ],
    ),
    f.procedure(
        "taiyoko-hojo", "住宅用太陽光発電・蓄電池設置費補助金の申請",
        "Subsidy for residential solar panels and batteries", "kankyo",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="工事請負契約書の写し、設置前後の写真、電力受給契約の確認書類、"
        "市税の滞納がないこと。予算の範囲内で先着順。",
        requirements_en="Copy of the contract, before/after photos, grid connection "
        "agreement; no unpaid city taxes. First come, first served within budget.",
        contact=KANKYO, retention_years=10,
        fields=[
            f.name(),
            f.address("installAddress", "設置場所", "Installation address"),
            f.choice("equipment", "設置設備", "Equipment", [
                ("pv", "太陽光発電システム", "Solar panels"),
                ("battery", "定置用蓄電池", "Home battery"),
                ("v2h", "V2H充放電設備", "Vehicle-to-home charger"),
            ], multiple=True),
            f.number("outputKw", "太陽電池出力（kW）", "Panel output (kW)", minimum=0,
                     maximum=10, integer=False),
            f.number("costYen", "設置費用（円）", "Installation cost (yen)", minimum=1,
                     maximum=10_000_000),
            f.date("completionDate", "完了日", "Completion date", not_future=True),
            f.consent(),
        ],
    ),
    f.procedure(
        "namagomi-hojo", "生ごみ処理容器等購入費補助金の申請",
        "Subsidy for food waste composters", "kankyo",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=30,
        requirements_ja="購入日・品名・金額がわかる領収書、保証書の写し。"
        "購入額の2分の1（上限3万円）。",
        requirements_en="Receipt showing date, item and price; copy of the warranty. Half "
        "the price, up to 30,000 yen.",
        contact=GOMI, retention_years=5,
        fields=[
            f.name(),
            f.address(),
            f.choice("kind", "種類", "Type", [
                ("electric", "電動生ごみ処理機", "Electric food waste dryer"),
                ("compost", "コンポスト容器", "Compost bin"),
            ]),
            f.number("priceYen", "購入金額（円）", "Purchase price (yen)", minimum=1,
                     maximum=200_000),
            f.date("purchaseDate", "購入日", "Date of purchase", not_future=True),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
        ],
    ),
    f.procedure(
        "fuho-toki", "不法投棄の通報", "Reporting illegal dumping", "kankyo",
        channels=["online", "counter"], assurance="none",
        fee_yen=0, processing_days=3,
        requirements_ja="場所がわかる目印や写真があれば添付してください。"
        "匿名でも通報できます。",
        requirements_en="Landmarks or photos of the location help. Reports may be "
        "anonymous.",
        contact=GOMI, retention_years=1,
        fields=[
            f.text("location", "場所（地番・目印）", "Location (lot number, landmark)",
                   max_length=200),
            f.choice("wasteType", "投棄物の種類", "Type of waste", [
                ("household", "家庭ごみ", "Household waste"),
                ("appliance", "家電製品", "Appliances"),
                ("tyre", "タイヤ", "Tyres"),
                ("construction", "建設廃材", "Construction waste"),
                ("other", "その他", "Other"),
            ]),
            f.date("foundDate", "発見日", "Date found", not_future=True),
            f.remarks("description", "状況", "Description", required=True),
            f.phone(required=False),
        ],
    ),
]
