"""The end-to-end helpers' former home: every name now comes from the one test harness, tests/support/
(env, ports, servers, chat). Kept so that tests importing `e2e.harness` keep working; new code imports
`support.*`."""
from __future__ import annotations

from support.chat import Conversation, Reply, RestChat, assert_matches, assert_mentions, assert_polite, normalize
from support.env import BIN, BUILT_FILES, MODEL, REPO_ROOT, in_ci, make_env, require_built, require_model, \
    run_rasa_command, server_env, tail, tracker_store_url
from support.ports import free_port, port_open, wait_port_closed
from support.servers import Server, http_ok, start_server, wait_until

__all__ = ["BIN", "BUILT_FILES", "MODEL", "REPO_ROOT", "Conversation", "Reply", "RestChat", "Server",
           "assert_matches", "assert_mentions", "assert_polite", "free_port", "http_ok", "in_ci", "make_env",
           "normalize", "port_open", "require_built", "require_model", "run_rasa_command", "server_env",
           "start_server", "tail", "tracker_store_url", "wait_port_closed", "wait_until"]
