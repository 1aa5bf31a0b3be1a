"""Plausible, valid answers to a procedure's form for the demo city.

Given a form schema and a fictional applicant, :func:`generate_answers` fills
every required field (and some optional ones) with values that satisfy the
field's type and constraints on the day of submission (Japan time): the
applicant's own data for name, kana, address, birth date, phone and e-mail,
believable values for everything else. The result is checked against the
form before it is returned, so a schema the generator does not understand
fails loudly here rather than half-way through loading the demo.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from domain.catalogue.forms import FormField, FormSchema

OPTIONAL_RATE = 0.5

_CHILD_GIVEN = [("陽翔", "ハルト"), ("結菜", "ユイナ"), ("蒼", "アオイ"), ("凛", "リン"),
                ("湊", "ミナト"), ("紬", "ツムギ"), ("大翔", "ヒロト"), ("芽依", "メイ")]
_OTHER_ADDRESSES = ["栃木県宇都宮市本町1番地2", "栃木県小山市城山町3丁目4番地5",
                    "東京都千代田区見本町1丁目2番3号", "埼玉県さいたま市浦和区見本2丁目3番地"]

# key -> candidate values (free text that is not about the applicant)
_TEXT_POOL: dict[str, list[str]] = {
    "activity": ["子育てサークルの定例会", "地区の健康体操教室", "合唱団の練習"],
    "bankAccount": ["足利銀行 石橋支店 普通 1234567", "栃木銀行 自治医大駅前支店 普通 7654321",
                    "小山農業協同組合 下野支店 普通 1112223"],
    "bankName": ["足利銀行 石橋支店", "栃木銀行 小金井支店", "小山農業協同組合 下野支店"],
    "breed": ["柴犬", "トイ・プードル", "ミニチュア・ダックスフンド", "雑種"],
    "businessName": ["しもつけ珈琲店", "見本デザイン工房", "ゆうがお食堂"],
    "clinic": ["しもつけクリニック", "自治医科大学附属病院", "ささはら動物病院"],
    "coatColour": ["茶", "白", "黒", "茶白"],
    "comments": ["手続きがわかりやすくなり助かりました。", "窓口の案内がとても丁寧でした。"],
    "concerns": ["今後の手続きの流れを知りたいです。", "必要書類について相談したいです。"],
    "contractor": ["下野設備工業株式会社", "見本建設株式会社", "しもつけ水道サービス"],
    "course": ["はじめてのスマートフォン講座", "郷土の歴史講座", "健康料理教室"],
    "crop": ["いちご", "かんぴょう", "米", "トマト"],
    "currentPrefecture": ["東京都", "埼玉県", "茨城県", "群馬県"],
    "description": ["道路脇に大型ごみが放置されています。", "側溝のふたが破損しています。"],
    "details": ["日中の介護について相談したいです。", "生活費の支払いに困っています。"],
    "diet": ["卵アレルギーがあります。", "特になし"],
    "doctor": ["自治医科大学附属病院 見本 一郎", "しもつけクリニック 見本 花子"],
    "dogName": ["ポチ", "モモ", "コタロウ", "ハナ"],
    "estate": ["市営見本団地", "市営ささはら団地"],
    "facility": ["特別養護老人ホーム見本苑", "介護老人保健施設しもつけ"],
    "facilityName": ["下野市立こども館", "見本保育園"],
    "farmName": ["下野ファーム", "見本農園"],
    "frameNumber": ["ABC1-2345678", "JF12-3456789"],
    "groupName": ["下野市見本自治会", "しもつけ子ども会", "見本商店会"],
    "health": ["特になし", "ぜんそくの持病があります。"],
    "hospital": ["自治医科大学附属病院", "しもつけクリニック"],
    "insuranceNumber": ["記号12 番号3456", "記号34 番号7890"],
    "item": ["入浴用いす", "ポータブルトイレ", "歩行補助つえ"],
    "itemList": ["タンス、自転車", "ソファー", "電子レンジ、扇風機"],
    "leakLocation": ["宅地内の給水管（メーター付近）", "屋外散水栓の配管"],
    "machine": ["トラクター", "田植機", "コンバイン"],
    "maker": ["ホンダ", "ヤマハ", "スズキ"],
    "message": ["公園の遊具を増やしてほしいです。", "駅周辺の駐輪場を拡充してほしいです。"],
    "municipality": ["下野市", "小山市", "宇都宮市"],
    "opinion": ["計画案に賛成します。", "歩道の整備を優先してほしいです。"],
    "pharmacy": ["しもつけ薬局", "見本調剤薬局"],
    "plan": ["下野市総合計画（案）", "下野市環境基本計画（案）"],
    "plateNumber": ["とちぎ 500 さ 12-34", "下野市 あ 123"],
    "projectName": ["地域交流イベント事業", "空き店舗活用事業"],
    "schemeName": ["下野市創業支援補助金", "下野市住宅改修補助金"],
    "school": ["下野市立古山小学校", "下野市立石橋小学校", "下野市立祇園小学校"],
    "schoolName": ["下野市立南河内中学校", "下野市立国分寺小学校"],
    "subject": ["公園の遊具について", "ごみ収集について"],
    "symptoms": ["特になし", "高血圧で通院中です。"],
    "techoNumber": ["第012345号", "第067890号"],
    "registrationNumber": ["下野第1234号", "下野第5678号"],
}
# where something is (a lot, a building, a place in town): never an applicant's home
# address, which is personal and kept only in fields declared personal
_PLACES = ["下野市笹原地内 市道1-23号線沿い", "下野市石橋 見本公園の北側", "下野市国分寺地内 農道脇",
           "下野市薬師寺3500番地先", "下野市小金井 字見本1234番", "下野市仁良川 字中ノ内567番"]
_OTHER_PERSON_KEYS = ("deceased", "oldName", "transferor", "wifeName", "subjectName", "agentName")
_CHILD_KEYS = ("child", "pupil")


class Person:
    """The applicant's data, read from a ``DEMO_APPLICANTS`` entry."""

    def __init__(self, entry: Mapping[str, Any]) -> None:
        def get(*keys: str) -> str:
            return next((str(entry[k]) for k in keys if entry.get(k)), "")

        self.name = get("name")
        self.kana = get("name_kana", "nameKana", "kana")
        self.address = get("address")
        self.birth_date = get("birth_date", "birthDate")
        self.phone = get("phone")
        self.email = get("email")

    @property
    def family(self) -> tuple[str, str]:
        return self.name.split(" ")[0], self.kana.split(" ")[0]


def generate_answers(
    form: FormSchema,
    person: Person,
    others: list[Person],
    *,
    today: date,
    rng: random.Random,
) -> dict[str, Any]:
    """Valid answers to ``form`` for ``person`` on ``today`` (the submission day)."""
    answers: dict[str, Any] = {}
    child = rng.choice(_CHILD_GIVEN)
    for f in form.fields:
        if not f.required and rng.random() >= OPTIONAL_RATE:
            continue
        value = _value(f, person, others, child, today, rng)
        if value is not None:
            answers[f.key] = value
    personal = [f for f in form.fields if f.personal]
    if personal and not any(f.key in answers for f in personal):
        # someone always gives a name or a contact (and read models seal a
        # resubmission's answers by the subject of their personal values)
        f = personal[0]
        answers[f.key] = _value(f, person, others, child, today, rng)
    errors = form.validate(answers, today=today)
    for error in errors:  # drop optional answers the generator got wrong
        key = error.path.removeprefix("answers.").split(".")[0].split("[")[0]
        f = form.field(key)
        if f is not None and not f.required:
            answers.pop(key, None)
    if errors and (errors := form.validate(answers, today=today)):
        raise ValueError(f"cannot generate valid answers: {[e.path for e in errors]}")
    return answers


def _value(f: FormField, person: Person, others: list[Person], child: tuple[str, str],
           today: date, rng: random.Random) -> Any:
    c = f.constraints
    if f.type == "boolean":
        return True if c.get("must_be_true") else rng.random() < 0.5
    if f.type == "choice":
        options = [o.value for o in f.options]
        if c.get("multiple"):
            return rng.sample(options, rng.randint(1, min(3, len(options))))
        return rng.choice([options[0], *options])  # the first option a little more often
    if f.type == "number":
        return _number(f, c, today, rng)
    if f.type == "date":
        return _date(f, c, person, today, rng).isoformat()
    return _fit(_text(f, person, others, child, today, rng), c, rng)


def _text(f: FormField, person: Person, others: list[Person], child: tuple[str, str],
          today: date, rng: random.Random) -> str:
    key, lower = f.key, f.key.lower()
    if key in _TEXT_POOL:
        return rng.choice(_TEXT_POOL[key])
    other = rng.choice(others) if others else person
    if "kana" in lower or "カナ" in f.label_ja:
        if any(k in lower for k in _CHILD_KEYS):
            return f"{person.family[1]} {child[1]}"
        return other.kana if any(k.lower() in lower for k in _OTHER_PERSON_KEYS) else person.kana
    if "phone" in lower or "tel" in lower:
        return person.phone
    if "mail" in lower and "address" not in lower:
        return person.email
    if "location" in lower and not f.personal:
        return rng.choice(_PLACES)
    if "address" in lower or "location" in lower or key == "honseki":
        if key in ("previousAddress", "forwardingAddress", "stayAddress"):
            return rng.choice(_OTHER_ADDRESSES)
        if key == "newAddress":
            return other.address
        return person.address
    if any(k in lower for k in _CHILD_KEYS):
        return f"{person.family[0]} {child[0]}"
    if any(k.lower() in lower for k in _OTHER_PERSON_KEYS):
        return other.name
    if lower.endswith("name") or "氏名" in f.label_ja or key in ("hittosha", "representative"):
        return person.name
    if lower.endswith("year"):
        return str(today.year if today.month >= 4 else today.year - 1)
    if lower.endswith("month"):
        first = today.replace(day=1) - timedelta(days=1)
        return f"{first.year}-{first.month:02d}"
    if lower.endswith("number"):
        return "".join(rng.choice("0123456789") for _ in range(8))
    if f.constraints.get("multiline"):
        return "特になし"
    return f"{f.label_ja}（記載のとおり）"


def _fit(text: str, c: Mapping[str, Any], rng: random.Random) -> str:
    low, high = c.get("min_length"), c.get("max_length")
    if (low is None or len(text) >= low) and (high is None or len(text) <= high):
        return text
    if low is not None:  # a code of fixed-ish length: digits
        size = low if high is None else rng.randint(low, max(low, min(high, low + 2)))
        return "".join(rng.choice("0123456789") for _ in range(size))
    return text[:high]


def _number(f: FormField, c: Mapping[str, Any], today: date, rng: random.Random) -> int | float:
    low = c.get("min", 0)
    high = c.get("max", low + 100)
    key = f.key.lower()
    if key.endswith("year"):
        value: float = rng.randint(int(max(low, min(high, 1955))), int(min(high, today.year)))
    elif high - low <= 20 and not c.get("integer"):
        value = round(rng.uniform(low + (high - low) * 0.2, high), 1)
    elif high - low <= 20:
        value = low + min(rng.choice([0, 0, 1, 1, 2, 3]), high - low)
    else:
        a = max(low, 1000 if key.endswith("yen") else 1)
        b = min(high, a * 200)
        value = math.exp(rng.uniform(math.log(a), math.log(max(a, b))))
        if key.endswith("yen") and value >= 1000:
            value = round(value, -2)
    if c.get("integer"):
        value = math.floor(value)
        value = int(min(max(value, math.ceil(low)), math.floor(high)))
    else:
        value = min(max(round(value, 1), low), high)
    return value


def _date(f: FormField, c: Mapping[str, Any], person: Person, today: date,
          rng: random.Random) -> date:
    low = date.fromisoformat(c["min"]) if c.get("min") else None
    high = date.fromisoformat(c["max"]) if c.get("max") else None
    if c.get("not_future"):
        high = min(high, today) if high else today
    if c.get("not_past"):
        low = max(low, today) if low else today
    key = f.key.lower()
    if f.key == "birthDate" and "出生" not in f.label_ja and person.birth_date:
        window = (date.fromisoformat(person.birth_date),) * 2
    elif "birth" in key:
        years = 12 if "child" in key or "dog" in key else 0
        window = (today - timedelta(days=365 * years + 30), today - timedelta(days=3))
    elif key == "duedate":
        window = (today + timedelta(days=30), today + timedelta(days=200))
    elif c.get("not_past"):
        window = (today + timedelta(days=3), today + timedelta(days=60))
    elif c.get("not_future"):
        window = (today - timedelta(days=90), today)
    else:
        window = (today - timedelta(days=30), today + timedelta(days=60))
    a = max(window[0], low) if low else window[0]
    b = min(window[1], high) if high else window[1]
    if a > b:  # the usual window misses the constraints: anywhere they allow
        a = low or (high - timedelta(days=365 * 30))  # type: ignore[operator]
        b = high or (low + timedelta(days=365 * 30))  # type: ignore[operator]
    return a + timedelta(days=rng.randint(0, (b - a).days))
