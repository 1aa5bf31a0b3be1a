"""健康増進課 — 予防接種・検診・母子保健・健康相談."""

from __future__ import annotations

from . import fields as f

YOBO = "健康増進課 予防係 0285-32-8906"
BOSHI = "健康増進課 母子保健係 0285-32-8907"
SEIJIN = "健康増進課 成人保健係 0285-32-8908"

_VACCINES: list[f.Option] = [
    ("hib", "ヒブ", "Hib"),
    ("pneumococcal-child", "小児用肺炎球菌", "Paediatric pneumococcal"),
    ("five-in-one", "5種混合", "Five-in-one (DTaP-IPV-Hib)"),
    ("bcg", "BCG", "BCG"),
    ("mr", "麻しん風しん混合（MR）", "Measles-rubella (MR)"),
    ("varicella", "水痘", "Varicella"),
    ("je", "日本脳炎", "Japanese encephalitis"),
    ("hpv", "HPV（子宮頸がん予防）", "HPV"),
]

_SCREENINGS: list[f.Option] = [
    ("stomach", "胃がん検診", "Stomach cancer"),
    ("lung", "肺がん検診", "Lung cancer"),
    ("colon", "大腸がん検診", "Colorectal cancer"),
    ("breast", "乳がん検診", "Breast cancer"),
    ("cervical", "子宮頸がん検診", "Cervical cancer"),
    ("prostate", "前立腺がん検診", "Prostate cancer"),
]

_VENUES: list[f.Option] = [
    ("kokubunji", "国分寺保健福祉センター（見本）", "Kokubunji Health Centre (sample)"),
    ("minami-kawachi", "南河内保健福祉センター（見本）", "Minamikawachi Health Centre (sample)"),
    ("ishibashi", "石橋保健福祉センター（見本）", "Ishibashi Health Centre (sample)"),
]

PROCEDURES: list[dict] = [
    f.procedure(
        "yoshinhyo", "予防接種予診票の交付申請",
        "Request for vaccination pre-screening forms", "kenko",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=7,
        requirements_ja="母子健康手帳（接種歴の確認のため）。転入された方・紛失された方"
        "が対象。",
        requirements_en="Maternal and child health handbook (to check vaccination "
        "history). For new residents or lost forms.",
        contact=YOBO, retention_years=3,
        fields=[
            f.name("guardianName", "保護者氏名", "Guardian's name"),
            f.name("childName", "お子さんの氏名", "Child's name"),
            f.date("childBirthDate", "お子さんの生年月日", "Child's date of birth",
                   personal=True, not_future=True),
            f.choice("vaccines", "必要な予診票", "Forms required", _VACCINES, multiple=True),
            f.choice("reason", "申請理由", "Reason", [
                ("moved-in", "転入", "Moved in"),
                ("lost", "紛失", "Lost"),
                ("catch-up", "接種漏れ", "Missed vaccination"),
            ]),
            f.address("mailingAddress", "送付先住所", "Mailing address"),
        ],
    ),
    f.procedure(
        "gan-kenshin", "がん検診（集団検診）の申込",
        "Booking for cancer screening (group screening)", "kenko",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=14,
        requirements_ja="対象年齢・自己負担額は検診により異なる（70歳以上・生活保護世帯は"
        "無料）。受診券は検診日の2週間前までに送付。",
        requirements_en="Eligibility and charges vary by test (free for 70+ and welfare "
        "households). Tickets are mailed two weeks before the date.",
        contact=SEIJIN, retention_years=3,
        fields=[
            f.name(),
            f.birth_date(),
            f.choice("screenings", "受診する検診", "Screenings", _SCREENINGS, multiple=True),
            f.choice("venue", "会場", "Venue", _VENUES),
            f.date("preferredDate", "希望日", "Preferred date", not_past=True),
            f.phone(),
        ],
    ),
    f.procedure(
        "boshi-techo", "妊娠届（母子健康手帳の交付）",
        "Pregnancy notification (maternal and child health handbook)", "kenko",
        channels=["counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=0,
        requirements_ja="妊娠届出書、マイナンバーカード等。保健師との面談（約30分）が"
        "あるため来所。",
        requirements_en="Pregnancy notification form and My Number card. Come in person for "
        "a 30-minute interview with a public health nurse.",
        contact=BOSHI, retention_years=10, online=False,
        fields=[
            f.name(),
            f.birth_date(),
            f.date("dueDate", "出産予定日", "Expected due date", not_past=True),
            f.number("babies", "妊娠している胎児の数", "Number of babies", minimum=1, maximum=5),
            f.text("clinic", "受診医療機関", "Clinic", max_length=100),
            f.phone(),
        ],
    ),
    f.procedure(
        "ninpu-kenshin-josei", "妊婦健康診査費助成（償還払い）の申請",
        "Reimbursement claim for prenatal check-ups", "kenko",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=45,
        requirements_ja="県外・助産所で受診し受診票が使えなかった場合。領収書、"
        "未使用の受診票、母子健康手帳、振込先口座がわかるもの。",
        requirements_en="For check-ups outside the prefecture or at midwife clinics. "
        "Receipts, unused vouchers, handbook and bank details.",
        contact=BOSHI, retention_years=5,
        fields=[
            f.name(),
            f.number("visits", "受診回数", "Number of check-ups", minimum=1, maximum=14),
            f.number("paidYen", "支払額合計（円）", "Total paid (yen)", minimum=1,
                     maximum=1_000_000),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
            f.consent(),
        ],
    ),
    f.procedure(
        "nini-yobo-josei", "任意予防接種費用助成の申請",
        "Subsidy claim for voluntary vaccinations", "kenko",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=45,
        requirements_ja="接種日に下野市に住民登録があること。領収書、予防接種済証"
        "（母子健康手帳の記録）、振込先口座がわかるもの。",
        requirements_en="Must be a resident on the vaccination date. Receipt, vaccination "
        "record and bank details.",
        contact=YOBO, retention_years=5,
        fields=[
            f.name("applicantName", "申請者氏名", "Applicant's name"),
            f.name("vaccineeName", "接種者氏名", "Name of the person vaccinated"),
            f.choice("vaccine", "ワクチン", "Vaccine", [
                ("mumps", "おたふくかぜ", "Mumps"),
                ("influenza-child", "小児インフルエンザ", "Paediatric influenza"),
                ("rsv", "RSウイルス（妊婦）", "RSV (pregnancy)"),
            ]),
            f.date("vaccinationDate", "接種日", "Date of vaccination", not_future=True),
            f.number("paidYen", "支払額（円）", "Amount paid (yen)", minimum=1, maximum=50_000),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
        ],
    ),
    f.procedure(
        "kenko-sodan", "健康相談・栄養相談の予約",
        "Booking for a health or nutrition consultation", "kenko",
        channels=["online", "counter"], assurance="none",
        fee_yen=0, processing_days=3,
        requirements_ja="健康診断の結果票や服薬中のお薬手帳があればお持ちください。",
        requirements_en="Bring recent check-up results and your medicine notebook if any.",
        contact=SEIJIN, retention_years=3,
        fields=[
            f.name(),
            f.choice("topic", "相談の内容", "Topic", [
                ("checkup", "健診結果", "Check-up results"),
                ("diet", "食事・栄養", "Diet and nutrition"),
                ("exercise", "運動", "Exercise"),
                ("mental", "こころの健康", "Mental health"),
                ("smoking", "禁煙", "Quitting smoking"),
            ]),
            f.date("preferredDate", "希望日", "Preferred date", not_past=True),
            f.remarks("details", "相談したいこと", "What you would like to discuss"),
            f.phone(),
        ],
    ),
    f.procedure(
        "shika-kenshin", "成人歯科健診の申込",
        "Booking for an adult dental check-up", "kenko",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=7,
        requirements_ja="対象は20歳・30歳・40歳・50歳・60歳・70歳の方。自己負担500円を"
        "医療機関で支払い。",
        requirements_en="For residents aged 20, 30, 40, 50, 60 or 70. Pay 500 yen at the "
        "dental clinic.",
        contact=SEIJIN, retention_years=3,
        fields=[
            f.name(),
            f.birth_date(),
            f.text("clinic", "受診予定の歯科医院", "Dental clinic", max_length=100,
                   required=False),
            f.phone(),
        ],
    ),
]
