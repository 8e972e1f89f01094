"""Rendering of the career FAQ's answers (bot/actions/faq.py): the answer, then its sources."""
from __future__ import annotations

from knowledge import models as m

#: at most this many sources are listed under an answer (the widget and Slack stay readable)
MAX_SOURCES = 3


def source_text(s: m.FaqSource) -> str:
    """'Title (publisher, date): URL' for one source."""
    who = ", ".join(p for p in (s.publisher, s.date) if p)
    return f"{s.title}" + (f" ({who})" if who else "") + f": {s.url}"


def render_faq_answer(entry: m.FaqEntry) -> str:
    """The entry's answer in careerbot's words, followed by the sources it rests on."""
    sources = list(entry.sources)
    lines = [entry.answer, "", "Sources:" if len(sources) > 1 else "Source:"]
    lines += [f"- {source_text(s)}" for s in sources[:MAX_SOURCES]]
    if len(sources) > MAX_SOURCES:
        lines.append(f"- and {len(sources) - MAX_SOURCES} more")
    return "\n".join(lines)
