"""Fixtures of the insights tests: the session's real action server and Rasa server, and headless Chromium.

They are the channel tests' fixtures (tests/channels/conftest.py), imported here by name until they move to
tests/conftest.py with the same names; then this import finds nothing to add and can go.
"""
try:
    from channels.conftest import (action_server, browser, knowledge_db_url, rasa_server,  # noqa: F401
                                   servers_log_dir, trained_model)
except ImportError:  # already shared by tests/conftest.py
    pass
