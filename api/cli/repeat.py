"""Commands that run once, or again every N seconds until stopped (``--every``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Annotated, Any

import typer

from api.composition import Container

#: The ``--every`` option, the same for every repeating command.
Every = Annotated[float | None, typer.Option(help="Repeat every SECONDS until stopped")]


def run_every(every: float | None, step: Callable[[Container], Any],
              open_container: Callable[[], Container]) -> None:
    """Open the container once, run ``step`` and print its result as one JSON
    line; with ``every``, sleep and repeat until interrupted. The container is
    closed however it ends."""
    container = open_container()
    try:
        while True:
            print(json.dumps(step(container), ensure_ascii=False), flush=True)
            if not every:
                return
            time.sleep(every)
    except KeyboardInterrupt:
        return
    finally:
        container.close()
