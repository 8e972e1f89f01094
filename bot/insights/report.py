"""The insights report: one self-contained HTML page (inline CSS and SVG charts, no script, no CDN).

Rendering is pure: `render(insights, ...)` turns the figures into text; every user text goes through
html.escape (and was masked before, in aggregate). Each section has an id and its figures in a table marked
`data-table`, beside its chart (`data-chart`), so tests and readers find the same numbers.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

import numpy as np

from . import charts
from .aggregate import Insights

CHANNEL_LABELS = {"rest": "REST", "socketio": "widget (socket.io)", "slack": "Slack", "cmdline": "shell"}
UNANSWERED_SHOWN = 50
REPHRASES_SHOWN = 50
TOP = 15
#: every chart of the report, by id
CHART_IDS = ("per-day", "channels", "intents", "outcomes", "funnel", "entities-role", "entities-certification",
             "entities-degree", "latency")

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:0 0 8px}
section{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:16px 20px;margin:16px 0}
.meta{color:#55606d}.kpis{display:flex;gap:16px;flex-wrap:wrap}
.kpi{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:10px 16px;min-width:140px}
.kpi b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;margin-top:8px;font-size:14px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:8px 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
details summary{cursor:pointer;color:#2f6f9f}
ul.ex{margin:0;padding-left:18px}code{font-size:13px}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _n(value: int) -> str:
    return f"{value:,}"


def _table(name: str, headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f'<th class="n">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if i in numeric:
                cells.append(f'<td class="n">{_n(cell) if isinstance(cell, int) else _e(cell)}</td>')
            else:
                cells.append(f"<td>{cell if isinstance(cell, _Html) else _e(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(headers)}">none in this period</td></tr>')
    return f'<table data-table="{name}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


class _Html(str):
    """Text that is already HTML."""


def _section(section_id: str, title: str, intro: str, *parts: str) -> str:
    return (f'<section id="{section_id}"><h2>{_e(title)}</h2><p class="meta">{intro}</p>'
            + "".join(parts) + "</section>")


def _figure(svg: str) -> str:
    return f"<figure>{svg}</figure>"


def channel_label(channel: str) -> str:
    """A reader's name for an input channel."""
    return CHANNEL_LABELS.get(channel, channel)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of `sorted_values` lie (nearest rank)."""
    if len(sorted_values) == 0:
        return 0.0
    rank = max(1, -(-len(sorted_values) * fraction // 1))
    return float(sorted_values[int(rank) - 1])


def latency_summary(latencies: Sequence[float]) -> dict[str, float]:
    """Replies, p50, p90, p95 and max of the reply latencies (seconds), in milliseconds."""
    ms = np.sort(np.asarray(latencies, dtype=float)) * 1000
    return {"replies": len(ms), "p50": percentile(ms, 0.5), "p90": percentile(ms, 0.9),
            "p95": percentile(ms, 0.95), "max": float(ms[-1]) if len(ms) else 0.0}


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "the beginning"
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def render(insights: Insights, store: str, generated: float) -> str:
    """The whole report page."""
    i = insights
    period = f"{_when(i.since)} to {_when(i.until)}"
    outcome_total = sum(count for _, count in i.outcomes) or 1
    kpis = "".join(f'<div class="kpi" data-kpi="{key}"><b>{_n(value)}</b>{_e(label)}</div>' for key, label, value in (
        ("conversations", "conversations", i.conversations), ("messages", "messages", i.messages),
        ("unanswered", "unanswered messages", i.unanswered_messages), ("rephrases", "rephrased right after an answer",
                                                                       i.rephrases)))
    parts = [
        f"<header><h1>careerbot insights</h1><p class=\"meta\">{_e(period)} · store {_e(store)} · "
        f"{_n(i.events)} events read · generated {_e(_when(generated))}</p>"
        f'<div class="kpis">{kpis}</div></header>',
        _section("per-day", "Conversations and messages per day",
                 "A conversation counts on each day its sender wrote; messages are what users typed or clicked.",
                 _figure(charts.per_day("per-day", [d for d, _, _ in i.per_day], [c for _, c, _ in i.per_day],
                                        [m for _, _, m in i.per_day])),
                 _details("Per day", _table("per-day", ("day", "conversations", "messages"), i.per_day, (1, 2)))),
        _section("channels", "Channel mix", "Where the messages came from (Rasa's input channel).",
                 _figure(charts.bars("channels", [channel_label(c) for c, _, _ in i.channels],
                                     [m for _, _, m in i.channels], "messages")),
                 _table("channels", ("channel", "conversations", "messages"),
                        [(channel_label(c), conv, m) for c, conv, m in i.channels], (1, 2))),
        _section("intents", "Top intents", "What the NLU understood the messages as (nlu_fallback: it was unsure).",
                 _figure(charts.bars("intents", [n for n, _ in i.intents[:TOP]], [c for _, c in i.intents[:TOP]],
                                     "messages")),
                 _details(f"All {len(i.intents)} intents", _table("intents", ("intent", "messages"), i.intents, (1,)))),
        _section("outcomes", "Answer outcomes",
                 "What each message got, from the actions and responses the bot recorded (docs/insights.md).",
                 _figure(charts.bars("outcomes", [o for o, _ in i.outcomes], [c for _, c in i.outcomes], "messages")),
                 _table("outcomes", ("outcome", "messages", "share"),
                        [(o, c, f"{100 * c / outcome_total:.1f} %") for o, c in i.outcomes], (1, 2))),
        _unanswered(i),
        _rephrases(i),
        _section("funnel", "Career plan funnel",
                 "Conversations reaching each step of the career plan (slots count once the plan was started).",
                 _figure(charts.bars("funnel", [s for s, _ in i.funnel], [c for _, c in i.funnel], "conversations")),
                 _table("funnel", ("step", "conversations"), i.funnel, (1,))),
        _entities(i),
        _latency(i),
        "<footer class=\"meta\"><p>Conversation ids are keyed-hash pseudonyms; emails and phone numbers in messages "
        "are masked. See docs/insights.md.</p></footer>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>careerbot insights</title><style>{CSS}</style></head><body><main>"
            + "\n".join(parts) + "</main></body></html>\n")


def _details(summary: str, body: str) -> str:
    return f"<details><summary>{_e(summary)}</summary>{body}</details>"


def _unanswered(i: Insights) -> str:
    rows = []
    for rank, group in enumerate(i.unanswered[:UNANSWERED_SHOWN], start=1):
        examples = "".join(f"<li>{_e(text)} <span class=\"meta\">×{_n(count)}</span></li>"
                           for text, count in group.examples)
        more = len(group.texts) - len(group.examples)
        if more > 0:
            examples += f"<li class=\"meta\">and {_n(more)} other wordings</li>"
        rows.append((rank, group.count, _Html(f'<ul class="ex">{examples}</ul>'),
                     ", ".join(f"{reason} {count}" for reason, count in group.reasons),
                     ", ".join(name for name, _ in group.likely_intents) or "—",
                     " ".join(group.conversations)))
    note = (f"{_n(i.unanswered_messages)} messages in {_n(len(i.unanswered))} groups of similar wordings, most "
            f"frequent first (top {UNANSWERED_SHOWN} shown): fallback, not covered, and answers given with low "
            "confidence. <code>python -m bot.insights export --unanswered</code> turns them into training data.")
    return _section("unanswered", "Unanswered questions", note,
                    _table("unanswered", ("#", "messages", "examples", "why", "likely intents", "conversations"),
                           rows, (0, 1)))


def _rephrases(i: Insights) -> str:
    examples = [(r.conversation, r.asked, r.answered_by, r.rephrased, f"{r.seconds:.0f} s")
                for r in i.rephrase_examples[:REPHRASES_SHOWN]]
    note = (f"{_n(i.rephrases)} times a user asked again in other words right after an answer: the answer was "
            "likely wrong.")
    return _section("rephrases", "Rephrased right after an answer", note,
                    _table("rephrased-answers", ("answered by", "rephrases"), i.rephrased_answers, (1,)),
                    _details(f"Examples ({min(len(i.rephrase_examples), REPHRASES_SHOWN)} shown)",
                             _table("rephrase-examples", ("conversation", "asked", "answered by", "then asked",
                                                          "after"), examples)))


def _entities(i: Insights) -> str:
    parts = []
    for kind, title in (("role", "Roles"), ("certification", "Certifications"), ("degree", "Degrees")):
        ranked = i.entities.get(kind, [])[:TOP]
        parts.append(f"<h3>{title}</h3>")
        parts.append(_figure(charts.bars(f"entities-{kind}", [v for v, _ in ranked], [c for _, c in ranked],
                                         "messages")))
        parts.append(_table(f"entities-{kind}", (kind, "messages"), ranked, (1,)))
    return _section("entities", "Top roles, certifications and degrees asked about",
                    "Messages naming each one (as the entity recogniser found it).", *parts)


def _latency(i: Insights) -> str:
    summary = latency_summary(i.latencies)
    rows = [("replies", summary["replies"])] + [(k, f"{summary[k]:.0f} ms") for k in ("p50", "p90", "p95", "max")]
    return _section("latency", "Reply latency",
                    "From the stored user message to the bot's first reply to it (the events' timestamps).",
                    _figure(charts.histogram("latency", np.asarray(i.latencies, dtype=float) * 1000, "milliseconds")),
                    _table("latency", ("measure", "value"), rows, (1,)))
