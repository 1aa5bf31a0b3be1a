"""Full rebuild of every read model, against the raw read+decode rate of the same log.

    python -m bench.rebuild [--events N] [--postgres URL]

Generates a city log fast (applications saved many per transaction through the
real domain and event store), then measures in one run:
  raw  = select_notifications + decode of every event (the floor of any rebuild)
  full = engine.rebuild of every projection
and prints full/raw as a ratio (target >= 0.5).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from api.composition import build_container
from domain.applications import Application
from domain.context import Actor, CommandContext
from infra.settings import Settings

FIELDS = [
    {"key": "copies", "label_ja": "通数", "label_en": "Copies", "type": "number",
     "required": True, "constraints": {"min": 1, "max": 10, "integer": True}},
    {"key": "address", "label_ja": "住所", "label_en": "Address", "type": "text",
     "personal": True, "constraints": {"max_length": 200}},
]


def generate(container, events: int) -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    admin = CommandContext(Actor("bench", "admin"), start, "bench")
    container.catalogue.establish_department(admin, code="shimin", name_ja="市民課", name_en="Citizens")
    container.catalogue.define_procedure(
        admin, code="juminhyo", name_ja="住民票の写し", name_en="Residence certificate",
        department="shimin", channels=["online", "counter"], assurance="none", fee_yen=300,
        processing_days=3, fields=FIELDS,
    )
    container.catalogue.publish_online(admin, "juminhyo")
    procedure = container.catalogue.get_procedure("juminhyo")
    staff = Actor("bench-staff", "staff", "shimin")
    written, batch, i = 3, [], 0
    while written < events:
        at = start + timedelta(seconds=i)
        ctx = CommandContext(staff, at, f"bench-{i}")
        app = Application.submit(
            ctx, id=uuid.uuid4(), procedure=procedure, form_version=None, channel="counter",
            applicant_subject=None, applicant_name=f"住民 {i}", contact_email=None,
            answers={"copies": 1 + i % 3, "address": "栃木県下野市笹原26"},
        )
        app.receive(ctx)
        app.approve(ctx)
        app.complete(ctx)
        batch.append(app)
        written += 4
        i += 1
        if len(batch) >= 250:
            container.log.save(*batch)
            batch.clear()
    if batch:
        container.log.save(*batch)


def raw_rate(container) -> float:
    recorder, mapper = container.log.recorder, container.log.mapper
    t0, position, count = time.perf_counter(), 0, 0
    while True:
        batch = recorder.select_notifications(position, 500, inclusive_of_start=False)
        if not batch:
            break
        for n in batch:
            mapper.to_domain_event(n)
        count += len(batch)
        position = batch[-1].id
    return count / (time.perf_counter() - t0)


def rebuild_rate(container) -> float:
    head = container.log.head()
    t0 = time.perf_counter()
    for name in container.engine.projections:
        container.engine.rebuild(name, grace=0)
    return head / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="postgresql://… (default: SQLite)")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="madoguchi-bench-"))
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    settings = Settings(env="test", data_dir=data, database_url=args.postgres, database_schema=schema)
    container = build_container(settings)
    try:
        t0 = time.perf_counter()
        generate(container, args.events)
        print(f"generated {container.log.head():,} events in {time.perf_counter() - t0:.1f}s "
              f"on {'PostgreSQL' if args.postgres else 'SQLite'}")
        raw = raw_rate(container)
        full = rebuild_rate(container)
        projections = len(container.engine.projections)
        print(f"raw select_notifications + decode: {raw:,.0f} events/s")
        print(f"full rebuild of {projections} read models: {full:,.0f} events/s")
        print(f"ratio full/raw = {full / raw:.2f} (target >= 0.5)")
    finally:
        container.close()
        if args.postgres:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
