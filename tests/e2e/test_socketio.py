"""End-to-end: the socket.io channel (what the web widget uses) answers with the knowledge base's facts.
This also guards the python-socketio 5.9.0 / python-engineio 4.8.0 pins that Rasa's channel needs."""
from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio
from sqlalchemy.orm import Session

from support.chat import Reply, RestChat, assert_mentions
from knowledge import queries as q

pytestmark = pytest.mark.e2e


async def socketio_chat(base_url: str, questions: list[str], transport: str) -> list[Reply]:
    """Ask `questions` in one socket.io session (events of credentials.yml) and collect each reply."""
    client = socketio.AsyncClient(reconnection=False)
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    confirmed = asyncio.Event()
    session_id = uuid.uuid4().hex

    client.on("bot_uttered", lambda data: inbox.put_nowait(data))
    client.on("session_confirm", lambda data: confirmed.set())
    await client.connect(base_url, transports=[transport], socketio_path="/socket.io", wait_timeout=30)
    replies = []
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), timeout=30)
        for question in questions:
            await client.emit("user_uttered", {"message": question, "session_id": session_id})
            messages = [await asyncio.wait_for(inbox.get(), timeout=60)]
            while True:  # a reply may come as several messages; collect until the bot goes quiet
                try:
                    messages.append(await asyncio.wait_for(inbox.get(), timeout=2))
                except asyncio.TimeoutError:
                    break
            replies.append(Reply(question, tuple(messages)))
    finally:
        await client.disconnect()
    return replies


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_socketio_conversation_with_follow_up(bot: RestChat, kb: Session, transport: str) -> None:
    """Over socket.io the bot answers a question and its follow-up in the same session."""
    # A thread of its own gives the client a fresh event loop whatever loop the main thread holds (Playwright's
    # sync API, used by the widget tests, keeps one running for the whole session).
    with ThreadPoolExecutor(max_workers=1) as pool:
        first, follow_up = pool.submit(asyncio.run, socketio_chat(bot.base_url, ["what is PMP?", "what about CSM?"],
                                                                  transport)).result(timeout=300)
    assert_mentions(first, q.certification(kb, "PMP").name)
    assert_mentions(follow_up, q.certification(kb, "CSM").name)
