"""社会福祉課 — 障がい福祉・生活支援."""

from __future__ import annotations

from . import fields as f

SHOGAI = "社会福祉課 障がい福祉係 0285-32-8922"
SEIKATSU = "社会福祉課 生活福祉係 0285-32-8923"

_TECHO_JA = "身体障害者手帳・療育手帳・精神障害者保健福祉手帳のいずれか。"
_TECHO_EN = "A physical, intellectual or mental disability handbook."

PROCEDURES: list[dict] = [
    f.procedure(
        "shogai-techo", "身体障害者手帳の交付申請",
        "Application for a physical disability certificate (handbook)", "fukushi",
        channels=["counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=45,
        requirements_ja="指定医の診断書・意見書（原本、作成から3か月以内）、"
        "顔写真（縦4cm×横3cm）、本人確認書類。県の審査後に交付。",
        requirements_en="Original certificate from a designated doctor (within 3 months), "
        "a 4x3 cm photo and photo ID. Issued after prefectural review.",
        contact=SHOGAI, retention_years=30, online=False,
        fields=[
            f.name(),
            f.birth_date(),
            f.address(),
            f.choice("kind", "障がいの種類", "Type of impairment", [
                ("visual", "視覚", "Visual"),
                ("hearing", "聴覚・平衡機能", "Hearing or balance"),
                ("speech", "音声・言語・そしゃく機能", "Speech or chewing"),
                ("limb", "肢体不自由", "Physical (limbs/trunk)"),
                ("internal", "内部障がい", "Internal organs"),
            ]),
            f.text("doctor", "診断書を作成した指定医", "Designated doctor", max_length=100),
            f.phone(),
        ],
    ),
    f.procedure(
        "tokubetsu-shogai-teate", "特別障害者手当の認定請求",
        "Claim for the special disability allowance", "fukushi",
        channels=["counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=60,
        requirements_ja="所定の診断書、年金証書（受給している方）、振込先口座、"
        "所得状況の確認書類。事前に相談のうえ来庁。",
        requirements_en="The prescribed medical certificate, pension certificate if any, "
        "bank details and income documents. Consult before visiting.",
        contact=SHOGAI, retention_years=5, online=False,
        fields=[
            f.name(),
            f.birth_date(),
            f.choice("residence", "現在の生活の場", "Current living situation", [
                ("home", "在宅", "At home"),
                ("hospital", "入院中（3か月以内）", "In hospital (under 3 months)"),
            ]),
            f.date("consultationDate", "相談希望日", "Preferred consultation date",
                   not_past=True),
            f.phone(),
        ],
    ),
    f.procedure(
        "jiritsu-shien", "自立支援医療（精神通院医療）の支給認定申請",
        "Application for mental health outpatient medical support", "fukushi",
        channels=["online", "counter"], assurance="jpki_signature",
        fee_yen=0, processing_days=60,
        requirements_ja="医師の診断書（2年に1回）、健康保険の資格情報、"
        "世帯の所得がわかるもの。更新は有効期限の3か月前から。",
        requirements_en="Doctor's certificate (every two years), health insurance details "
        "and household income. Renew from three months before expiry.",
        contact=SHOGAI, retention_years=5,
        fields=[
            f.name(),
            f.birth_date(),
            f.choice("kind", "申請区分", "Type", [
                ("new", "新規", "New"),
                ("renewal", "更新", "Renewal"),
                ("change", "変更（医療機関等）", "Change of clinic or pharmacy"),
            ]),
            f.text("hospital", "指定医療機関（病院・診療所）", "Designated clinic",
                   max_length=100),
            f.text("pharmacy", "指定医療機関（薬局）", "Designated pharmacy", max_length=100,
                   required=False),
            f.consent(),
        ],
    ),
    f.procedure(
        "fukushi-taxi", "重度心身障がい者福祉タクシー券の交付申請",
        "Taxi vouchers for people with severe disabilities", "fukushi",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=14,
        requirements_ja=_TECHO_JA + "年度ごとに申請。自動車税の減免を受けている方は"
        "対象外。",
        requirements_en=_TECHO_EN + " Apply every fiscal year. Not available if you "
        "receive an automobile tax exemption.",
        contact=SHOGAI, retention_years=3,
        fields=[
            f.name(),
            f.address(),
            f.text("techoNumber", "手帳番号", "Handbook number", personal=True,
                   max_length=20),
            f.choice("techoType", "手帳の種類", "Handbook type", [
                ("physical", "身体障害者手帳（1・2級）", "Physical (grade 1-2)"),
                ("ryoiku", "療育手帳（A）", "Intellectual (A)"),
                ("mental", "精神障害者保健福祉手帳（1級）", "Mental (grade 1)"),
            ]),
            f.phone(),
        ],
    ),
    f.procedure(
        "seikatsu-sodan", "生活困窮・生活保護の相談予約",
        "Booking for a consultation on financial hardship or public assistance", "fukushi",
        channels=["online", "counter"], assurance="none",
        fee_yen=0, processing_days=1,
        requirements_ja="予約なしでも相談できます。収入や預貯金、家賃がわかるものが"
        "あればお持ちください。",
        requirements_en="Walk-ins are welcome. Bring documents on income, savings and "
        "rent if you have them.",
        contact=SEIKATSU, retention_years=3,
        fields=[
            f.name(),
            f.choice("topic", "相談の内容", "Topic", [
                ("living", "生活費", "Living costs"),
                ("housing", "住まい・家賃", "Housing and rent"),
                ("job", "仕事", "Work"),
                ("debt", "借金", "Debt"),
                ("assistance", "生活保護", "Public assistance"),
            ], multiple=True),
            f.date("preferredDate", "希望日", "Preferred date", not_past=True),
            f.remarks("details", "困っていること", "What you need help with"),
            f.phone(),
        ],
    ),
]
