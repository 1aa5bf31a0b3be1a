"""Seed data for the demo city, 下野市 (Shimotsuke, Tochigi).

Pure data: departments, the procedure catalogue (grouped by department in
sibling modules) and fictional applicants. Nothing here imports from the
rest of the project.
"""

from __future__ import annotations

from . import (
    chiiki,
    fukushi,
    gakko,
    hoken_nenkin,
    jogesuido,
    kankyo,
    kenchiku,
    kenko,
    kodomo,
    korei,
    koseki,
    nosei,
    shimin,
    shoko,
    sogo,
    zeimu,
)
from .applicants import DEMO_APPLICANTS
from .departments import DEPARTMENTS

PROCEDURES: list[dict] = [
    *shimin.PROCEDURES,
    *koseki.PROCEDURES,
    *hoken_nenkin.PROCEDURES,
    *zeimu.PROCEDURES,
    *kodomo.PROCEDURES,
    *korei.PROCEDURES,
    *kenko.PROCEDURES,
    *kankyo.PROCEDURES,
    *jogesuido.PROCEDURES,
    *gakko.PROCEDURES,
    *nosei.PROCEDURES,
    *shoko.PROCEDURES,
    *sogo.PROCEDURES,
    *fukushi.PROCEDURES,
    *kenchiku.PROCEDURES,
    *chiiki.PROCEDURES,
]

__all__ = ["DEMO_APPLICANTS", "DEPARTMENTS", "PROCEDURES"]
