"""The HS256 secret every test container is configured with, so tokens minted by
the tests (``tests.shared.api_support.token``) are accepted by the container's API."""

TEST_JWT_SECRET = "madoguchi-tests-only-secret-0123456789abcdef"
