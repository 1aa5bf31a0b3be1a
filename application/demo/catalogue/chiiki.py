"""生涯学習文化課・安全安心課・建設課 — 施設・講座・交通安全・道路."""

from __future__ import annotations

from . import fields as f

SHOGAI = "生涯学習文化課 生涯学習係 0285-32-8926"
ANZEN = "安全安心課 交通防犯係 0285-32-8927"
DORO = "建設課 道路維持係 0285-32-8928"
YOCHI = "建設課 用地係 0285-32-8929"

_FACILITIES: list[f.Option] = [
    ("kokubunji-kominkan", "国分寺公民館（見本）", "Kokubunji Community Hall (sample)"),
    ("ishibashi-kominkan", "石橋公民館（見本）", "Ishibashi Community Hall (sample)"),
    ("minami-kawachi-kominkan", "南河内公民館（見本）",
     "Minamikawachi Community Hall (sample)"),
    ("gym", "市民体育館（見本）", "City Gymnasium (sample)"),
    ("tennis", "市民テニスコート（見本）", "City Tennis Courts (sample)"),
]

PROCEDURES: list[dict] = [
    f.procedure(
        "shisetsu-riyo", "公共施設（公民館・体育施設）の利用申請",
        "Booking a public facility (community hall, sports)", "shogai",
        channels=["online", "counter"], assurance="account",
        fee_yen=400, processing_days=3,
        requirements_ja="利用者登録（団体登録）が必要。使用料は1時間あたり400円から"
        "（部屋により異なる）。利用日の2か月前から予約可。",
        requirements_en="Prior user (group) registration required. From 400 yen per hour "
        "depending on the room. Book up to two months ahead.",
        contact=SHOGAI, retention_years=1,
        fields=[
            f.text("groupName", "団体名", "Group name", max_length=100),
            f.name("representative", "代表者氏名", "Representative's name"),
            f.choice("facility", "施設", "Facility", _FACILITIES),
            f.date("useDate", "利用日", "Date of use", not_past=True),
            f.number("hours", "利用時間数", "Hours", minimum=1, maximum=12),
            f.number("attendees", "利用人数", "Number of people", minimum=1, maximum=500),
            f.text("activity", "利用目的（活動内容）", "Activity", max_length=100),
            f.phone(),
        ],
    ),
    f.procedure(
        "koza-entry", "生涯学習講座の受講申込",
        "Enrolment in a lifelong learning course", "shogai",
        channels=["online", "counter"], assurance="none",
        fee_yen=0, processing_days=7,
        requirements_ja="材料費が必要な講座は初回に徴収。定員を超えた場合は抽選。",
        requirements_en="Material costs, if any, are collected at the first session. "
        "A lottery is held if oversubscribed.",
        contact=SHOGAI, retention_years=1,
        fields=[
            f.text("course", "講座名", "Course", max_length=100),
            f.name(),
            f.choice("ageGroup", "年代", "Age group", [
                ("child", "小学生", "Elementary pupil"),
                ("student", "中高生", "Secondary student"),
                ("adult", "一般", "Adult"),
                ("senior", "65歳以上", "65 or over"),
            ]),
            f.phone(),
            f.email(),
        ],
    ),
    f.procedure(
        "helmet-hojo", "自転車用ヘルメット購入費補助金の申請",
        "Subsidy for bicycle helmets", "anzen",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=30,
        requirements_ja="SGマーク等の安全基準を満たすヘルメット。領収書、"
        "ヘルメットの写真（安全基準マークが写っているもの）。購入額の2分の1・上限2,000円。",
        requirements_en="Helmets meeting SG or equivalent standards. Receipt and a photo "
        "showing the safety mark. Half the price, up to 2,000 yen.",
        contact=ANZEN, retention_years=3,
        fields=[
            f.name(),
            f.address(),
            f.name("userName", "ヘルメットを使用する方の氏名", "Name of the wearer"),
            f.number("priceYen", "購入金額（円）", "Purchase price (yen)", minimum=1,
                     maximum=100_000),
            f.date("purchaseDate", "購入日", "Date of purchase", not_future=True),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
        ],
    ),
    f.procedure(
        "doro-tsuho", "道路・カーブミラー等の損傷の通報",
        "Reporting damage to roads, mirrors or signs", "kensetsu",
        channels=["online", "counter"], assurance="none",
        fee_yen=0, processing_days=7,
        requirements_ja="場所がわかる写真があれば添付してください。"
        "国道・県道の場合は管理者へお知らせします。",
        requirements_en="Please attach a photo of the location. Reports on national or "
        "prefectural roads are passed to their managers.",
        contact=DORO, retention_years=1,
        fields=[
            f.choice("damageType", "損傷の種類", "Type of damage", [
                ("pothole", "道路の穴・陥没", "Pothole"),
                ("mirror", "カーブミラー", "Traffic mirror"),
                ("drain", "側溝・ふた", "Drain or cover"),
                ("tree", "倒木・枝の張り出し", "Fallen or overhanging tree"),
                ("light", "道路照明", "Street light"),
            ]),
            f.text("location", "場所（住所・目印）", "Location (address, landmark)",
                   max_length=200),
            f.remarks("description", "状況", "Description", required=True),
            f.name(required=False),
            f.phone(required=False),
        ],
    ),
    f.procedure(
        "kyokai-kakutei", "道路境界確定（官民境界）申請",
        "Application for determining a road boundary", "kensetsu",
        channels=["counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=60,
        requirements_ja="申請書、位置図、公図の写し、登記事項証明書、現況平面図。"
        "土地家屋調査士による代理申請が一般的。現地立会いが必要。",
        requirements_en="Application, location map, cadastral map, land registry "
        "extract, survey plan. Usually filed by a land surveyor; an on-site meeting follows.",
        contact=YOCHI, retention_years=30, online=False,
        fields=[
            f.name("ownerName", "土地所有者氏名", "Landowner's name"),
            f.text("landLocation", "申請地の所在・地番", "Location and lot number",
                   max_length=300),
            f.name("agentName", "代理人（土地家屋調査士）氏名", "Agent (land surveyor)",
                   required=False),
            f.date("preferredDate", "立会い希望日", "Preferred site meeting date",
                   not_past=True),
            f.phone(),
        ],
    ),
]
