"""With CAREERBOT_SPEEDUPS=0 (every Rasa speed patch off) careerbot gives the same answers. The multi-turn
conversations of test_conversations.py and a sample of test_single_questions.py's questions are asked of the
session's shared server pair and of a second pair started with CAREERBOT_SPEEDUPS=0 (`speedups_off_pair`,
tests/support/fixtures.py); every reply (texts and buttons) must be identical.

The questions are read from those two test files (their source, not run), so that a conversation added there
is compared here too."""
from __future__ import annotations

import ast
import json
from functools import lru_cache
from pathlib import Path

import pytest

from support.chat import Conversation, Reply, RestChat
from support.servers import ServerPair

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
SAMPLE_EVERY = 3  # every third single question of test_single_questions.CASES


@lru_cache(maxsize=None)
def conversations() -> dict[str, tuple[str, ...]]:
    """Each test of test_conversations.py and the messages it sends with `.ask("...")`, in order."""
    tree = ast.parse((HERE / "test_conversations.py").read_text())
    found: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            calls = sorted((call for call in ast.walk(node) if isinstance(call, ast.Call)
                            and isinstance(call.func, ast.Attribute) and call.func.attr == "ask"
                            and call.args and isinstance(call.args[0], ast.Constant)),
                           key=lambda call: (call.lineno, call.col_offset))
            found[node.name.removeprefix("test_")] = tuple(call.args[0].value for call in calls)
    return found


@lru_cache(maxsize=None)
def sample_questions() -> tuple[str, ...]:
    """Every SAMPLE_EVERY-th question of test_single_questions.CASES."""
    tree = ast.parse((HERE / "test_single_questions.py").read_text())
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id == "CASES":
            questions = [case.elts[0].value for case in node.value.elts]
            return tuple(questions[::SAMPLE_EVERY])
    return ()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per conversation and per sampled question (read at collection, not at import)."""
    if "conversation" in metafunc.fixturenames:
        names = sorted(conversations())
        metafunc.parametrize("conversation", names, ids=names)
    if "question" in metafunc.fixturenames:
        questions = list(sample_questions())
        metafunc.parametrize("question", questions, ids=questions)


def shown(reply: Reply) -> str:
    """A reply as the comparison shows it."""
    return json.dumps(reply.messages, indent=1, ensure_ascii=False)


def twin_conversations(bot: RestChat, pair: ServerPair) -> tuple[Conversation, Conversation]:
    """One new conversation on each pair under the same sender id (each pair keeps its own conversations), so
    that even the replies' recipient ids must agree."""
    default = bot.conversation()
    return default, Conversation(pair.chat, default.sender)


def assert_same(question: str, default: Reply, speedups_off: Reply) -> None:
    """Fail unless both replies carry the same messages (texts, buttons, everything the channel sends)."""
    assert default.text.strip(), f"asked {question!r}; the default servers said nothing"
    assert default.messages == speedups_off.messages, \
        (f"asked {question!r}: the answers differ with CAREERBOT_SPEEDUPS=0.\ndefault:\n{shown(default)}\n"
         f"CAREERBOT_SPEEDUPS=0:\n{shown(speedups_off)}")


def test_the_comparison_covers_the_e2e_conversations_and_questions() -> None:
    """The conversations and questions are found in the e2e tests: at least 10 multi-turn conversations and
    a sample of at least 10 single questions (a parsing slip must not leave nothing to compare)."""
    multi_turn = {name: msgs for name, msgs in conversations().items() if len(msgs) >= 2}
    assert len(multi_turn) >= 10, f"too few multi-turn conversations read from test_conversations.py: {multi_turn}"
    assert "what does an engineering manager do?" in conversations()["duties_then_and_a_director"]
    assert len(sample_questions()) >= 10, f"too few single questions sampled: {sample_questions()}"


def test_the_second_pair_runs_with_speedups_off(speedups_off_pair: ServerPair, rasa_server) -> None:
    """The comparison is between two different Rasa servers, the second started with CAREERBOT_SPEEDUPS=0."""
    assert speedups_off_pair.env.get("CAREERBOT_SPEEDUPS") == "0"
    assert speedups_off_pair.rasa is not None and speedups_off_pair.rasa.alive()
    assert speedups_off_pair.rasa.url != rasa_server.url


def test_conversation_is_answered_the_same_with_speedups_off(bot: RestChat, speedups_off_pair: ServerPair,
                                                             conversation: str) -> None:
    """Every turn of a test_conversations.py conversation gets the same reply from both pairs."""
    default, speedups_off = twin_conversations(bot, speedups_off_pair)
    for message in conversations()[conversation]:
        assert_same(message, default.ask(message), speedups_off.ask(message))


def test_single_question_is_answered_the_same_with_speedups_off(bot: RestChat, speedups_off_pair: ServerPair,
                                                                question: str) -> None:
    """A sampled single question gets the same reply from both pairs (each in a new conversation)."""
    default, speedups_off = twin_conversations(bot, speedups_off_pair)
    assert_same(question, default.ask(question), speedups_off.ask(question))
