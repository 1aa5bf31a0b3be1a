"""The CLI fixtures of the audit command tests (``madoguchi`` with the test store's settings)."""

from tests.audit.test_api_cli import cli, env, files  # noqa: F401
