"""`python -m bot.insights`: the report, the export of unanswered messages, and retention.

    python -m bot.insights [report] [--since 30d] [--out var/insights]
    python -m bot.insights export --unanswered [--since 30d] [--out var/insights]
    python -m bot.insights --retention 90d [--yes]

The tracker store is TRACKER_STORE_URL, else var/tracker.db. docs/insights.md explains every figure.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from . import export, privacy, report, store
from .aggregate import LOW_CONFIDENCE, Aggregator, Insights

DEFAULT_OUT = store.REPO_ROOT / "var" / "insights"
_DURATION = re.compile(r"^(\d+)\s*([hdw])$")
_UNIT_SECONDS = {"h": 3600, "d": 86400, "w": 7 * 86400}


class UsageError(Exception):
    """A bad command line."""


def parse_duration(text: str) -> float:
    """Seconds in a duration like 30d, 12h or 2w."""
    found = _DURATION.match(text.strip().lower())
    if not found or int(found.group(1)) == 0:
        raise UsageError(f"not a duration: {text!r} (use a number and h, d or w, e.g. 30d)")
    return int(found.group(1)) * _UNIT_SECONDS[found.group(2)]


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.insights",
        description="Insights for bot authors from careerbot's tracker store (TRACKER_STORE_URL, else "
                    "var/tracker.db): an HTML report, an export of unanswered messages, retention.")
    parser.add_argument("command", nargs="?", choices=("report", "export"), default="report",
                        help="report (default): write OUT/index.html; export: write the unanswered messages as "
                             "training data (with --unanswered)")
    parser.add_argument("--since", default="30d",
                        help="the period: the last 30d (default), 12h, 2w...; 'all' for every stored event")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default var/insights)")
    parser.add_argument("--unanswered", action="store_true", help="export: the unanswered messages")
    parser.add_argument("--low-confidence", type=float, default=LOW_CONFIDENCE,
                        help=f"answers below this intent confidence count as unanswered (default {LOW_CONFIDENCE})")
    parser.add_argument("--retention", metavar="AGE",
                        help="delete conversations older than AGE (e.g. 90d) from the tracker store, after a "
                             "confirmation (or --yes); nothing else is done")
    parser.add_argument("--yes", action="store_true", help="with --retention: do not ask for confirmation")
    parser.add_argument("--batch-size", type=int, default=store.BATCH_SIZE, help=argparse.SUPPRESS)
    return parser


def collect(url: str, since: float | None, until: float, low_confidence: float = LOW_CONFIDENCE,
            batch_size: int = store.BATCH_SIZE, progress: bool | None = None,
            key: bytes | None = None) -> Insights:
    """Read the store at `url` from `since` on and compute the report's figures."""
    engine = store.open_store(url)
    try:
        pseudonymize = privacy.Pseudonymizer(key if key is not None else privacy.load_key())
        if progress is None:
            progress = sys.stderr.isatty()
        # Counting costs one more pass over the table: only for the progress bar of a terminal.
        bar = store.Progress(store.count_events(engine, since) if progress else 0, "reading conversations",
                             enabled=progress)
        try:
            aggregator = Aggregator(pseudonymize, since, until, low_confidence)
            aggregator.add_all(store.read_events(engine, since, batch_size, progress=bar))
        finally:
            bar.close()
        return aggregator.result()
    finally:
        engine.dispose()


def _since(args: argparse.Namespace, until: float) -> float | None:
    if args.since.strip().lower() == "all":
        return None
    return until - parse_duration(args.since)


def _period(args: argparse.Namespace) -> str:
    return "all stored conversations" if args.since.strip().lower() == "all" else f"the last {args.since}"


def run_report(args: argparse.Namespace, url: str) -> int:
    """Write the HTML report."""
    until = store.now()
    insights = collect(url, _since(args, until), until, args.low_confidence, args.batch_size)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "index.html"
    path.write_text(report.render(insights, store.redact(url), store.now()), encoding="utf-8")
    print(f"Wrote {path}: {insights.conversations:,} conversations, {insights.messages:,} messages, "
          f"{insights.unanswered_messages:,} unanswered ({_period(args)}).")
    return 0


def run_export(args: argparse.Namespace, url: str) -> int:
    """Write the unanswered messages as NLU YAML and FAQ stubs."""
    if not args.unanswered:
        raise UsageError("export needs --unanswered (the only export so far)")
    until = store.now()
    insights = collect(url, _since(args, until), until, args.low_confidence, args.batch_size)
    nlu, faq = export.write(insights.unanswered, args.out, _period(args))
    print(f"Wrote {nlu} and {faq}: {insights.unanswered_messages:,} unanswered messages in "
          f"{len(insights.unanswered):,} groups ({_period(args)}). Label the TODOs, then move them into bot/data/ "
          "or knowledge/data/faq.yml and run make train.")
    return 0


def run_retention(args: argparse.Namespace, url: str) -> int:
    """Delete conversations older than --retention, after confirmation."""
    cutoff = store.now() - parse_duration(args.retention)
    engine = store.open_store(url)
    try:
        plan = store.plan_retention(engine, cutoff)
        where = store.redact(url)
        if plan.events == 0:
            print(f"Nothing older than {args.retention} in {where}.")
            return 0
        print(f"{where}: {plan.old_senders:,} conversations older than {args.retention} and the older sessions of "
              f"{plan.trimmed_senders:,} ongoing ones, {plan.events:,} events in all, will be deleted.")
        if not args.yes:
            if not sys.stdin.isatty():
                print("error: not confirmed. Run it in a terminal to confirm, or add --yes.", file=sys.stderr)
                return 1
            answer = input("Delete them? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 1
        deleted = store.apply_retention(engine, plan)
        print(f"Deleted {deleted:,} events.")
        return 0
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    url = store.tracker_store_url()
    started = time.monotonic()
    try:
        if args.retention:
            status = run_retention(args, url)
        elif args.command == "export":
            status = run_export(args, url)
        else:
            if args.unanswered:
                raise UsageError("--unanswered goes with the export command: python -m bot.insights export "
                                 "--unanswered")
            status = run_report(args, url)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"error: {error}", file=sys.stderr)
        return 2
    except store.StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if status == 0 and args.command == "report" and not args.retention:
        print(f"Took {time.monotonic() - started:.1f} s.")
    return status


if __name__ == "__main__":
    sys.exit(main())
