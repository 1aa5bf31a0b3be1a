"""Domain errors. Each carries a stable machine code that the API reports as
``extensions.code``; messages are English, with a Japanese message where a
citizen or member of staff reads it."""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    code = "DOMAIN_ERROR"

    def __init__(self, message: str, *, message_ja: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_ja = message_ja or message


class InvalidTransition(DomainError):
    """A command that the aggregate's current state does not allow."""

    code = "INVALID_TRANSITION"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    """The thing already exists, or someone else changed it first (retryable)."""

    code = "CONFLICT"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


@dataclass(frozen=True)
class FieldError:
    """One failing input: where (a path such as ``answers.members[1].birthDate``),
    which rule, and a message in Japanese and English."""

    path: str
    rule: str
    message_en: str
    message_ja: str
    params: dict[str, object] = field(default_factory=dict)

    def under(self, prefix: str) -> FieldError:
        """The same error, with its path placed under ``prefix``."""
        joined = f"{prefix}.{self.path}" if not self.path.startswith("[") else prefix + self.path
        return FieldError(joined, self.rule, self.message_en, self.message_ja, self.params)


class ValidationFailed(DomainError):
    code = "VALIDATION_FAILED"

    def __init__(self, errors: list[FieldError]) -> None:
        if not errors:
            raise ValueError("ValidationFailed needs at least one FieldError")
        summary = "; ".join(f"{e.path}: {e.rule}" for e in errors)
        super().__init__(f"validation failed: {summary}", message_ja="入力内容に誤りがあります")
        self.errors = list(errors)

    @classmethod
    def single(cls, path: str, rule: str, message_en: str, message_ja: str) -> ValidationFailed:
        return cls([FieldError(path, rule, message_en, message_ja)])
