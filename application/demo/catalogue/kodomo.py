"""こども福祉課 — 児童手当・医療費助成・保育・学童保育."""

from __future__ import annotations

from . import fields as f

TEATE = "こども福祉課 子育て支援係 0285-32-8902"
HOIKU = "こども福祉課 保育係 0285-32-8903"

_CHILD_FIELDS_JA = "請求者の本人確認書類、振込先口座（請求者名義）がわかるもの。"
_CHILD_FIELDS_EN = "Claimant's photo ID and a bank account in the claimant's name."

_NURSERIES: list[f.Option] = [
    ("koganei", "小金井保育園（見本）", "Koganei Nursery (sample)"),
    ("ishibashi", "石橋保育園（見本）", "Ishibashi Nursery (sample)"),
    ("yakushiji", "薬師寺保育園（見本）", "Yakushiji Nursery (sample)"),
    ("kokubunji", "国分寺こども園（見本）", "Kokubunji Kodomo-en (sample)"),
    ("gion", "祇園保育園（見本）", "Gion Nursery (sample)"),
    ("ekihigashi", "駅東保育園（見本）", "Ekihigashi Nursery (sample)"),
]

_NEED_REASONS: list[f.Option] = [
    ("work", "就労", "Employment"),
    ("pregnancy", "妊娠・出産", "Pregnancy or childbirth"),
    ("illness", "保護者の疾病・障害", "Parent's illness or disability"),
    ("care", "親族の介護・看護", "Caring for a relative"),
    ("jobseeking", "求職活動", "Job seeking"),
    ("study", "就学", "Study"),
]

PROCEDURES: list[dict] = [
    f.procedure(
        "jido-teate", "児童手当認定請求",
        "Claim for child allowance", "kodomo",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja=_CHILD_FIELDS_JA + "児童と別居している場合は別居監護申立書。"
        "出生・転入の翌日から15日以内。",
        requirements_en=_CHILD_FIELDS_EN + " A statement of custody if living apart from "
        "the child. Within 15 days of the birth or move.",
        contact=TEATE, retention_years=5,
        fields=[
            f.name("claimantName", "請求者（父母のうち所得の高い方）氏名",
                   "Claimant's name (higher-income parent)"),
            f.address(),
            f.name("childName", "児童の氏名", "Child's name"),
            f.date("childBirthDate", "児童の生年月日", "Child's date of birth", personal=True,
                   not_future=True, minimum="2005-04-02"),
            f.number("children", "養育している児童の数", "Number of children in your care",
                     minimum=1, maximum=15),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
            f.choice("employment", "請求者の勤務先", "Claimant's employer", [
                ("private", "民間企業・自営業", "Private sector or self-employed"),
                ("public", "公務員", "Public servant"),
            ]),
            f.consent(),
        ],
    ),
    f.procedure(
        "jido-teate-change", "児童手当額改定請求・変更届",
        "Child allowance amount revision / change notification", "kodomo",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="請求者の本人確認書類。口座変更の場合は新しい口座がわかるもの。",
        requirements_en="Claimant's photo ID; new bank details when changing accounts.",
        contact=TEATE, retention_years=5,
        fields=[
            f.name("claimantName", "受給者氏名", "Recipient's name"),
            f.choice("change", "届出の内容", "What changed", [
                ("child-added", "児童が増えた", "An additional child"),
                ("child-removed", "児童が減った", "A child no longer in care"),
                ("address", "住所・氏名の変更", "Change of address or name"),
                ("account", "振込口座の変更", "Change of bank account"),
            ]),
            f.date("changeDate", "変更日", "Date of change", not_future=True),
            f.remarks("details", "変更の内容", "Details of the change"),
        ],
    ),
    f.procedure(
        "kodomo-iryo", "こども医療費受給資格登録申請",
        "Registration for children's medical expense subsidy", "kodomo",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=7,
        requirements_ja="児童の資格確認書またはマイナ保険証の資格情報、保護者名義の"
        "振込先口座がわかるもの。対象は18歳到達後最初の3月31日まで。",
        requirements_en="The child's health insurance details and a bank account in the "
        "guardian's name. Covers children until the March after they turn 18.",
        contact=TEATE, retention_years=5,
        fields=[
            f.name("guardianName", "保護者氏名", "Guardian's name"),
            f.name("childName", "児童の氏名", "Child's name"),
            f.date("childBirthDate", "児童の生年月日", "Child's date of birth", personal=True,
                   not_future=True),
            f.text("insuranceNumber", "児童の健康保険 記号・番号", "Child's insurance number",
                   max_length=30),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
            f.phone(),
        ],
    ),
    f.procedure(
        "hoikusho", "保育所等入所申込",
        "Application for nursery school (hoikusho) admission", "kodomo",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=45,
        requirements_ja="保育の必要性を証明する書類（就労証明書等）、支給認定申請書、"
        "児童の健康状況申告書。4月入所は前年11月末締切。",
        requirements_en="Proof of the need for childcare (e.g. employment certificate), "
        "certification form and health statement. April intake closes end of November.",
        contact=HOIKU, retention_years=5,
        fields=[
            f.name("guardianName", "保護者氏名", "Guardian's name"),
            f.name("childName", "児童の氏名", "Child's name"),
            f.date("childBirthDate", "児童の生年月日", "Child's date of birth", personal=True,
                   not_future=True),
            f.date("startDate", "入所希望日", "Desired start date", not_past=True),
            f.choice("preferences", "希望する施設（複数可）", "Preferred facilities",
                     _NURSERIES, multiple=True),
            f.choice("needReason", "保育を必要とする理由", "Reason childcare is needed",
                     _NEED_REASONS),
            f.remarks("health", "児童の健康状況・配慮事項", "Child's health and special needs"),
            f.consent(),
        ],
    ),
    f.procedure(
        "hoiku-nintei", "子育てのための施設等利用給付認定申請",
        "Certification for free preschool education and childcare", "kodomo",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="幼稚園の預かり保育・認可外保育施設を利用する場合に申請。"
        "保育の必要性を証明する書類。",
        requirements_en="For kindergarten extended care or unlicensed childcare. "
        "Proof of the need for childcare.",
        contact=HOIKU, retention_years=5,
        fields=[
            f.name("guardianName", "保護者氏名", "Guardian's name"),
            f.name("childName", "児童の氏名", "Child's name"),
            f.date("childBirthDate", "児童の生年月日", "Child's date of birth", personal=True,
                   not_future=True),
            f.choice("category", "認定区分", "Certification category", [
                ("1", "新1号（3〜5歳・保育の必要性なし）", "New type 1"),
                ("2", "新2号（3〜5歳・保育の必要性あり）", "New type 2"),
                ("3", "新3号（0〜2歳・住民税非課税）", "New type 3"),
            ]),
            f.text("facilityName", "利用する施設名", "Facility used", max_length=100),
            f.choice("needReason", "保育を必要とする理由", "Reason childcare is needed",
                     _NEED_REASONS, required=False),
        ],
    ),
    f.procedure(
        "gakudo", "学童保育（放課後児童クラブ）入所申込",
        "Application for after-school childcare (gakudo)", "kodomo",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=30,
        requirements_ja="保護者の就労証明書等。利用料（月額）は各クラブに納付。",
        requirements_en="Parents' employment certificates. The monthly fee is paid to "
        "each club.",
        contact=HOIKU, retention_years=3,
        fields=[
            f.name("guardianName", "保護者氏名", "Guardian's name"),
            f.name("childName", "児童の氏名", "Child's name"),
            f.choice("grade", "学年", "School year", [
                (str(n), f"{n}年生", f"Year {n}") for n in range(1, 7)
            ]),
            f.text("school", "在籍小学校", "Elementary school", max_length=60),
            f.choice("period", "利用期間", "Period", [
                ("annual", "通年", "Full year"),
                ("summer", "夏休みのみ", "Summer holidays only"),
            ]),
            f.phone(),
            f.consent(),
        ],
    ),
    f.procedure(
        "ichiji-azukari", "一時預かり事業の利用申込",
        "Booking for temporary childcare", "kodomo",
        channels=["online", "counter"], assurance="account",
        fee_yen=0, processing_days=3,
        requirements_ja="事前登録と面談が必要。利用料は当日施設で支払い（1日2,000円・"
        "半日1,000円、給食費別途）。",
        requirements_en="Prior registration and an interview are required. Pay at the "
        "facility on the day: 2,000 yen a day (1,000 yen half day), meals extra.",
        contact=HOIKU, retention_years=1,
        fields=[
            f.name("childName", "児童の氏名", "Child's name"),
            f.date("useDate", "利用希望日", "Date requested", not_past=True),
            f.choice("duration", "利用時間", "Duration", [
                ("full", "1日（8:30〜16:30）", "Full day (8:30-16:30)"),
                ("half", "半日（4時間以内）", "Half day (up to 4 hours)"),
            ]),
            f.choice("reason", "利用理由", "Reason", [
                ("work", "就労", "Work"),
                ("hospital", "通院", "Medical appointment"),
                ("refresh", "リフレッシュ", "Respite"),
            ]),
            f.phone(),
        ],
    ),
    f.procedure(
        "jido-fuyo", "児童扶養手当認定請求",
        "Claim for child-rearing allowance (single parents)", "kodomo",
        channels=["counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=60,
        requirements_ja="事前予約の上、来庁で面談。請求者と児童の戸籍謄本、"
        "年金手帳、振込先口座がわかるもの、賃貸借契約書（借家の場合）。",
        requirements_en="An in-person interview by appointment. Family registers of "
        "claimant and child, pension book, bank details, lease if renting.",
        contact=TEATE, retention_years=5, online=False,
        fields=[
            f.name("claimantName", "請求者氏名", "Claimant's name"),
            f.number("children", "対象児童数", "Number of children", minimum=1, maximum=10),
            f.date("interviewDate", "面談希望日", "Preferred interview date", not_past=True),
            f.phone(),
        ],
    ),
    f.procedure(
        "hitorioya-iryo", "ひとり親家庭医療費受給資格登録申請",
        "Registration for single-parent family medical expense subsidy", "kodomo",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=14,
        requirements_ja="児童扶養手当証書の写しまたは戸籍謄本、世帯全員の健康保険の"
        "資格情報、振込先口座がわかるもの。",
        requirements_en="Child-rearing allowance certificate or family register, health "
        "insurance details for the household, bank details.",
        contact=TEATE, retention_years=5,
        fields=[
            f.name("parentName", "保護者氏名", "Parent's name"),
            f.address(),
            f.number("members", "対象となる世帯員数", "Members covered", minimum=2, maximum=10),
            f.text("bankAccount", "振込先口座", "Bank account", personal=True, max_length=100),
            f.phone(),
            f.consent(),
        ],
    ),
]
