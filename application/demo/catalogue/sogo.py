"""総合政策課 — 広聴・アンケート・移住相談・汎用の補助金申請."""

from __future__ import annotations

from . import fields as f

KOCHO = "総合政策課 広報広聴係 0285-32-8920"
SEISAKU = "総合政策課 政策推進係 0285-32-8921"

_AGE_GROUPS: list[f.Option] = [
    ("10s", "10代", "Teens"),
    ("20s", "20代", "20s"),
    ("30s", "30代", "30s"),
    ("40s", "40代", "40s"),
    ("50s", "50代", "50s"),
    ("60s", "60代", "60s"),
    ("70plus", "70代以上", "70 or over"),
]

_AREAS: list[f.Option] = [
    ("minami-kawachi", "南河内地区", "Minamikawachi area"),
    ("ishibashi", "石橋地区", "Ishibashi area"),
    ("kokubunji", "国分寺地区", "Kokubunji area"),
    ("outside", "市外", "Outside the city"),
]

_SATISFACTION: list[f.Option] = [
    ("5", "満足", "Satisfied"),
    ("4", "やや満足", "Somewhat satisfied"),
    ("3", "どちらともいえない", "Neutral"),
    ("2", "やや不満", "Somewhat dissatisfied"),
    ("1", "不満", "Dissatisfied"),
]

PROCEDURES: list[dict] = [
    f.procedure(
        "shimin-survey", "市民意識調査（市政に関するアンケート）",
        "Residents' survey on city services", "sogo",
        channels=["online", "counter", "mail"], assurance="none",
        fee_yen=0, processing_days=0,
        requirements_ja="匿名で回答できます。回答は統計的に処理し、個人が特定される"
        "ことはありません。",
        requirements_en="Answers are anonymous and used only for statistics.",
        contact=KOCHO, retention_years=1,
        fields=[
            f.choice("ageGroup", "年代", "Age group", _AGE_GROUPS),
            f.choice("area", "お住まいの地区", "Area", _AREAS),
            f.choice("satisfaction", "市の行政サービスの満足度", "Satisfaction",
                     _SATISFACTION),
            f.choice("priorities", "力を入れてほしい分野（3つまで）", "Priorities (up to 3)", [
                ("childcare", "子育て支援", "Childcare"),
                ("elderly", "高齢者福祉", "Elderly care"),
                ("disaster", "防災", "Disaster preparedness"),
                ("roads", "道路・交通", "Roads and transport"),
                ("economy", "産業振興", "Local economy"),
                ("digital", "行政のデジタル化", "Digital services"),
            ], multiple=True),
            f.boolean("usedOnline", "オンライン申請を利用したことがある",
                      "I have used online applications"),
            f.remarks("comments", "ご意見（任意）", "Comments (optional)", max_length=2000),
        ],
    ),
    f.procedure(
        "shicho-letter", "市長への手紙（市政への意見・提案）",
        "Letter to the mayor (opinions and proposals)", "sogo",
        channels=["online", "counter", "mail"], assurance="account",
        fee_yen=0, processing_days=21,
        requirements_ja="回答を希望する場合は氏名と連絡先が必要。"
        "個人の誹謗中傷や係争中の案件にはお答えできません。",
        requirements_en="Give your name and contact details if you would like a reply. "
        "We cannot reply on defamation or matters in litigation.",
        contact=KOCHO, retention_years=3,
        fields=[
            f.name(),
            f.choice("topic", "分野", "Topic", [
                ("welfare", "福祉・健康", "Welfare and health"),
                ("education", "教育・子育て", "Education and childcare"),
                ("environment", "環境・ごみ", "Environment and waste"),
                ("infrastructure", "道路・都市計画", "Roads and planning"),
                ("admin", "行政運営", "City administration"),
                ("other", "その他", "Other"),
            ]),
            f.text("subject", "件名", "Subject", max_length=100),
            f.remarks("message", "ご意見・ご提案", "Your message", required=True,
                      max_length=4000),
            f.boolean("replyWanted", "回答を希望する", "I would like a reply"),
            f.email(),
        ],
    ),
    f.procedure(
        "public-comment", "パブリックコメント（意見公募）への意見提出",
        "Public comment submission", "sogo",
        channels=["online", "counter", "mail"], assurance="none",
        fee_yen=0, processing_days=0,
        requirements_ja="市内在住・在勤・在学の方等が対象。意見に対する個別の回答は"
        "行わず、市の考え方を取りまとめて公表します。",
        requirements_en="For those living, working or studying in the city. No individual "
        "replies; a summary of the city's responses is published.",
        contact=SEISAKU, retention_years=3,
        fields=[
            f.text("plan", "意見を提出する計画案", "Draft plan", max_length=200),
            f.name(required=False),
            f.choice("status", "区分", "Status", [
                ("resident", "市内在住", "Resident"),
                ("worker", "市内在勤・在学", "Works or studies in the city"),
                ("business", "市内事業者", "Local business"),
                ("interested", "利害関係者", "Interested party"),
            ]),
            f.remarks("opinion", "ご意見", "Comment", required=True, max_length=4000),
        ],
    ),
    f.procedure(
        "iju-sodan", "移住・定住相談の予約",
        "Booking for a relocation consultation", "sogo",
        channels=["online", "counter"], assurance="none",
        fee_yen=0, processing_days=3,
        requirements_ja="オンライン（ビデオ通話）または市役所での相談。"
        "住まい・仕事・子育て支援の情報をご案内します。",
        requirements_en="By video call or at the city hall. Information on housing, jobs "
        "and childcare support.",
        contact=SEISAKU, retention_years=1,
        fields=[
            f.name(),
            f.text("currentPrefecture", "現在お住まいの都道府県", "Current prefecture",
                   max_length=10),
            f.choice("format", "相談方法", "Format", [
                ("video", "オンライン（ビデオ通話）", "Video call"),
                ("visit", "来庁", "In person"),
            ]),
            f.date("preferredDate", "希望日", "Preferred date", not_past=True),
            f.choice("interests", "関心のあること", "Interests", [
                ("housing", "住まい・空き家", "Housing"),
                ("job", "仕事・就農", "Jobs and farming"),
                ("childcare", "子育て・教育", "Childcare and schools"),
                ("support", "移住支援金", "Relocation grants"),
            ], multiple=True),
            f.email(required=True),
        ],
    ),
    f.procedure(
        "hojokin-general", "各種補助金の交付申請（汎用様式）",
        "Subsidy application (general form)", "sogo",
        channels=["online", "counter", "mail"], assurance="jpki_signature",
        fee_yen=0, processing_days=30,
        requirements_ja="各補助金の交付要綱に定める書類（事業計画書、収支予算書、"
        "見積書等）。市税の滞納がないこと。",
        requirements_en="Documents required by the scheme's rules (plan, budget, "
        "quotations). No unpaid city taxes.",
        contact=SEISAKU, retention_years=10,
        fields=[
            f.name("applicantName", "申請者（団体代表者）氏名", "Applicant's name"),
            f.address(),
            f.text("schemeName", "補助金の名称", "Name of the subsidy scheme", max_length=100),
            f.text("projectName", "事業名", "Project name", max_length=100),
            f.number("projectCostYen", "事業費（円）", "Project cost (yen)", minimum=1,
                     maximum=100_000_000),
            f.number("requestedYen", "交付申請額（円）", "Amount requested (yen)", minimum=1,
                     maximum=100_000_000),
            f.phone(),
            f.consent("consent", "市税の納付状況の確認に同意します",
                      "I consent to a check of my city tax payments"),
        ],
    ),
]
