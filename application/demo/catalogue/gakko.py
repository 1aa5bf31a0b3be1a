"""学校教育課 — 就学援助・就学先・学校給食."""

from __future__ import annotations

from . import fields as f

GAKUMU = "学校教育課 学務係 0285-32-8914"
SHIDO = "学校教育課 指導係 0285-32-8915"

_SCHOOLS: list[f.Option] = [
    ("koganei-es", "小金井小学校（見本）", "Koganei Elementary (sample)"),
    ("ishibashi-es", "石橋小学校（見本）", "Ishibashi Elementary (sample)"),
    ("yakushiji-es", "薬師寺小学校（見本）", "Yakushiji Elementary (sample)"),
    ("kokubunji-es", "国分寺小学校（見本）", "Kokubunji Elementary (sample)"),
    ("ishibashi-jhs", "石橋中学校（見本）", "Ishibashi Junior High (sample)"),
    ("kokubunji-jhs", "国分寺中学校（見本）", "Kokubunji Junior High (sample)"),
    ("minami-kawachi-jhs", "南河内中学校（見本）", "Minamikawachi Junior High (sample)"),
]

_GRADES: list[f.Option] = [
    ("e1", "小学1年", "Elementary year 1"),
    ("e2", "小学2年", "Elementary year 2"),
    ("e3", "小学3年", "Elementary year 3"),
    ("e4", "小学4年", "Elementary year 4"),
    ("e5", "小学5年", "Elementary year 5"),
    ("e6", "小学6年", "Elementary year 6"),
    ("j1", "中学1年", "Junior high year 1"),
    ("j2", "中学2年", "Junior high year 2"),
    ("j3", "中学3年", "Junior high year 3"),
]


def _pupil() -> list[f.Field]:
    return [
        f.name("guardianName", "保護者氏名", "Guardian's name"),
        f.name("pupilName", "児童生徒の氏名", "Pupil's name"),
        f.choice("grade", "学年", "School year", _GRADES),
    ]


PROCEDURES: list[dict] = [
    f.procedure(
        "shugaku-enjo", "就学援助費の申請",
        "Application for school expense assistance", "gakko",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="世帯全員の所得が確認できるもの（1月2日以降に転入した場合は"
        "前住所地の所得証明書）、振込先口座がわかるもの。",
        requirements_en="Proof of household income (an income certificate from your "
        "previous city if you moved in after 2 January) and bank details.",
        contact=GAKUMU, retention_years=5,
        fields=[
            *_pupil(),
            f.choice("school", "在籍校", "School", _SCHOOLS),
            f.number("householdMembers", "世帯人数", "Household size", minimum=1, maximum=20),
            f.choice("basis", "申請理由", "Grounds", [
                ("low-income", "世帯の所得が基準以下", "Income below the threshold"),
                ("child-allowance", "児童扶養手当を受給", "Receiving child-rearing allowance"),
                ("tax-exempt", "住民税が非課税", "Exempt from inhabitant tax"),
                ("other", "その他経済的理由", "Other financial hardship"),
            ]),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
            f.consent("consent", "所得等の調査に同意します",
                      "I consent to inquiries into household income"),
        ],
    ),
    f.procedure(
        "shitei-gakko-henko", "指定学校変更申立",
        "Request to change the designated school", "gakko",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=14,
        requirements_ja="変更を希望する理由がわかる書類（転居予定の場合は売買・賃貸借"
        "契約書の写し、共働き等の場合は就労証明書）。",
        requirements_en="Documents supporting the reason (e.g. a purchase or lease "
        "contract for a planned move, employment certificates).",
        contact=GAKUMU, retention_years=5,
        fields=[
            *_pupil(),
            f.choice("designated", "指定校", "Designated school", _SCHOOLS),
            f.choice("requested", "希望校", "Requested school", _SCHOOLS),
            f.choice("reason", "理由", "Reason", [
                ("moving", "年度途中の転居予定", "Moving during the school year"),
                ("childcare", "放課後の預け先", "After-school care location"),
                ("club", "部活動", "School club"),
                ("other", "その他", "Other"),
            ]),
            f.remarks("details", "理由の詳細", "Details"),
        ],
    ),
    f.procedure(
        "kuikigai-shugaku", "区域外就学の申請",
        "Application to attend a school outside the city", "gakko",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=21,
        requirements_ja="就学予定先の市町村教育委員会の承諾が必要。理由を証明する書類。",
        requirements_en="Requires consent from the other municipality's board of "
        "education and documents supporting the reason.",
        contact=GAKUMU, retention_years=5,
        fields=[
            *_pupil(),
            f.text("schoolName", "就学を希望する学校名", "Requested school", max_length=100),
            f.text("municipality", "学校の所在市町村", "Municipality of the school",
                   max_length=40),
            f.date("startDate", "就学開始希望日", "Requested start date", not_past=True),
            f.remarks("details", "区域外就学を希望する理由", "Reason"),
        ],
    ),
    f.procedure(
        "shugaku-sodan", "就学相談（特別支援教育）の予約",
        "Booking for a school placement consultation (special needs)", "gakko",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=7,
        requirements_ja="通園・通学先の様子がわかる資料、療育手帳・医師の意見書等が"
        "あればお持ちください。",
        requirements_en="Bring notes from the nursery or school, and any disability "
        "handbook or doctor's opinion.",
        contact=SHIDO, retention_years=3,
        fields=[
            f.name("guardianName", "保護者氏名", "Guardian's name"),
            f.name("childName", "お子さんの氏名", "Child's name"),
            f.date("childBirthDate", "お子さんの生年月日", "Child's date of birth",
                   personal=True, not_future=True),
            f.date("preferredDate", "相談希望日", "Preferred date", not_past=True),
            f.remarks("concerns", "相談したいこと", "Concerns"),
            f.phone(),
        ],
    ),
    f.procedure(
        "kyushoku-allergy", "学校給食の食物アレルギー対応申請",
        "Application for school lunch food allergy support", "gakko",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=14,
        requirements_ja="学校生活管理指導表（アレルギー疾患用）を医師が記入したもの。"
        "毎年度提出。",
        requirements_en="An allergy management form completed by a doctor, submitted "
        "every school year.",
        contact=GAKUMU, retention_years=3,
        fields=[
            *_pupil(),
            f.choice("allergens", "原因食物", "Allergens", [
                ("egg", "卵", "Egg"),
                ("milk", "乳", "Milk"),
                ("wheat", "小麦", "Wheat"),
                ("peanut", "落花生", "Peanut"),
                ("shrimp", "えび・かに", "Shellfish"),
                ("buckwheat", "そば", "Buckwheat"),
                ("other", "その他", "Other"),
            ], multiple=True),
            f.choice("support", "希望する対応", "Support requested", [
                ("removal", "除去食", "Allergen-free meal"),
                ("own-lunch", "弁当持参", "Bring own lunch"),
            ]),
            f.remarks("symptoms", "症状・既往歴", "Symptoms and history"),
        ],
    ),
]
