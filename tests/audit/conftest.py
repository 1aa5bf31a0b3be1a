"""The CLI fixtures of the audit command tests (``madoguchi`` with the test store's settings)."""

from tests.api.test_audit_cli import cli, env, files  # noqa: F401
