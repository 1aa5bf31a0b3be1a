"""上下水道課 — 水道の使用開始・中止・名義変更・料金."""

from __future__ import annotations

from . import fields as f

RYOKIN = "上下水道課 料金係 0285-32-8912"
GESUIDO = "上下水道課 下水道係 0285-32-8913"


def _customer() -> f.Field:
    return f.text(
        "customerNumber", "お客様番号（検針票に記載）", "Customer number (on the meter slip)",
        min_length=8, max_length=12,
    )


PROCEDURES: list[dict] = [
    f.procedure(
        "suido-start", "水道の使用開始届", "Notification to start water service", "suido",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=3,
        requirements_ja="使用開始日の3営業日前までに届出。入居先の住所・地番。"
        "土日の開栓は前営業日までに連絡。",
        requirements_en="Notify at least three business days before. The address of the "
        "property. Weekend starts must be arranged by the previous business day.",
        contact=RYOKIN, retention_years=5,
        fields=[
            f.name("userName", "使用者氏名", "Customer's name"),
            f.name_kana("userNameKana", "使用者氏名（フリガナ）", "Customer's name (katakana)"),
            f.address("serviceAddress", "使用場所", "Service address"),
            f.date("startDate", "使用開始日", "Start date", not_past=True),
            f.choice("payment", "支払方法", "Payment method", [
                ("debit", "口座振替", "Direct debit"),
                ("card", "クレジットカード", "Credit card"),
                ("slip", "納付書", "Payment slip"),
            ]),
            f.phone(),
            f.email(),
        ],
    ),
    f.procedure(
        "suido-stop", "水道の使用中止届", "Notification to stop water service", "suido",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=3,
        requirements_ja="中止日の3営業日前までに届出。最終検針後の精算方法を指定。",
        requirements_en="Notify at least three business days before. Choose how to settle "
        "the final bill.",
        contact=RYOKIN, retention_years=5,
        fields=[
            f.name("userName", "使用者氏名", "Customer's name"),
            _customer(),
            f.address("serviceAddress", "使用場所", "Service address"),
            f.date("stopDate", "使用中止日", "Stop date", not_past=True),
            f.address("forwardingAddress", "精算書の送付先（転居先）", "Forwarding address"),
            f.choice("settlement", "精算方法", "Final bill", [
                ("debit", "登録口座から引落し", "Debit from the registered account"),
                ("slip", "納付書を送付", "Send a payment slip"),
                ("cash", "立会時に現金払い", "Pay cash on the day"),
            ]),
            f.phone(),
        ],
    ),
    f.procedure(
        "suido-meigi", "水道使用者の名義変更届",
        "Change of the water customer's name", "suido",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=7,
        requirements_ja="お客様番号がわかるもの（検針票等）。口座振替の場合は別途"
        "口座振替依頼書。",
        requirements_en="Something showing the customer number (e.g. meter slip). A new "
        "direct debit form if paying by debit.",
        contact=RYOKIN, retention_years=5,
        fields=[
            _customer(),
            f.name("oldName", "旧使用者氏名", "Previous customer's name"),
            f.name("newName", "新使用者氏名", "New customer's name"),
            f.choice("reason", "変更の理由", "Reason", [
                ("death", "使用者の死亡", "Death of the customer"),
                ("marriage", "婚姻等による改姓", "Change of surname"),
                ("household", "世帯主の変更", "Change of householder"),
                ("sale", "建物の売買", "Sale of the building"),
            ]),
            f.date("changeDate", "変更日", "Date of change"),
            f.phone(),
        ],
    ),
    f.procedure(
        "suido-koza", "上下水道料金の口座振替申込",
        "Direct debit for water and sewerage charges", "suido",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="通帳と届出印（窓口・郵送）またはキャッシュカード（Web申込）。"
        "振替開始まで1〜2か月。",
        requirements_en="Passbook and bank seal (counter/post) or cash card (online). "
        "Takes one to two months to start.",
        contact=RYOKIN, retention_years=5,
        fields=[
            _customer(),
            f.name("userName", "使用者氏名", "Customer's name"),
            f.text("bankName", "金融機関名・支店名", "Bank and branch", max_length=60),
            f.text("accountNumber", "口座番号", "Account number", personal=True,
                   min_length=7, max_length=7),
            f.name("accountHolder", "口座名義人（カナ）", "Account holder (katakana)"),
        ],
    ),
    f.procedure(
        "rosui-genmen", "漏水による水道料金の減免申請",
        "Application for a water charge reduction due to a leak", "suido",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=30,
        requirements_ja="指定給水装置工事事業者の修繕完了証明（修理した場所・日付）。"
        "地下等の発見困難な漏水が対象。",
        requirements_en="Repair certificate from a designated plumber (place and date). "
        "Only for hidden leaks such as underground pipes.",
        contact=RYOKIN, retention_years=5,
        fields=[
            _customer(),
            f.name("userName", "使用者氏名", "Customer's name"),
            f.text("leakLocation", "漏水箇所", "Where the leak was", max_length=200),
            f.date("repairDate", "修繕完了日", "Repair date", not_future=True),
            f.text("contractor", "修繕した事業者", "Plumbing contractor", max_length=100),
            f.phone(),
        ],
    ),
    f.procedure(
        "josuiso-hojo", "合併処理浄化槽設置整備事業補助金の申請",
        "Subsidy for installing a combined septic tank", "suido",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="下水道・農業集落排水の区域外が対象。着工前に申請。"
        "設置届出書の写し、見積書、配置図、単独処理浄化槽からの転換の場合は写真。",
        requirements_en="Outside sewer areas only; apply before work. Copy of the "
        "installation notice, quotation, layout plan, photos if replacing an old tank.",
        contact=GESUIDO, retention_years=10,
        fields=[
            f.name(),
            f.address("siteAddress", "設置場所", "Installation address"),
            f.choice("capacity", "人槽", "Capacity", [
                ("5", "5人槽", "5 persons"),
                ("7", "7人槽", "7 persons"),
                ("10", "10人槽", "10 persons"),
            ]),
            f.boolean("conversion", "くみ取り・単独処理浄化槽からの転換",
                      "Replacing a vault toilet or single-purpose tank"),
            f.date("plannedStart", "着工予定日", "Planned start", not_past=True),
            f.text("contractor", "施工業者", "Contractor", max_length=100),
            f.consent(),
        ],
    ),
]
