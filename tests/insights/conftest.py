"""Fixtures of the insights tests. The session's real action server and Rasa server come from tests/conftest.py
(tests/support/fixtures.py); headless Chromium is the channel tests' `browser` fixture, shared from here."""
from channels.conftest import browser  # noqa: F401
