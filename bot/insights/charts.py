"""The report's charts: matplotlib (Agg backend) figures rendered to inline SVG text, no files, no CDN.

Text stays text in the SVG (svg.fonttype none), so the page is small and its labels are searchable; every
chart gets its own id prefix, so that several SVGs on one page never share an element id.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

COLOR = "#2f6f9f"
ACCENT = "#d9822b"
WIDTH = 7.5


def _svg(figure, chart_id: str) -> str:
    """`figure` as an <svg> element whose ids are prefixed with `chart_id`."""
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart_id}):
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)  # creator and date: noise
    # Prefix ids and their references so that two charts never clash on one page.
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', text)
    text = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{chart_id}-{m.group(1)})", text)
    text = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{chart_id}-{m.group(1)}"', text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{chart_id} chart" data-chart="{chart_id}" ', 1)


def _empty(ax, message: str = "no data in this period") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#666")
    ax.set_xticks([])
    ax.set_yticks([])


def per_day(chart_id: str, days: Sequence[str], conversations: Sequence[int], messages: Sequence[int]) -> str:
    """Conversations and messages per day."""
    figure, ax = plt.subplots(figsize=(WIDTH, 2.8))
    if days:
        x = range(len(days))
        ax.bar(x, messages, color=COLOR, label="messages")
        ax.plot(x, conversations, color=ACCENT, marker="o", label="conversations")
        step = max(1, len(days) // 10)
        ax.set_xticks(list(x)[::step])
        ax.set_xticklabels(list(days)[::step], rotation=30, ha="right", fontsize=8)
        ax.legend(frameon=False, fontsize=8)
        ax.set_ylim(bottom=0)
    else:
        _empty(ax)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(figure, chart_id)


def bars(chart_id: str, labels: Sequence[str], values: Sequence[int], xlabel: str = "") -> str:
    """A horizontal bar chart, first label on top."""
    height = max(1.4, 0.3 * len(labels) + 0.6)
    figure, ax = plt.subplots(figsize=(WIDTH, height))
    if labels:
        y = range(len(labels))
        ax.barh(list(y), list(values), color=COLOR)
        ax.set_yticks(list(y))
        ax.set_yticklabels(list(labels), fontsize=9)
        ax.invert_yaxis()
        for position, value in zip(y, values):
            ax.text(value, position, f" {value:,}", va="center", fontsize=8)
        ax.set_xlim(0, max(max(values), 1) * 1.15)
        if xlabel:
            ax.set_xlabel(xlabel, fontsize=9)
    else:
        _empty(ax)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(figure, chart_id)


def histogram(chart_id: str, values: Sequence[float], xlabel: str) -> str:
    """A histogram of `values` (latencies, in milliseconds)."""
    figure, ax = plt.subplots(figsize=(WIDTH, 2.6))
    if len(values):
        ax.hist(values, bins=40, color=COLOR)
        ax.set_xlabel(xlabel, fontsize=9)
        ax.set_ylabel("replies", fontsize=9)
    else:
        _empty(ax, "no reply timing recorded in this period")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(figure, chart_id)
