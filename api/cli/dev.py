"""``madoguchi dev``: development helpers — a development My Number card and the
signature of a JPKI submission made with it (docs/identity.md#trying-it-with-a-development-card).

Refused in production: the development CA is trusted only in development."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from infra.dev_card import BasicFour, DevAuthority, read_card, sign_submission, write_card
from infra.settings import Settings

app = typer.Typer(help="Development helpers: a test My Number card and signatures.", no_args_is_help=True)
card_app = typer.Typer(help="Development cards (開発用カード).", no_args_is_help=True)
app.add_typer(card_app, name="card")
console = Console(stderr=True)
REFUSED = 2


def _development() -> Settings:
    settings = Settings()
    if settings.env == "production":
        console.print("[red]Development cards do not exist in production.[/red]")
        raise typer.Exit(REFUSED)
    return settings


@card_app.command("issue")
def issue(
    out: Annotated[Path, typer.Option(help="Where to write the card (JSON with its private key, 0600)")],
    name: Annotated[str, typer.Option(help="氏名 on the card")] = "下野 花子",
    address: Annotated[str, typer.Option(help="住所")] = "栃木県下野市笹原26",
    birth: Annotated[str, typer.Option(help="生年月日, YYYY-MM-DD or YYYYMMDD")] = "1990-05-01",
    sex: Annotated[str, typer.Option(help="性別: 1 male, 2 female, 3 other")] = "2",
) -> None:
    """Issue a development card signed by the data directory's development CA."""
    settings = _development()
    digits = birth.replace("-", "")
    if len(digits) != 8 or not digits.isdigit() or sex not in {"1", "2", "3"} or not name.strip():
        console.print("[red]--birth must be a date (YYYY-MM-DD), --sex 1, 2 or 3, --name not empty.[/red]")
        raise typer.Exit(REFUSED)
    card = DevAuthority(settings.data_dir).issue_card(BasicFour(name.strip(), address.strip(), digits, sex))
    write_card(card, out)
    console.print(f"development card for {name} written to {out} (trusted by this data directory's CA)")


@app.command("sign")
def sign(
    card: Annotated[Path, typer.Option(help="A card from `madoguchi dev card issue`")],
    procedure: Annotated[str, typer.Option(help="The procedure code, e.g. juminhyo-copy")],
    form_version: Annotated[int, typer.Option(help="The form version applied for")],
    answers: Annotated[Path, typer.Option(help="JSON file: the answers exactly as submitted")],
    nonce: Annotated[str, typer.Option(help="The nonce of signingChallenge(procedureCode)")],
) -> None:
    """Print the `signature` input of submitApplication (JSON)."""
    _development()
    try:
        card_data = read_card(card)
        answer_data = json.loads(answers.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(REFUSED) from None
    print(json.dumps(sign_submission(card_data, procedure, form_version, answer_data, nonce), ensure_ascii=False))
