"""Configuration from the environment; every variable is prefixed ``MADOGUCHI_``."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from infra import dev_secret
from infra.rate_limit import Rate

MIN_JWT_SECRET_LENGTH = 32


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
    jwks_file: Path | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    rate_limit_anonymous_submissions: str = "10/min"
    rate_limit_ticket_issuing: str = "30/min"
    rate_limit_anonymous_uploads: str = "20/min"  # POST /attachments without a token
    # the trust boundary (docs/security.md): reverse proxies whose X-Forwarded-For is
    # believed (IPs or networks, comma-separated; none by default), the largest
    # request body of /graphql, webhooks and JSON routes, and the deepest JSON nesting
    trusted_proxies: str = ""
    max_body_bytes: int = Field(1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    max_json_depth: int = Field(32, ge=4, le=1000)
    read_wait_timeout: float = Field(2.0, gt=0, le=30)
    projection_batch_size: int = Field(500, ge=1, le=10_000)
    projection_poll_interval: float = Field(0.05, gt=0, le=5)
    log_level: str = "INFO"
    max_recalls: int = Field(2, ge=0, le=10)  # counter visits: recalls before a no-show
    counter_hours: str = "8:30〜17:15"  # 受付時間, shown on the hall's board and congestion page
    turn_near_ahead: int = Field(3, ge=0, le=100)  # counter visits: `turnNear` when ≤ N are ahead
    # the counter's 手続きナビ rules, a JSON file (infra/counter_rules.py); unset: the
    # demo city's outside production, none in production
    counter_rules: Path | None = None
    # issued documents: lifetime of a signed download link, in seconds (docs/security.md)
    download_link_ttl: int = Field(300, ge=10, le=3600)
    # personal data: master key (base64 of 32 bytes; a dev key file outside
    # production), how long another process may still use a forgotten key, and
    # the escape hatch for PostgreSQL servers running without fsync
    master_key: SecretStr | None = Field(None, repr=False)
    key_cache_ttl: float = Field(5.0, ge=0, le=300)
    allow_unsafe_durability: bool = False
    graphql_max_depth: int = Field(10, ge=1, le=100)
    graphql_max_aliases: int = Field(15, ge=0, le=1000)
    # personal-data access log: the records of concurrent reads share one transaction
    access_log_group_commit: bool = True
    graphql_max_tokens: int = Field(2000, ge=100, le=100_000)
    graphql_max_fields: int = Field(250, ge=10, le=10_000)  # the introspection query has 220
    graphql_max_field_repeats: int = Field(10, ge=1, le=1000)
    graphql_document_cache_size: int = Field(512, ge=0, le=100_000)
    # payments: active webhook secrets, comma-separated (several during rotation)
    payment_webhook_secrets: SecretStr | None = Field(None, repr=False)
    payment_webhook_tolerance: int = Field(300, ge=1, le=3600)
    # payments: the provider adapter (unset URL: no provider, online payments end in `error`)
    payment_provider_url: str | None = None
    payment_provider_api_key: SecretStr | None = Field(None, repr=False)
    payment_provider_timeout: float = Field(10.0, gt=0, le=120)
    # the sweep (`madoguchi payments sweep`): poll payments left open this many minutes,
    # expire unpaid ones after this many minutes
    payment_poll_after: int = Field(15, ge=1, le=7 * 24 * 60)
    payment_expire_after: int = Field(90, ge=1, le=30 * 24 * 60)
    # tamper evidence: Ed25519 key (PEM text or file path) and automatic checkpoints
    audit_signing_key: str | None = Field(None, repr=False)
    audit_checkpoint_every: int = Field(1000, ge=0, le=10_000_000)
    # the log's name in C2SP checkpoints (origin line and note key name): no spaces, no '+'
    audit_origin: str = Field("madoguchi.example/audit", min_length=1, max_length=200,
                              pattern=r"^[^\s+]+$")
    # online identity (JPKI 署名用電子証明書, docs/identity.md): J-LIS CA certificates
    # and CRLs (a PEM/DER file or a directory of them), and the HMAC key of the
    # recorded certificate serial hash (a dev key file outside production)
    jpki_trust_anchors: Path | None = None
    jpki_crls: Path | None = None
    jpki_serial_hash_key: SecretStr | None = Field(None, repr=False)
    # possible duplicate applications (docs/events.md): the city's HMAC key of the
    # read model's submission fingerprints (a dev key file outside production;
    # in production, without one, duplicates are not flagged)
    duplicate_fingerprint_key: SecretStr | None = Field(None, repr=False)
    # applicant notifications (docs/notifications.md): SMTP server (unset: .eml files
    # under <data_dir>/mail), sender address, attempts before a mail is abandoned,
    # how often `serve` sends due mails (0: not in serve), the public base URL of
    # confirmation links and their HMAC key (a dev key file when unset)
    smtp_url: SecretStr | None = Field(None, repr=False)
    mail_from: str = "madoguchi@example.lg.jp"
    mail_max_attempts: int = Field(5, ge=1, le=50)
    mail_send_interval: float = Field(30.0, ge=0, le=3600)
    public_url: str = "http://127.0.0.1:8000"
    email_confirmation_key: SecretStr | None = Field(None, repr=False)

    @property
    def uses_postgres(self) -> bool:
        return bool(self.database_url)

    @field_validator("jwt_secret")
    @classmethod
    def _long_enough(cls, value: str | None) -> str | None:
        if value and len(value) < MIN_JWT_SECRET_LENGTH:
            raise ValueError(f"MADOGUCHI_JWT_SECRET needs at least {MIN_JWT_SECRET_LENGTH} characters")
        return value or None

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)  # ValueError names the bad entry
        return value

    @field_validator("rate_limit_anonymous_submissions", "rate_limit_ticket_issuing",
                     "rate_limit_anonymous_uploads")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        Rate.parse(value)
        return value

    @property
    def dev_jwt_secret_path(self) -> Path:
        return self.data_dir / dev_secret.DEV_SECRET_FILE

    @property
    def effective_jwt_secret(self) -> str | None:
        """The HS256 secret: the configured one; outside production without one,
        the development secret of this data directory (generated on first use);
        in production without one, None (HS256 tokens are then refused)."""
        if self.jwt_secret:
            return self.jwt_secret
        if self.env == "production":
            return None
        return dev_secret.load_or_create(self.dev_jwt_secret_path)

    @property
    def effective_jpki_serial_hash_key(self) -> bytes | None:
        """The configured key; outside production without one, a development key
        under the data directory (generated on first use); in production, None."""
        if self.jpki_serial_hash_key is not None:
            return self.jpki_serial_hash_key.get_secret_value().encode("utf-8")
        if self.env == "production":
            return None
        return dev_secret.load_or_create(self.data_dir / "dev-jpki-serial-hash-key").encode("ascii")

    @property
    def effective_duplicate_fingerprint_key(self) -> bytes | None:
        """The configured key; outside production without one, a development key
        under the data directory (generated on first use); in production, None."""
        if self.duplicate_fingerprint_key is not None:
            return self.duplicate_fingerprint_key.get_secret_value().encode("utf-8")
        if self.env == "production":
            return None
        return dev_secret.load_or_create(self.data_dir / "dev-duplicate-fingerprint-key").encode("ascii")

    @property
    def effective_email_confirmation_key(self) -> bytes:
        """The configured key, else a random key kept under the data directory."""
        if self.email_confirmation_key is not None:
            return self.email_confirmation_key.get_secret_value().encode("utf-8")
        return dev_secret.load_or_create(self.data_dir / "email-confirmation-key").encode("ascii")

    @property
    def events_path(self) -> Path:
        return self.data_dir / "events.sqlite3"

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite3"
