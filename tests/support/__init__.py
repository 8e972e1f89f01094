"""The test harness of every suite: paths and environment (`env`), loopback ports (`ports`), server processes
and the shared action server + Rasa server pair (`servers`), a REST chat client and reply assertions (`chat`),
and the session fixtures that tests/conftest.py registers for every test directory (`fixtures`).

Nothing here runs at import time."""
