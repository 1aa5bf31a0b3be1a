"""Configuration from the environment; every variable is prefixed ``MADOGUCHI_``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "madoguchi-development-secret-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MADOGUCHI_", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("./var")
    database_url: str | None = None
    database_schema: str = "public"
    host: str = "127.0.0.1"
    port: int = 8000
    run_projections: bool = True
    jwt_secret: str | None = None
    read_wait_timeout: float = Field(2.0, gt=0, le=30)
    projection_batch_size: int = Field(500, ge=1, le=10_000)
    projection_poll_interval: float = Field(0.05, gt=0, le=5)
    log_level: str = "INFO"
    graphql_max_depth: int = Field(10, ge=1, le=100)
    graphql_max_aliases: int = Field(15, ge=0, le=1000)
    graphql_max_tokens: int = Field(2000, ge=100, le=100_000)

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url)

    @property
    def effective_jwt_secret(self) -> str | None:
        """The HS256 secret: the configured one, or the development secret
        outside production."""
        if self.jwt_secret:
            return self.jwt_secret
        return DEV_JWT_SECRET if self.env != "production" else None

    @property
    def events_path(self) -> Path:
        return self.data_dir / "events.sqlite3"

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite3"
