"""The closed vocabularies of the product, each with its Japanese label."""

from __future__ import annotations

CHANNELS = ("online", "counter", "mail")
CHANNEL_LABELS = {
    "online": ("オンライン", "Online"),
    "counter": ("窓口", "Counter"),
    "mail": ("郵送", "Mail"),
}

ASSURANCE_LEVELS = ("none", "account", "jpki_signature")
ASSURANCE_LABELS = {
    "none": ("かんたん申請（本人確認なし）", "Simple (no identity check)"),
    "account": ("利用者登録による申請", "Signed-in account"),
    "jpki_signature": ("本人確認が必要な手続き（マイナンバーカード署名）", "My Number card signature"),
}

RETENTION_YEARS = (1, 3, 5, 10, 30)

ROLE_LABELS = {
    "citizen": ("市民", "Citizen"),
    "staff": ("職員", "Staff"),
    "manager": ("管理職", "Manager"),
    "analyst": ("分析担当", "Analyst"),
    "auditor": ("監査担当", "Auditor"),
    "admin": ("システム管理者", "Administrator"),
    "system": ("システム", "System"),
    "anonymous": ("匿名", "Anonymous"),
}
