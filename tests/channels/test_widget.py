"""The website chat widget in a real browser (headless Chromium) against the real Rasa and action servers.

What a visitor sees: the launcher opens a chat panel, questions get the bot's answers, quick-reply
buttons work, a reload keeps the conversation, HTML typed into the chat stays text, the panel takes
the whole screen on a phone, and the widget works from the keyboard; an answer is one bubble, the question
stays in view above it, suggestions never repeat it, every control is a 44 px touch target, and axe-core finds
no accessibility violation (chat open and closed, desktop and phone). The widget talks to a Rasa server
configured as `make serve` (CORS limited to the demo page's origin: tests/channels/channels_fixtures.py).
Screenshots are written to tests/artifacts/ (git-ignored) and their paths printed (pytest -s shows them).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
pytest_plugins = ["channels_fixtures"]
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 667}

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI", "").lower() == "true":
        raise  # CI must run the browser tests
    pytest.skip("Playwright is not installed (pip install -r requirements.txt)", allow_module_level=True)

TITLE = "Career mentor"  # data-title of the widget on web/index.html
LAUNCHER_CLOSED = f"Open chat with {TITLE}"
LAUNCHER_OPEN = f"Close chat with {TITLE}"
ANSWER_SECONDS = 90  # the first answer of a fresh Rasa server also warms up its pipeline
XSS = "<img src=x onerror=alert(1)>"

# Reads the widget from inside its shadow root, the way a user sees it: who said what.
CONVERSATION_JS = """() => {
  const root = document.getElementById('careerbot-widget').shadowRoot;
  return [...root.querySelectorAll('.cbw-log .cbw-message')].map((bubble) => [
    bubble.classList.contains('cbw-from-user') ? 'user' : 'bot',
    [...bubble.children].filter((c) => !c.classList.contains('cbw-visually-hidden'))
      .map((c) => c.innerText).join('\\n'),
  ]);
}"""
FOCUSED_JS = """() => {
  const host = document.getElementById('careerbot-widget');
  const inner = host.shadowRoot.activeElement;
  if (document.activeElement !== host || !inner) return null;
  return inner.id || inner.getAttribute('aria-label') || inner.className;
}"""

# True when the first bot bubble after the visitor's last message is scrolled into the chat's view.
REPLY_START_VISIBLE_JS = """() => {
  const root = document.getElementById('careerbot-widget').shadowRoot;
  const scroller = root.querySelector('.cbw-scroller').getBoundingClientRect();
  const bubbles = [...root.querySelectorAll('.cbw-log .cbw-message')];
  const lastQuestion = bubbles.map((b) => b.classList.contains('cbw-from-user')).lastIndexOf(true);
  const first = bubbles[lastQuestion + 1].getBoundingClientRect();
  return first.top >= scroller.top && first.top < scroller.bottom;
}"""

SCROLLED_TO_END_JS = """() => {
  const scroller = document.getElementById('careerbot-widget').shadowRoot.querySelector('.cbw-scroller');
  return scroller.scrollHeight > scroller.clientHeight
    && scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2;
}"""


@pytest.fixture(scope="module", autouse=True)
def _browser_before_servers(browser) -> None:
    """Looks for Chromium before any server is started, so a missing browser skips at once."""


def conversation(page) -> list[tuple[str, str]]:
    """Every bubble of the widget's log as (speaker, text)."""
    return [tuple(item) for item in page.evaluate(CONVERSATION_JS)]


def answer_to(page, question: str, timeout: float = ANSWER_SECONDS) -> str:
    """The text of the bot bubbles after the last time the user said `question`, once they stop coming."""
    deadline = time.monotonic() + timeout
    previous, stable_since = None, time.monotonic()
    while time.monotonic() < deadline:
        bubbles = conversation(page)
        asked = [i for i, (who, text) in enumerate(bubbles) if who == "user" and text == question]
        answer = [text for who, text in bubbles[asked[-1] + 1:] if who == "bot"] if asked else []
        if answer != previous:
            previous, stable_since = answer, time.monotonic()
        elif answer and time.monotonic() - stable_since > 1.5:
            return "\n".join(answer)
        page.wait_for_timeout(250)
    raise AssertionError(f"no answer to {question!r} within {timeout}s; the log shows {conversation(page)}")


def ask(page, question: str) -> str:
    """Types `question` into the widget, sends it with Enter and returns the bot's answer."""
    field = page.get_by_role("textbox", name="Your message")
    field.fill(question)
    field.press("Enter")
    return answer_to(page, question)


def open_widget(page) -> None:
    """Clicks the launcher and checks that the panel opened with the message field focused."""
    page.get_by_role("button", name=LAUNCHER_CLOSED).click()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()
    assert page.evaluate(FOCUSED_JS) == "cbw-input"


def session_id(page) -> str | None:
    """The Rasa session id the widget keeps in localStorage."""
    return page.evaluate("() => JSON.parse(localStorage.getItem("
                         "Object.keys(localStorage).find((k) => k.startsWith('careerbot-widget:')))).sessionId")


def test_visitor_gets_answers_uses_quick_replies_and_keeps_the_conversation_on_reload(
        open_page, guarded_web, screenshot):
    page, watch = open_page(guarded_web.url + "/")
    open_widget(page)

    answer = ask(page, "how do I become an engineering director?")
    assert "engineering manager" in answer.lower(), answer
    assert page.evaluate(REPLY_START_VISIBLE_JS)  # a long answer is shown from its beginning
    screenshot(page, "answer")

    duties = page.get_by_role("button", name="What does an engineering director do?")
    duties.click()
    expect(page.locator(".cbw-quick-replies")).to_have_count(1)  # the clicked set is gone, a new one came
    quick_answer = answer_to(page, "What does an engineering director do?")  # the title, shown as sent
    assert "engineering director" in quick_answer.lower() and quick_answer != answer, quick_answer
    screenshot(page, "quick-reply")

    before, session = conversation(page), session_id(page)
    page.reload()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()  # it was open: it stays open
    assert conversation(page) == before
    assert page.evaluate(SCROLLED_TO_END_JS)  # the latest messages are in view
    screenshot(page, "after-reload")

    # The same Rasa session goes on: "they" is still the engineering director talked about.
    follow_up = ask(page, "who do they report to?")
    assert "engineering director reports to" in follow_up.lower(), follow_up
    assert session_id(page) == session
    assert conversation(page)[: len(before)] == before

    assert watch.dialogs == [] and watch.errors == [] and watch.blocked == []


def test_new_conversation_button_forgets_the_history_and_the_context(open_page, guarded_web):
    page, watch = open_page(guarded_web.url + "/")
    open_widget(page)
    greeting = conversation(page)
    assert greeting and greeting[0][0] == "bot"
    ask(page, "how do I become an engineering director?")
    old_session = session_id(page)

    page.get_by_role("button", name="Start a new conversation").click()

    assert conversation(page) == greeting
    assert page.evaluate(FOCUSED_JS) == "cbw-input"
    follow_up = ask(page, "who do they report to?")
    assert follow_up and "engineering director reports to" not in follow_up.lower(), follow_up
    assert session_id(page) not in (None, old_session)
    assert watch.errors == []


def test_html_typed_into_the_chat_is_shown_as_text_and_never_runs(open_page, guarded_web, screenshot):
    page, watch = open_page(guarded_web.url + "/")
    open_widget(page)

    answer = ask(page, XSS)

    assert answer  # the bot replied politely, whatever it understood
    assert ("user", XSS) in conversation(page)  # the literal text, not an image
    images = page.evaluate(
        "() => document.querySelectorAll('img').length"
        " + document.getElementById('careerbot-widget').shadowRoot.querySelectorAll('img').length")
    assert images == 0
    page.wait_for_timeout(500)  # give a would-be onerror handler time to fire
    assert watch.dialogs == []
    assert watch.errors == []
    screenshot(page, "html-as-text")


def test_stored_history_is_rendered_with_light_formatting_and_no_html(open_page, offline_web_server,
                                                                       screenshot):
    # A tampered or old history goes through the same renderer as the bot's messages.
    web = offline_web_server
    page, watch = open_page(web.url + "/")
    key = page.evaluate("() => 'careerbot-widget:' + document.querySelector('script[data-server-url]')"
                        ".dataset.serverUrl")
    history = {"sessionId": None, "history": [
        {"from": "user", "text": "**not bold** when a visitor types it"},
        {"from": "system", "text": "an entry of no known speaker is dropped"},
        {"from": "bot", "text": "Become an **engineering manager** first:\n- lead a team\n- learn budgets\n"
                                f"Read [the guide](https://example.com/guide) or [this](javascript:alert(1)). {XSS}"},
    ]}
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [key, json.dumps(history)])
    page.reload()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_hidden()  # the panel stays closed until asked
    page.get_by_role("button", name=LAUNCHER_CLOSED).click()

    log = page.get_by_role("log")
    expect(log.locator("strong")).to_have_text(["engineering manager"])
    expect(log.locator("li")).to_have_text(["lead a team", "learn budgets"])
    links = log.locator("a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://example.com/guide")
    expect(links).to_have_attribute("rel", "noopener noreferrer")
    shown = conversation(page)
    assert [who for who, _ in shown] == ["user", "bot"]
    assert shown[0] == ("user", "**not bold** when a visitor types it")
    assert "this" in shown[1][1] and XSS in shown[1][1]
    assert page.evaluate("() => document.getElementById('careerbot-widget').shadowRoot"
                         ".querySelectorAll('img, script, [onerror]').length") == 0
    page.wait_for_timeout(500)
    assert watch.dialogs == [] and watch.errors == []
    screenshot(page, "formatting")


def test_status_line_says_when_the_server_is_unreachable(open_page, offline_web_server, screenshot):
    web = offline_web_server
    page, watch = open_page(web.url + "/")
    open_widget(page)

    expect(page.get_by_role("dialog", name=TITLE).get_by_role("status").first).to_have_text(
        f"Can't reach {TITLE} right now. Retrying…", timeout=20_000)
    screenshot(page, "unreachable")
    assert watch.errors == []


def test_phone_sized_screen_gets_a_full_screen_panel(open_page, guarded_web, screenshot):
    page, _ = open_page(guarded_web.url + "/", viewport={"width": 375, "height": 667})
    open_widget(page)
    answer = ask(page, "how do I become an engineering director?")
    assert "engineering manager" in answer.lower()

    panel = page.get_by_role("dialog", name=TITLE).bounding_box()
    assert panel == {"x": 0, "y": 0, "width": 375, "height": 667}
    field = page.get_by_role("textbox", name="Your message").bounding_box()
    assert field["y"] + field["height"] <= 667 and field["x"] >= 0 and field["x"] + field["width"] <= 375
    expect(page.get_by_role("button", name=LAUNCHER_OPEN)).to_be_hidden()  # nothing covers the input
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(page, "phone")

    page.get_by_role("button", name="Close chat", exact=True).click()
    expect(page.get_by_role("dialog", name=TITLE)).to_be_hidden()
    expect(page.get_by_role("button", name=LAUNCHER_CLOSED)).to_be_visible()


def test_keyboard_opens_and_closes_the_widget(open_page, guarded_web):
    page, _ = open_page(guarded_web.url + "/")

    for _ in range(10):  # tab through the page's links until the launcher has the focus
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_JS) == LAUNCHER_CLOSED:
            break
    assert page.evaluate(FOCUSED_JS) == LAUNCHER_CLOSED

    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_visible()
    expect(page.get_by_role("button", name=LAUNCHER_OPEN)).to_have_attribute("aria-expanded", "true")
    assert page.evaluate(FOCUSED_JS) == "cbw-input"
    expect(page.get_by_role("log")).to_have_attribute("aria-live", "polite")

    page.keyboard.type("how do I become an engineering director?")
    page.keyboard.press("Enter")
    assert "engineering manager" in answer_to(page, "how do I become an engineering director?").lower()

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name=TITLE)).to_be_hidden()
    assert page.evaluate(FOCUSED_JS) == LAUNCHER_CLOSED
    expect(page.get_by_role("button", name=LAUNCHER_CLOSED)).to_have_attribute("aria-expanded", "false")



# ------------------------------------------------------------------ one answer, readable, accessible
QUESTION_VISIBLE_JS = """() => {
  const root = document.getElementById('careerbot-widget').shadowRoot;
  const scroller = root.querySelector('.cbw-scroller').getBoundingClientRect();
  const questions = [...root.querySelectorAll('.cbw-log .cbw-from-user')];
  const last = questions[questions.length - 1].getBoundingClientRect();
  return last.top >= scroller.top - 1 && last.bottom <= scroller.bottom + 1;
}"""
SMALL_TARGETS_JS = """() => {
  const root = document.getElementById('careerbot-widget').shadowRoot;
  return [...root.querySelectorAll('button, input')].filter((node) => node.offsetParent !== null)
    .map((node) => [node.getAttribute('aria-label') || node.textContent.trim() || node.id,
                    node.getBoundingClientRect()])
    .filter(([, box]) => box.width < 44 || box.height < 44)
    .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`);
}"""
QUICK_REPLIES_JS = """() => [...document.getElementById('careerbot-widget').shadowRoot
  .querySelectorAll('.cbw-quick-reply')].map((button) => button.textContent)"""
BUBBLES_AFTER_LAST_QUESTION_JS = """() => {
  const bubbles = [...document.getElementById('careerbot-widget').shadowRoot
    .querySelectorAll('.cbw-log .cbw-message')];
  const last = bubbles.map((b) => b.classList.contains('cbw-from-user')).lastIndexOf(true);
  return bubbles.slice(last + 1).map((b) => ({paragraphs: b.querySelectorAll('p').length,
                                              lists: b.querySelectorAll('ul, ol').length}));
}"""


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page (the widget's open shadow root included): 'rule: target' lines."""
    assert AXE.is_file(), f"axe-core is not installed at {AXE} (make web-deps)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                           ".map((v) => v.id + ': ' + v.nodes.map((n) => JSON.stringify(n.target)).join(' '))")
    return list(result)


def test_an_answer_is_one_bubble_below_its_question_without_repeated_suggestions(open_page, guarded_web,
                                                                                   screenshot):
    page, watch = open_page(guarded_web.url + "/")
    open_widget(page)

    ask(page, "how do I become an engineering director?")
    bubbles = page.evaluate(BUBBLES_AFTER_LAST_QUESTION_JS)
    assert len(bubbles) == 1, bubbles  # one answer, one bubble
    assert bubbles[0]["paragraphs"] + bubbles[0]["lists"] >= 2, bubbles  # its paragraphs are kept inside it
    assert page.evaluate(QUESTION_VISIBLE_JS)  # the question is still in view above its answer
    screenshot(page, "after-desktop-answer")

    duties = "What does an engineering director do?"
    page.get_by_role("button", name=duties).click()
    answer_to(page, duties)
    assert len(page.evaluate(BUBBLES_AFTER_LAST_QUESTION_JS)) == 1
    assert page.evaluate(QUESTION_VISIBLE_JS)
    assert duties not in page.evaluate(QUICK_REPLIES_JS)  # the question just answered is not suggested again
    screenshot(page, "after-desktop-quick-reply")

    assert page.evaluate(SMALL_TARGETS_JS) == []
    assert watch.errors == [] and watch.blocked == []


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_violation_with_the_chat_closed_and_open(open_page, guarded_web, screenshot, viewport):
    page, watch = open_page(guarded_web.url + "/", viewport=viewport)
    expect(page.get_by_role("button", name=LAUNCHER_CLOSED)).to_be_visible()
    assert axe_violations(page) == []

    open_widget(page)
    answer = ask(page, "how do I become an engineering director?")
    assert "engineering manager" in answer.lower()
    assert axe_violations(page) == []
    assert page.evaluate(SMALL_TARGETS_JS) == []
    if viewport == PHONE:
        assert page.evaluate(QUESTION_VISIBLE_JS)
        screenshot(page, "after-phone-answer")
    assert watch.errors == []
