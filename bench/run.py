"""`make bench`: careerbot's config.yml side by side with Rasa's default pipeline, on the same bot/ data, and
with careerbot's Rasa speed patches switched off (CAREERBOT_SPEEDUPS=0, same model).

For each of the three columns (careerbot's config.yml; bench/default_config.yml = what `rasa init` uses;
careerbot's model served with CAREERBOT_SPEEDUPS=0, see bot/rasa_plugins/patches.py):
- training wall time of `rasa train` into an empty folder with an empty Rasa cache;
- a real action server and a real Rasa server (careerbot's REST channel, tracker store in a temporary SQLite
  file), started as `make serve` starts them: time from starting the Rasa process to its first answer;
- reply latency over POST /webhooks/rest/webhook for a fixed, scripted multi-turn conversation (paths,
  duties, follow-ups, comparisons, certifications, salary, outlook, out-of-scope): p50/p95/p99 for one user,
  then under load: N concurrent conversations replaying the script for a bounded time (messages/s, errors);
- peak resident memory of the Rasa server and of the action server (sampled from /proc);
- held-out intent accuracy (tests/data/nlu_heldout.yml) through the running server's /model/parse.
Prints the table (three columns and two ratios) and writes it as markdown with the machine and the settings.

`--patch-groups` measures what each speed group of bot/rasa_plugins/patches.py buys instead: careerbot's model
served with every group on, with each group off in turn (CAREERBOT_SPEEDUPS_OFF=group) and with all off
(CAREERBOT_SPEEDUPS=0), each configuration --repeat times (default 2, interleaved), with a shorter load
(3 passes, 15 s, no held-out set, unless given); it writes bench/PATCH_GROUPS.md. The rule it applies: a
group that saves under 5 % of the Rasa server's CPU time per message (the stand-in for p50 and throughput
on a shared machine) and does not make start-up faster and smaller is "remove" (see `verdict`).

Servers listen on 127.0.0.1 only, on ports 5700-5799 (CAREERBOT_TEST_PORTS=A-B chooses others); nothing is
sent anywhere else. The client runs on
the same machine as the servers, so on a small machine it takes part of the CPU the servers could use.

Trained models are kept in var/bench/ with their training time and a hash of what they were trained from
(the config, bot/domain.yml, bot/data): a model whose inputs are unchanged is reused, with the training time
measured when it was trained, so only the first run (or a run after a change) pays for training.

Usage:
    .venv/bin/python -m bench.run                  # train what changed, measure both, write bench/RESULTS.md
    .venv/bin/python -m bench.run --retrain        # train both again from scratch
    .venv/bin/python -m bench.run --only careerbot # measure one model alone (no ratios)
    .venv/bin/python -m bench.run --tiny --out /tmp/R.md   # smoke setting: shipped model, no baseline
    .venv/bin/python -m bench.run --patch-groups   # each speed-patch group off in turn; bench/PATCH_GROUPS.md
On 2 cores a run with both models cached takes about 4-5 minutes; --patch-groups about 12 minutes.
Training Rasa's default pipeline (DIET, TED
and UnexpecTED, 100 epochs each) adds 9-11 minutes when its inputs changed; careerbot's adds about 25 s.
--tiny takes about 20 seconds.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_OUT = REPO_ROOT / "bench" / "RESULTS.md"
GROUPS_OUT = REPO_ROOT / "bench" / "PATCH_GROUPS.md"
SHIPPED_MODEL = REPO_ROOT / "var" / "models" / "careerbot.tar.gz"
CACHE_DIR = REPO_ROOT / "var" / "bench"  # trained models, their training times and input hashes
HELDOUT = REPO_ROOT / "tests" / "data" / "nlu_heldout.yml"
TRAINING_INPUTS = ("bot/domain.yml", "bot/data")


def _ports() -> range:
    """5700-5799, or CAREERBOT_TEST_PORTS=A-B (the range an engineer's tests may use on a shared machine)."""
    spec = os.environ.get("CAREERBOT_TEST_PORTS", "").strip()
    try:
        first, last = (int(part) for part in spec.split("-"))
    except ValueError:
        return range(5700, 5800)
    return range(first, last + 1)


PORTS = _ports()
CHANNEL = "bot.channels.rest.RestInput"
SKIPPED_TINY = "n/a (skipped in --tiny)"
# Environment a server must not inherit from the shell running the benchmark: shared stores, extra workers,
# and credentials that would make a channel talk to the outside world.
UNINHERITED = ("TRACKER_STORE_URL", "LOCK_STORE_URL", "SANIC_WORKERS", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
               "SLACK_API_URL", "CAREERBOT_SPEEDUPS", "CAREERBOT_SPEEDUPS_OFF", "CAREERBOT_TENSORFLOW")


@dataclass(frozen=True)
class Turn:
    """One scripted user message and the intent it is meant to have."""

    text: str
    intent: str
    custom_action: bool = True  # False: answered from a domain response, without the action server


# One conversation, replayed by every simulated user: real questions with follow-ups that need the context
# kept in slots. None of these sentences is in bot/data or tests/data verbatim.
SCRIPT: tuple[Turn, ...] = (
    Turn("hello", "greet", custom_action=False),
    Turn("how do I become an engineering manager?", "ask_path"),
    Turn("how long does that take?", "ask_duration"),
    Turn("what does an engineering manager do?", "ask_role_duties"),
    Turn("and a director?", "inform"),
    Turn("who does an engineering director report to?", "ask_reports_to"),
    Turn("what comes after engineering director?", "ask_next_role"),
    Turn("is an MEM better than an MBA for engineers?", "compare"),
    Turn("which certifications help an engineering manager?", "ask_certifications"),
    Turn("what about CSM?", "inform"),
    Turn("how much does an engineering manager earn?", "ask_salary"),
    Turn("which industries pay engineering managers best?", "ask_salary"),
    Turn("I'm a mechanical engineer, where can I go?", "ask_discipline_moves"),
    Turn("is there much demand for engineering managers?", "ask_outlook"),
    Turn("can you find me a cheap hotel in rome?", "out_of_scope", custom_action=False),
    Turn("thanks, that helps!", "thank", custom_action=False),
)
TINY_TURNS = 6


@dataclass(frozen=True)
class Variant:
    """One compared column: its key, title, config file, model file name, the environment its Rasa server
    gets, and the variant whose model it serves (None: its own)."""

    key: str
    title: str
    config: Path
    model_name: str
    env: tuple[tuple[str, str], ...] = ()
    model_of: str | None = None


SPEEDUPS_OFF = "careerbot_speedups_off"
VARIANTS = (
    Variant("careerbot", "careerbot (config.yml)", REPO_ROOT / "config.yml", "careerbot"),
    Variant("default", "Rasa default", REPO_ROOT / "bench" / "default_config.yml", "default"),
    Variant(SPEEDUPS_OFF, "careerbot, CAREERBOT_SPEEDUPS=0", REPO_ROOT / "config.yml", "careerbot",
            env=(("CAREERBOT_SPEEDUPS", "0"),), model_of="careerbot"),
)


@dataclass
class Settings:
    """What one benchmark run does."""

    tiny: bool
    skip_train: bool  # reuse cached models even when their inputs changed
    retrain: bool  # train both models even when cached ones are current
    concurrency: int
    duration: float
    passes: int
    turns: tuple[Turn, ...]
    heldout: Path
    heldout_per_intent: int | None
    out: Path
    json_out: Path | None
    train_timeout: float
    start_timeout: float
    only: str | None = None  # a variant key: measure that model alone (no ratios)
    patch_groups: tuple[str, ...] = ()  # --patch-groups: the speed groups to switch off one at a time
    repeat: int = 2


class BenchError(Exception):
    """A step of the benchmark could not run; the message says which and where its log is."""


# ------------------------------------------------------------------------------------------ processes
def free_port(taken: set[int]) -> int:
    """A loopback port from PORTS that nobody listens on and this run has not handed out yet."""
    for port in random.sample(PORTS, len(PORTS)):
        if port in taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise BenchError(f"no free port in {PORTS.start}-{PORTS.stop - 1} on 127.0.0.1")


def base_env(**extra: str) -> dict[str, str]:
    """The environment of the processes we start: this venv on PATH, the repository importable, no telemetry."""
    env = {k: v for k, v in os.environ.items() if k not in UNINHERITED}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.update(extra)
    return env


@dataclass
class Proc:
    """A process started by the benchmark in its own process group, output to a log file."""

    name: str
    process: subprocess.Popen
    log: Path
    started: float

    @classmethod
    def start(cls, name: str, args: list[str], env: dict[str, str], log: Path) -> Proc:
        """Start `args` from the repository root."""
        with log.open("wb") as out:
            started = time.monotonic()
            process = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        return cls(name, process, log, started)

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the log."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the whole process group, SIGKILL after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        for signum in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, signum)
            except ProcessLookupError:
                break
            while time.monotonic() < deadline and self.process.poll() is None:
                time.sleep(0.1)
            if self.process.poll() is not None:
                break
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def children(pid: int) -> list[int]:
    """The child processes of `pid` (from /proc/<pid>/task/*/children); none when it is gone."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += children(pid)
    return pids


def status_kb(pid: int, name: str) -> int:
    """A field of /proc/<pid>/status in kB (VmRSS, VmHWM); 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds used so far by `root` and its descendants (/proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, ValueError, IndexError):
            pass
    return total / ticks


class PeakRss(threading.Thread):
    """Samples the resident memory of process trees (VmRSS summed over a process and its children) every
    `interval` seconds; at `finish` also reads each process's own high-water mark (VmHWM)."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.roots: dict[str, int] = {}
        self.peak_kb: dict[str, int] = {}
        self._halt = threading.Event()
        self._lock = threading.Lock()

    def watch(self, name: str, pid: int) -> None:
        """Start sampling the tree rooted at `pid` under `name`."""
        with self._lock:
            self.roots[name] = pid
            self.peak_kb.setdefault(name, 0)

    def _sample(self) -> None:
        with self._lock:
            roots = dict(self.roots)
        for name, root in roots.items():
            pids = process_tree(root)
            total = sum(status_kb(pid, "VmRSS") for pid in pids)
            hwm = max(status_kb(pid, "VmHWM") for pid in pids)
            self.peak_kb[name] = max(self.peak_kb[name], total, hwm)

    def run(self) -> None:
        """Sample until `finish`."""
        while not self._halt.wait(self.interval):
            self._sample()

    def finish(self) -> dict[str, float]:
        """Stop sampling (before the processes are stopped) and return the peaks in MB."""
        self._sample()
        self._halt.set()
        self.join(timeout=5)
        return {name: kb / 1024 for name, kb in self.peak_kb.items()}


# ------------------------------------------------------------------------------------------ training
def digest(paths: list[Path]) -> str:
    """A short hash of files (folders: every file under them), to tell whether a cached model is stale."""
    sha = hashlib.sha256()
    for path in paths:
        for file in sorted([path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())):
            sha.update(str(file.relative_to(REPO_ROOT)).encode())
            sha.update(file.read_bytes())
    return sha.hexdigest()[:16]


def inputs_digest(variant: Variant) -> str:
    """The hash of what a variant's model is trained from."""
    return digest([variant.config, *(REPO_ROOT / p for p in TRAINING_INPUTS)])


def train(variant: Variant, out_dir: Path, work: Path, timeout: float) -> tuple[Path, float]:
    """`rasa train` for `variant` into the empty `out_dir` with an empty Rasa cache: (model, wall seconds)."""
    out_dir.mkdir(parents=True)
    cache = work / f"rasa-cache-{variant.key}"
    log = work / f"train-{variant.key}.log"
    env = base_env(RASA_CACHE_DIRECTORY=str(cache), ACTIONS_PORT="5799")
    args = [str(BIN / "rasa"), "train", "--config", str(variant.config), "--domain", "bot/domain.yml",
            "--data", "bot/data", "--out", str(out_dir), "--fixed-model-name", variant.model_name]
    print(f"==> [bench] Training {variant.title}: rasa train --config {variant.config.relative_to(REPO_ROOT)}",
          flush=True)
    if variant.key == "default":
        print("    (DIET, TED and UnexpecTED for 100 epochs each: about 10 minutes on 2 cores, once: the model "
              "is kept in var/bench/ until config, domain or data change)", flush=True)
    started = time.monotonic()
    with log.open("wb") as out:
        try:
            result = subprocess.run(args, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"training {variant.title} took over {timeout:.0f} s; log: {log}") from None
    seconds = time.monotonic() - started
    model = out_dir / f"{variant.model_name}.tar.gz"
    if result.returncode != 0 or not model.is_file():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise BenchError(f"rasa train for {variant.title} failed ({result.returncode}); log {log}:\n{tail}")
    print(f"    trained in {seconds:.1f} s", flush=True)
    return model, seconds


def cache_model(variant: Variant, model: Path, seconds: float) -> None:
    """Keep a freshly trained model in var/bench/ with its training time and input hash."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    index_file = CACHE_DIR / "train.json"
    index: dict[str, Any] = json.loads(index_file.read_text()) if index_file.is_file() else {}
    shutil.copy2(model, CACHE_DIR / model.name)
    index[variant.key] = {"model": model.name, "train_s": seconds, "inputs": inputs_digest(variant),
                          "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    index_file.write_text(json.dumps(index, indent=2) + "\n")


def cached_model(variant: Variant, stale_ok: bool) -> tuple[Path, float, str] | None:
    """The kept model of `variant`: (model, training seconds, note), or None when there is none or its
    inputs changed since (unless `stale_ok`)."""
    index_file = CACHE_DIR / "train.json"
    try:
        entry = json.loads(index_file.read_text()).get(variant.key) if index_file.is_file() else None
    except ValueError:
        entry = None
    if not entry or not (CACHE_DIR / entry.get("model", "")).is_file():
        return None
    current = entry.get("inputs") == inputs_digest(variant)
    if not current and not stale_ok:
        return None
    note = f"measured {entry['date']}; model reused"
    if not current:
        note += "; STALE: config or bot/ data changed since"
        print(f"warning: the kept {variant.title} model is older than its config or bot/ data", flush=True)
    return CACHE_DIR / entry["model"], float(entry["train_s"]), note


# ------------------------------------------------------------------------------------------ serving
@dataclass
class Stack:
    """An action server and a Rasa server serving one model, with their ports and API token."""

    variant: Variant
    actions: Proc
    rasa: Proc
    rasa_port: int
    token: str
    rss: PeakRss
    actions_ready_s: float = 0.0
    ready_s: float = 0.0

    @property
    def url(self) -> str:
        """The Rasa server's base URL."""
        return f"http://127.0.0.1:{self.rasa_port}"


def _get_ok(url: str) -> bool:
    import requests
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _answered(url: str) -> bool:
    import requests
    try:
        response = requests.post(url, json={"sender": "bench-ready", "message": "hello"}, timeout=30)
        return response.status_code == 200 and bool(response.json())
    except (requests.RequestException, ValueError):
        return False


def _wait(proc: Proc, ready: Any, what: str, timeout: float) -> float:
    """Poll `ready()` until true; seconds since the process started. BenchError if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise BenchError(f"{proc.name} exited ({proc.process.returncode}) before {what}; log {proc.log}:\n"
                             f"{proc.log_tail()}")
        if ready():
            return time.monotonic() - proc.started
        time.sleep(0.1)
    raise BenchError(f"{proc.name}: no {what} after {timeout:.0f} s; log {proc.log}:\n{proc.log_tail()}")


def start_stack(variant: Variant, model: Path, work: Path, settings: Settings, taken: set[int]) -> Stack:
    """Start the action server, wait for its /health, then the Rasa server (as `make serve` does) and wait
    for its first answered message; both on 127.0.0.1, conversations in a temporary SQLite file."""
    actions_port, rasa_port = free_port(taken), free_port(taken)
    folder = Path(tempfile.mkdtemp(prefix=f"serve-{variant.key}-", dir=work))
    credentials = folder / "credentials.yml"
    credentials.write_text(f"{CHANNEL}:\n")  # the REST channel alone: no Slack, no socket.io
    extra = {"ACTIONS_PORT": str(actions_port), "TRACKER_STORE_URL": f"sqlite:///{folder / 'tracker.db'}",
             **dict(variant.env)}
    if not os.environ.get("CAREERBOT_DB_URL"):  # a private copy: a `make kb` elsewhere cannot disturb us
        kb = REPO_ROOT / "var" / "careerbot.db"
        if not kb.is_file():
            raise BenchError(f"no knowledge base at {kb}: run `make setup` first")
        shutil.copy2(kb, folder / "careerbot.db")
        extra["CAREERBOT_DB_URL"] = f"sqlite:///{folder / 'careerbot.db'}"
    env = base_env(**extra)
    token = secrets.token_hex(16)
    rss = PeakRss()
    rss.start()
    print(f"==> [bench] Serving {variant.title}: action server :{actions_port}, Rasa server :{rasa_port}",
          flush=True)
    actions = Proc.start("action server", [str(BIN / "rasa"), "run", "actions", "--actions", "bot.actions",
                                           "--port", str(actions_port)], env, folder / "actions.log")
    rss.watch("actions", actions.process.pid)
    rasa: Proc | None = None
    try:
        actions_ready = _wait(actions, lambda: _get_ok(f"http://127.0.0.1:{actions_port}/health"), "GET /health",
                              settings.start_timeout)
        rasa = Proc.start("Rasa server", [str(BIN / "python"), "-m", "bot.server", "run", "--model", str(model),
                                          "--endpoints",
                                          "endpoints.yml", "--credentials", str(credentials), "-i", "127.0.0.1",
                                          "-p", str(rasa_port), "--enable-api", "--auth-token", token],
                          env, folder / "rasa.log")
        rss.watch("rasa", rasa.process.pid)
        webhook = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        ready = _wait(rasa, lambda: _answered(webhook), "answer to 'hello'", settings.start_timeout)
    except BaseException:
        rss.finish()
        for proc in (rasa, actions):
            if proc is not None:
                proc.stop()
        raise
    print(f"    action server up in {actions_ready:.1f} s; Rasa answered after {ready:.1f} s", flush=True)
    return Stack(variant, actions, rasa, rasa_port, token, rss, actions_ready, ready)


def stop_stack(stack: Stack) -> dict[str, float]:
    """Read the memory peaks, then stop both servers."""
    peaks = stack.rss.finish()
    stack.rasa.stop()
    stack.actions.stop()
    return peaks


# ------------------------------------------------------------------------------------------ measuring
def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of `values`."""
    from bench.nlu_compare import percentile as nearest_rank

    return nearest_rank(values, pct)


@dataclass
class Sample:
    """One webhook call: latency in ms and how it ended ('ok', an HTTP status, or an exception name)."""

    ms: float
    outcome: str


async def send(http: Any, webhook: str, sender: str, text: str) -> Sample:
    """POST one message; ok means HTTP 200 with at least one bot message."""
    import aiohttp

    started = time.perf_counter()
    try:
        async with http.post(webhook, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None)
            status = response.status
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return Sample((time.perf_counter() - started) * 1000, type(error).__name__)
    ms = (time.perf_counter() - started) * 1000
    if status != 200:
        return Sample(ms, f"HTTP {status}")
    return Sample(ms, "ok" if isinstance(body, list) and body else "empty reply")


async def single_user(http: Any, webhook: str, turns: tuple[Turn, ...], passes: int, tag: str) -> list[Sample]:
    """One user replaying the script `passes` times (a new conversation each time), one message at a time."""
    samples: list[Sample] = []
    for number in range(passes):
        sender = f"bench-{tag}-{number}-{secrets.token_hex(4)}"
        for turn in turns:
            samples.append(await send(http, webhook, sender, turn.text))
    return samples


async def under_load(http: Any, webhook: str, turns: tuple[Turn, ...], users: int,
                     duration: float) -> tuple[list[Sample], float]:
    """`users` conversations at once, each replaying the script (a new conversation after the last turn)
    until `duration` seconds have passed: (samples, seconds from start until the last answer)."""
    deadline = time.monotonic() + duration
    samples: list[Sample] = []

    async def user(index: int) -> None:
        round_ = 0
        while time.monotonic() < deadline:
            sender = f"bench-load-{index}-{round_}-{secrets.token_hex(4)}"
            round_ += 1
            for turn in turns:
                if time.monotonic() >= deadline:
                    return
                samples.append(await send(http, webhook, sender, turn.text))

    started = time.monotonic()
    await asyncio.gather(*(user(i) for i in range(users)))
    return samples, time.monotonic() - started


async def parse_all(http: Any, url: str, token: str, texts: list[str]) -> list[dict[str, Any]]:
    """The server's NLU result (/model/parse) for every text, one at a time."""
    results = []
    for text in texts:
        async with http.post(f"{url}/model/parse", params={"token": token}, json={"text": text}) as response:
            if response.status != 200:
                raise BenchError(f"/model/parse answered {response.status} for {text!r}")
            results.append(await response.json())
    return results


def intent_scores(results: list[dict[str, Any]], gold: list[str]) -> tuple[float, float]:
    """Accuracy of the served intent (a fallback counts as a miss) and of the top intent ignoring the fallback."""
    served = sum(r["intent"]["name"] == g for r, g in zip(results, gold))
    top = 0
    for result, intent in zip(results, gold):
        ranking = [r for r in result.get("intent_ranking") or [] if r["name"] != "nlu_fallback"]
        top += bool(ranking) and ranking[0]["name"] == intent
    return served / len(gold), top / len(gold)


def heldout_examples(path: Path, per_intent: int | None) -> list[tuple[str, str]]:
    """(text, intent) pairs of the held-out NLU file; the first `per_intent` of each intent when given."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples, seen = [], Counter()
    for example in load_data(str(path)).intent_examples:
        intent = example.get("intent")
        if per_intent is None or seen[intent] < per_intent:
            seen[intent] += 1
            examples.append((example.get("text"), intent))
    return examples


async def measure(stack: Stack, settings: Settings, heldout: list[tuple[str, str]]) -> dict[str, Any]:
    """Every figure that needs the running servers."""
    import aiohttp

    webhook = f"{stack.url}/webhooks/rest/webhook"
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=max(settings.concurrency, 1) + 2)
    figures: dict[str, Any] = {}
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        # Warm-up: one untimed pass, so that every code path has run once (lazy imports, first graph calls).
        await single_user(http, webhook, settings.turns, 1, "warmup")
        cpu_before = cpu_seconds(stack.rasa.process.pid)
        one = await single_user(http, webhook, settings.turns, settings.passes, "single")
        # CPU time per message: what the patches save, far less disturbed than latency by other work on the box
        figures["single_cpu_ms"] = (cpu_seconds(stack.rasa.process.pid) - cpu_before) * 1000 / max(len(one), 1)
        ok_ms = [s.ms for s in one if s.outcome == "ok"]
        figures["single_errors"] = len(one) - len(ok_ms)
        for pct in (50, 95, 99):
            figures[f"single_p{pct}_ms"] = percentile(ok_ms, pct) if ok_ms else None
        figures["single_n"] = len(one)
        kinds = [turn.custom_action for turn in settings.turns] * settings.passes
        for key, wanted in (("single_p50_action_ms", True), ("single_p50_utter_ms", False)):
            ms = [s.ms for s, kind in zip(one, kinds) if kind == wanted and s.outcome == "ok"]
            figures[key] = percentile(ms, 50) if ms else None
            figures[key.replace("_ms", "_n")] = len(ms)

        load_avg_before = os.getloadavg()[0]
        cpu_before = cpu_seconds(stack.rasa.process.pid)
        loaded, seconds = await under_load(http, webhook, settings.turns, settings.concurrency, settings.duration)
        figures["load_cpu_ms"] = (cpu_seconds(stack.rasa.process.pid) - cpu_before) * 1000 / max(len(loaded), 1)
        ok_ms = [s.ms for s in loaded if s.outcome == "ok"]
        for pct in (50, 95, 99):
            figures[f"load_p{pct}_ms"] = percentile(ok_ms, pct) if ok_ms else None
        figures["load_n"] = len(loaded)
        figures["throughput"] = len(ok_ms) / seconds
        figures["load_seconds"] = seconds
        figures["errors"] = len(loaded) - len(ok_ms)
        figures["error_kinds"] = dict(Counter(s.outcome for s in loaded if s.outcome != "ok"))
        figures["load_avg_during"] = (load_avg_before, os.getloadavg()[0])

        parsed = await parse_all(http, stack.url, stack.token, [t.text for t in settings.turns])
        figures["script_understood"] = sum(p["intent"]["name"] == t.intent for p, t in zip(parsed, settings.turns))
        figures["script_n"] = len(settings.turns)
        figures["script_missed"] = [f"{t.text} -> {p['intent']['name']}" for p, t in zip(parsed, settings.turns)
                                    if p["intent"]["name"] != t.intent]
        if heldout:
            parsed = await parse_all(http, stack.url, stack.token, [text for text, _ in heldout])
            served, top = intent_scores(parsed, [intent for _, intent in heldout])
            figures["accuracy"], figures["accuracy_top"], figures["heldout_n"] = served, top, len(heldout)
    return figures


def bench_model(variant: Variant, model: Path, work: Path, settings: Settings, taken: set[int],
                heldout: list[tuple[str, str]]) -> dict[str, Any]:
    """Serve `model`, measure it, stop the servers; the figures."""
    stack = start_stack(variant, model, work, settings, taken)
    try:
        print(f"    measuring: {settings.passes} x {len(settings.turns)} messages for one user, then "
              f"{settings.concurrency} conversations for {settings.duration:g} s, then {len(heldout)} "
              "held-out examples", flush=True)
        figures = asyncio.run(measure(stack, settings, heldout))
    finally:
        peaks = stop_stack(stack)
    figures.update(ready_s=stack.ready_s, actions_ready_s=stack.actions_ready_s,
                   rasa_rss_mb=peaks.get("rasa"), actions_rss_mb=peaks.get("actions"))
    return figures


# ------------------------------------------------------------------------------------------ the table
@dataclass(frozen=True)
class Row:
    """One line of the results table: a figure's key, its label, unit and decimals."""

    key: str
    label: str
    unit: str = ""
    digits: int = 1


def rows(settings: Settings) -> list[Row]:
    """The table's rows, labelled with the run's settings."""
    users = f"{settings.concurrency} conversations"
    return [
        Row("train_s", "Training wall time (rasa train, empty cache)", "s"),
        Row("ready_s", "Ready: Rasa process start -> first answer", "s"),
        Row("actions_ready_s", "Action server start -> /health", "s"),
        Row("single_p50_ms", "Reply latency p50, 1 user", "ms"),
        Row("single_p95_ms", "Reply latency p95, 1 user", "ms"),
        Row("single_p99_ms", "Reply latency p99, 1 user", "ms"),
        Row("single_p50_action_ms", "Reply latency p50, 1 user, custom-action turns", "ms"),
        Row("single_p50_utter_ms", "Reply latency p50, 1 user, response-only turns", "ms"),
        Row("single_cpu_ms", "Rasa server CPU time per message, 1 user", "ms"),
        Row("load_cpu_ms", f"Rasa server CPU time per message, {users}", "ms"),
        Row("load_p50_ms", f"Reply latency p50, {users}", "ms"),
        Row("load_p95_ms", f"Reply latency p95, {users}", "ms"),
        Row("load_p99_ms", f"Reply latency p99, {users}", "ms"),
        Row("throughput", f"Throughput, {users}", "msg/s"),
        Row("errors", f"Errors, {users}", "", 0),
        Row("rasa_rss_mb", "Peak RSS, Rasa server", "MB", 0),
        Row("actions_rss_mb", "Peak RSS, action server", "MB", 0),
        Row("accuracy_top", "Held-out intent accuracy (top intent, as rasa test nlu scores it)", "%"),
        Row("accuracy", "Held-out answers as served (a fallback counts as a miss)", "%"),
        Row("script_understood", "Scripted questions given their intended intent", "", 0),
    ]


def number(row: Row, figures: dict[str, Any]) -> float | None:
    """The row's figure as a number, or None when it is not a number (skipped, failed)."""
    value = figures.get(row.key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value * 100 if row.key.startswith("accuracy") else float(value)


def cell(row: Row, figures: dict[str, Any]) -> str:
    """The row's figure as shown in the table."""
    value = number(row, figures)
    if value is None:
        return str(figures.get(row.key, "n/a"))
    text = f"{value:,.{row.digits}f}" + (f" {row.unit}" if row.unit else "")
    if row.key == "errors":
        text += f" of {figures.get('load_n', 0):,}"
    elif row.key == "script_understood":
        text += f" of {figures.get('script_n', 0)}"
    elif row.key == "single_p50_ms":
        text += f" (n={figures.get('single_n', 0)})"
    elif row.key in ("single_p50_action_ms", "single_p50_utter_ms"):
        text += f" (n={figures.get(row.key.replace('_ms', '_n'), 0)})"
    elif row.key == "train_s" and figures.get("train_note"):
        text += f" ({figures['train_note']})"
    return text


def ratio(row: Row, mine: dict[str, Any], default: dict[str, Any]) -> str:
    """default / careerbot for the row, or n/a."""
    a, b = number(row, mine), number(row, default)
    if a is None or b is None or a == 0:
        return "n/a"
    return f"{b / a:.2f}x"


def verdicts(mine: dict[str, Any], default: dict[str, Any], settings: Settings) -> dict[str, tuple[str, str]]:
    """Each target of the issue: row key -> (target, 'yes' / 'NO' / 'n/a')."""
    def val(key: str, figures: dict[str, Any]) -> float | None:
        value = figures.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def judge(ok: bool | None) -> str:
        return "n/a" if ok is None else ("yes" if ok else "NO")

    p50, p50_default = val("single_p50_ms", mine), val("single_p50_ms", default)
    if p50 is None:
        latency_ok = None
    elif p50_default is None:
        latency_ok = None if p50 <= 10 else False  # the 3x half cannot be judged without the baseline
    else:
        latency_ok = p50 <= 10 and p50_default / p50 >= 3
    throughput, errors = val("throughput", mine), val("errors", mine)
    load_ok = None if throughput is None or errors is None else (throughput >= 100 and errors == 0)
    if settings.concurrency != 20:
        load_ok = None  # the target is stated for 20 conversations
    acc, acc_default = val("accuracy_top", mine), val("accuracy_top", default)

    def at_most(key: str, limit: float) -> bool | None:
        value = val(key, mine)
        return None if value is None else value <= limit

    return {
        "train_s": ("<= 30 s", judge(at_most("train_s", 30) if not settings.tiny else None)),
        "ready_s": ("<= 10 s", judge(at_most("ready_s", 10))),
        "single_p50_ms": ("<= 10 ms and >= 3x faster than default", judge(latency_ok)),
        "throughput": (">= 100 msg/s with 0 errors (20 conversations)", judge(load_ok)),
        "errors": ("0", judge(None if errors is None else errors == 0)),
        "rasa_rss_mb": ("<= 600 MB", judge(at_most("rasa_rss_mb", 600))),
        "accuracy_top": (">= default's", judge(None if acc is None or acc_default is None else acc >= acc_default)),
        "accuracy": ("none (fallback thresholds differ: 0.4 vs 0.3)", ""),
    }


def table(mine: dict[str, Any], default: dict[str, Any], settings: Settings,
          unpatched: dict[str, Any] | None = None) -> list[list[str]]:
    """The results as rows of cells, the header first: careerbot, Rasa default, careerbot with
    CAREERBOT_SPEEDUPS=0, and the ratios of the last two to careerbot."""
    unpatched = unpatched or {}
    header = ["Figure", VARIANTS[0].title, VARIANTS[1].title, VARIANTS[2].title, "default / careerbot",
              "speedups off / careerbot", "Target (careerbot)", "Met"]
    marks = verdicts(mine, default, settings)
    lines = [header]
    for row in rows(settings):
        target, met = marks.get(row.key, ("", ""))
        lines.append([row.label, cell(row, mine), cell(row, default), cell(row, unpatched),
                      ratio(row, mine, default), ratio(row, mine, unpatched), target, met])
    return lines


def plain(lines: list[list[str]]) -> str:
    """The table as aligned text for the terminal."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for number_, line in enumerate(lines):
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
        if number_ == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(lines: list[list[str]]) -> str:
    """The table as GitHub markdown."""
    numbers = len(lines[0]) - 3  # every column but the label, the target and its verdict
    out = ["| " + " | ".join(lines[0]) + " |", "|" + "|".join(["---"] + ["---:"] * numbers + ["---", "---"]) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in lines[1:]]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------ the report
def machine() -> dict[str, Any]:
    """CPU count and model, memory, OS, Python and Rasa versions, commit, date, load average."""
    from importlib.metadata import version

    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram_gb = 0.0
    try:
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
        ram_gb = kb / 1024 / 1024
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(ram_gb, 1), "os": platform.platform(),
            "python": platform.python_version(), "rasa": version("rasa"), "commit": commit,
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "load_average_start": os.getloadavg()}


def report(lines: list[list[str]], results: dict[str, dict[str, Any]], settings: Settings,
           host: dict[str, Any], elapsed: float) -> str:
    """RESULTS.md: how to rerun, the table, the machine, the settings and notes from this run."""
    load_end = os.getloadavg()
    fmt = lambda values: " / ".join(f"{v:.2f}" for v in values)  # noqa: E731
    mode = ("--tiny (smoke setting)" if settings.tiny else "--skip-train" if settings.skip_train
            else "--retrain" if settings.retrain else "default (models trained from unchanged inputs are reused)")
    parts = [
        "# careerbot benchmark: config.yml vs Rasa's default pipeline, and careerbot without its speed patches",
        "",
        "Written by `make bench` (`.venv/bin/python -m bench.run`); rerun it to refresh these figures. Both "
        "models are trained on the same `bot/domain.yml` and `bot/data`; *Rasa default* is "
        "`bench/default_config.yml`, the configuration `rasa init` uses. Both are served the way `make serve` "
        "serves careerbot: a real action server and Rasa server on 127.0.0.1, careerbot's REST channel, "
        "conversations in a SQLite tracker store (a temporary file). *careerbot, CAREERBOT_SPEEDUPS=0* serves "
        "careerbot's model with every speed patch of bot/rasa_plugins/patches.py off (the safety patches stay): "
        "what the patches buy. The ratio columns are default / careerbot and speedups off / careerbot: above 1 "
        "the other is slower, bigger or higher. `python -m bench.run --patch-groups` breaks the patches' gain "
        "down by group (bench/PATCH_GROUPS.md).",
        "",
        markdown(lines),
        "",
        "## Machine",
        "",
        f"- {host['nproc']} CPUs ({host['cpu']}), {host['ram_gb']} GB RAM; {host['os']}",
        f"- Python {host['python']}, Rasa {host['rasa']}, commit {host['commit']}",
        f"- date {host['date']}; run took {elapsed:.0f} s",
        f"- load average (1/5/15 min) at start {fmt(host['load_average_start'])}, at end {fmt(load_end)}: "
        "the machine is shared with other work, which slows every figure above",
        "",
        "## Settings",
        "",
        f"- mode: {mode}",
        f"- script: {len(settings.turns)} messages per conversation (one warm-up pass first, untimed): "
        + "; ".join(f"\"{t.text}\"" for t in settings.turns),
        f"- one user: {settings.passes} passes of the script, one message at a time",
        f"- load: {settings.concurrency} concurrent conversations replaying the script for {settings.duration:g} s "
        "(closed loop: each sends its next message when the last is answered); throughput counts answered "
        "messages (HTTP 200 with at least one bot message) per second; an error is any other outcome",
        f"- held-out accuracy: {results[VARIANTS[0].key].get('heldout_n', 'n/a')} examples of "
        f"{settings.heldout.relative_to(REPO_ROOT)}"
        + (f" (the first {settings.heldout_per_intent} per intent)" if settings.heldout_per_intent else "")
        + " parsed by the running server's /model/parse. The target row scores the top intent the way "
        "`rasa test nlu` does (a FallbackClassifier verdict undone); *as served* also counts nlu_fallback as a "
        "miss, and so depends on each config's fallback threshold (careerbot 0.4, chosen in docs/pipeline.md "
        "to ask \"did you mean\" rather than guess; the default 0.3)",
        "- peak RSS: VmRSS of each server's process tree sampled every 0.2 s, and its VmHWM, whichever is higher",
        "- ready: from starting `python -m bot.server run` (`rasa run`, started lean; after the action server "
        "answered /health) to the first HTTP 200 "
        "with a reply to \"hello\"",
        "- training: `rasa train` wall time into an empty output folder with an empty Rasa cache "
        "(RASA_CACHE_DIRECTORY in a temporary folder)",
        "- the load generator (Python, aiohttp) runs on the same machine and competes with the servers for CPU",
        "",
    ]
    notes = []
    for variant in VARIANTS:
        figures = results[variant.key]
        if figures.get("error_kinds"):
            notes.append(f"- {variant.title}: errors under load by kind: {figures['error_kinds']}")
        if figures.get("script_missed"):
            notes.append(f"- {variant.title}: scripted questions given another intent: "
                         + "; ".join(figures["script_missed"]))
        if figures.get("load_avg_during"):
            before, after = figures["load_avg_during"]
            notes.append(f"- {variant.title}: 1-min load average {before:.2f} before the load phase, "
                         f"{after:.2f} after it")
    if notes:
        parts += ["## Notes from this run", "", *notes, ""]
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------ main
def parse_args(argv: list[str] | None) -> Settings:
    """The command line as Settings."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true",
                        help="smoke setting: shipped model, no training, no baseline, 2 users for 5 s")
    parser.add_argument("--retrain", action="store_true",
                        help="train both models again even when var/bench/ keeps current ones")
    parser.add_argument("--skip-train", action="store_true",
                        help="reuse the kept models even if config or bot/ data changed since (never train)")
    parser.add_argument("--concurrency", type=int, default=None, help="concurrent conversations (default 20)")
    parser.add_argument("--duration", type=float, default=None, help="seconds of load (default 30)")
    parser.add_argument("--passes", type=int, default=None, help="single-user passes of the script (default 5)")
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="held-out NLU file")
    parser.add_argument("--out", type=Path, default=None, help="markdown report (default bench/RESULTS.md)")
    parser.add_argument("--json", type=Path, default=None, dest="json_out", help="also write the figures as JSON")
    parser.add_argument("--only", default=None, metavar="KEY[,KEY]",
                        help="measure only these columns (" + ", ".join(v.key for v in VARIANTS)
                             + "); the others are n/a; for profiling a change")
    parser.add_argument("--patch-groups", nargs="?", const="all", default=None, metavar="GROUP,GROUP",
                        help="measure what each speed group of bot/rasa_plugins/patches.py buys (all groups, or "
                             "the ones named); writes bench/PATCH_GROUPS.md unless --out is given")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each configuration with --patch-groups")
    parser.add_argument("--train-timeout", type=float, default=1800, help="seconds allowed per training")
    parser.add_argument("--start-timeout", type=float, default=180, help="seconds allowed for a server to start")
    args = parser.parse_args(argv)
    if args.retrain and args.skip_train:
        parser.error("--retrain and --skip-train contradict each other")
    tiny = args.tiny
    groups: tuple[str, ...] = ()
    if args.patch_groups is not None:
        from bot.rasa_plugins.patches import SPEED_GROUPS

        groups = SPEED_GROUPS if args.patch_groups == "all" else tuple(
            g.strip() for g in args.patch_groups.split(",") if g.strip())
        unknown = set(groups) - set(SPEED_GROUPS)
        if unknown or not groups:
            parser.error(f"--patch-groups: unknown groups {sorted(unknown)}; the groups are {', '.join(SPEED_GROUPS)}")
        if tiny or args.only or args.retrain:
            parser.error("--patch-groups measures careerbot's kept model alone: no --tiny, --only or --retrain")
    only_keys = {key.strip() for key in (args.only or "").split(",") if key.strip()}
    if only_keys - {v.key for v in VARIANTS}:
        parser.error(f"--only: unknown columns {sorted(only_keys - {v.key for v in VARIANTS})}; "
                     f"choose from {', '.join(v.key for v in VARIANTS)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    out = args.out or (GROUPS_OUT if groups else DEFAULT_OUT)
    short = bool(groups)
    return Settings(
        tiny=tiny, skip_train=args.skip_train, retrain=args.retrain,
        concurrency=args.concurrency if args.concurrency is not None else (2 if tiny else 20),
        duration=args.duration if args.duration is not None else (5.0 if tiny else 15.0 if short else 30.0),
        passes=args.passes if args.passes is not None else (1 if tiny else 3 if short else 5),
        turns=SCRIPT[:TINY_TURNS] if tiny else SCRIPT,
        heldout=args.heldout.resolve(), heldout_per_intent=1 if tiny else None,
        out=out.resolve(), json_out=args.json_out.resolve() if args.json_out else None,
        train_timeout=args.train_timeout, start_timeout=args.start_timeout, only=args.only, patch_groups=groups,
        repeat=args.repeat)


def run(settings: Settings) -> dict[str, dict[str, Any]]:
    """Train (or reuse) both models and measure each; the figures per variant key."""
    results: dict[str, dict[str, Any]] = {v.key: {} for v in VARIANTS}
    taken: set[int] = set()
    heldout = heldout_examples(settings.heldout, settings.heldout_per_intent)
    with tempfile.TemporaryDirectory(prefix="careerbot-bench-") as tmp:
        work = Path(tmp)
        models: dict[str, Path] = {}
        only = {key.strip() for key in settings.only.split(",")} if settings.only else None
        wanted = [v.key for v in VARIANTS if only is None or v.key in only]
        for key in results:
            if key not in wanted:
                results[key] = {row.key: f"n/a (--only {settings.only})" for row in rows(settings)}
        if settings.tiny:
            if not SHIPPED_MODEL.is_file():
                raise BenchError(f"no trained model at {SHIPPED_MODEL}: run `make train` first")
            models[VARIANTS[0].key] = SHIPPED_MODEL
            results[VARIANTS[0].key]["train_s"] = "n/a (--tiny reuses var/models/careerbot.tar.gz)"
            results[VARIANTS[1].key] = {row.key: SKIPPED_TINY for row in rows(settings)}
            results[VARIANTS[2].key] = {row.key: SKIPPED_TINY for row in rows(settings)}
        else:
            for variant in (v for v in VARIANTS if v.key in wanted and v.model_of is None):  # one at a time
                kept = None if settings.retrain else cached_model(variant, stale_ok=settings.skip_train)
                if kept is None and settings.skip_train:
                    raise BenchError(f"--skip-train: no kept model of {variant.title} in {CACHE_DIR}; "
                                     "run the benchmark once without --skip-train")
                if kept is not None:
                    models[variant.key], seconds, note = kept
                    results[variant.key].update(train_s=seconds, train_note=note)
                    print(f"==> [bench] {variant.title}: reusing the kept model ({note})", flush=True)
                    continue
                model, seconds = train(variant, work / f"models-{variant.key}", work, settings.train_timeout)
                cache_model(variant, model, seconds)
                models[variant.key] = model
                results[variant.key]["train_s"] = seconds
        for variant in VARIANTS:
            if variant.model_of is not None and variant.key in wanted and not settings.tiny:
                kept = models.get(variant.model_of) or (cached_model(next(v for v in VARIANTS
                                                                          if v.key == variant.model_of), True)
                                                        or (None,))[0]
                if kept is None:
                    raise BenchError(f"{variant.title} serves the {variant.model_of} model, which is not trained")
                models[variant.key] = kept
                results[variant.key]["train_s"] = f"n/a (serves the {variant.model_of} model)"
            if variant.key in models:
                results[variant.key].update(bench_model(variant, models[variant.key], work, settings, taken,
                                                        heldout))
    return results


# ------------------------------------------------------------------------------------------ patch groups
GROUP_FIGURES = (("single_p50_ms", "p50 1 user", "ms"), ("throughput", "throughput", "msg/s"),
                 ("load_cpu_ms", "Rasa CPU per message under load", "ms"), ("ready_s", "ready", "s"),
                 ("rasa_rss_mb", "Rasa RSS", "MB"))
KEEP_THRESHOLD = 5.0  # per cent of p50 or throughput a group must buy to stay


def group_configurations(groups: tuple[str, ...]) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """(name, Rasa server environment) of every configuration --patch-groups serves."""
    return [("all on", ()), *((f"{group} off", (("CAREERBOT_SPEEDUPS_OFF", group),)) for group in groups),
            ("all off (CAREERBOT_SPEEDUPS=0)", (("CAREERBOT_SPEEDUPS", "0"),))]


def gains(on: dict[str, Any], off: dict[str, Any]) -> dict[str, float | None]:
    """What switching a group on buys, from a run with it off to a run with it on: p50 and throughput in per
    cent (positive: better), ready time in seconds and RSS in MB saved."""
    def value(figures: dict[str, Any], key: str) -> float | None:
        number_ = figures.get(key)
        return float(number_) if isinstance(number_, (int, float)) else None

    out: dict[str, float | None] = {}
    p50_on, p50_off = value(on, "single_p50_ms"), value(off, "single_p50_ms")
    out["p50_pct"] = None if not p50_on or not p50_off else (p50_off - p50_on) / p50_off * 100
    tp_on, tp_off = value(on, "throughput"), value(off, "throughput")
    out["throughput_pct"] = None if not tp_on or not tp_off else (tp_on - tp_off) / tp_off * 100
    cpu_on, cpu_off = value(on, "load_cpu_ms"), value(off, "load_cpu_ms")
    out["cpu_pct"] = None if not cpu_on or not cpu_off else (cpu_off - cpu_on) / cpu_off * 100
    for key, name in (("ready_s", "ready_s"), ("rasa_rss_mb", "rss_mb")):
        a, b = value(on, key), value(off, key)
        out[name] = None if a is None or b is None else b - a
    return out


def verdict(runs: list[dict[str, float | None]]) -> str:
    """'keep' when the group saves at least KEEP_THRESHOLD per cent of the Rasa server's CPU time per message
    (mean of the runs): on a shared machine that is the measurable stand-in for p50 and throughput, which
    other people's work moves by tens of per cent from one run to the next (on an idle 2-core machine a
    single user's p50 and the throughput follow the CPU time per message). A group that saves no CPU but
    starts the server faster or smaller is 'keep (ready, RSS)'; anything else 'remove'."""
    def mean(key: str) -> float | None:
        values = [run[key] for run in runs if run.get(key) is not None]
        return sum(values) / len(values) if values else None

    cpu, ready, rss = mean("cpu_pct"), mean("ready_s"), mean("rss_mb")
    if cpu is None:
        return "n/a"
    if cpu >= KEEP_THRESHOLD:
        return "keep"
    if (ready or 0) >= 2.0 and (rss or 0) >= 50.0:
        return "keep (ready, RSS)"
    return "remove"


def _fmt(value: float | None, unit: str, sign: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+,.1f}{unit}" if sign else f"{value:,.1f}{unit}"


def groups_report(measured: dict[str, list[dict[str, Any]]], settings: Settings, host: dict[str, Any],
                  elapsed: float) -> str:
    """PATCH_GROUPS.md: every run's figures per configuration, then each group's gain per run and verdict."""
    runs = settings.repeat
    lines = ["| Configuration | " + " | ".join(f"{label} (runs 1..{runs})" for _, label, _ in GROUP_FIGURES)
             + " | errors |", "|---|" + "---:|" * (len(GROUP_FIGURES) + 1)]
    for name, results in measured.items():
        cells = [" / ".join(_fmt(r.get(key) if isinstance(r.get(key), (int, float)) else None, f" {unit}")
                            for r in results) for key, _, unit in GROUP_FIGURES]
        lines.append(f"| {name} | " + " | ".join(cells) + " | "
                     + " / ".join(str(r.get("errors", "n/a")) for r in results) + " |")
    gain_lines = ["| Group switched on | p50 gain (run 1 / run 2 ...) | throughput gain | CPU per message saved | "
                  "ready time saved | RSS saved | verdict |",
                  "|---|---:|---:|---:|---:|---:|---|"]
    all_on = measured["all on"]
    for name, results in measured.items():
        if name == "all on":
            continue
        group = name.split(" ", 1)[0] if not name.startswith("all off") else "all speed groups"
        per_run = [gains(on, off) for on, off in zip(all_on, results)]
        gain_lines.append(
            f"| {group} | " + " / ".join(_fmt(g["p50_pct"], " %", True) for g in per_run) + " | "
            + " / ".join(_fmt(g["throughput_pct"], " %", True) for g in per_run) + " | "
            + " / ".join(_fmt(g["cpu_pct"], " %", True) for g in per_run) + " | "
            + " / ".join(_fmt(g["ready_s"], " s", True) for g in per_run) + " | "
            + " / ".join(_fmt(g["rss_mb"], " MB", True) for g in per_run) + " | " + verdict(per_run) + " |")
    return "\n".join([
        "# What each group of careerbot's Rasa speed patches buys",
        "",
        "Written by `.venv/bin/python -m bench.run --patch-groups` (bench/run.py). careerbot's kept model is "
        "served as `make serve` serves it, once per configuration and run: every speed group on, each group "
        "off alone (CAREERBOT_SPEEDUPS_OFF=group), every group off (CAREERBOT_SPEEDUPS=0); the safety patches "
        f"are always on. Configurations are interleaved, {runs} runs each. A gain compares run i with the group "
        "off to run i with every group on: p50 gain = (p50 off - p50 on) / p50 off, throughput gain = (on - "
        "off) / off; CPU per message saved = (off - on) / off, the Rasa server's CPU time per message under "
        "load, which other work on a shared machine disturbs far less than latency. Verdict: keep when the "
        "group saves at least 5 % of the CPU time per message (mean of the runs), the stand-in for p50 and "
        "throughput here; keep (ready, RSS) when it saves none but starts the server at least 2 s faster and "
        "50 MB smaller; else remove (bench/run.py `verdict`).",
        "",
        "## Figures per run",
        "",
        *lines,
        "",
        "## Gain of each group",
        "",
        *gain_lines,
        "",
        "## Machine and settings",
        "",
        f"- {host['nproc']} CPUs ({host['cpu']}), {host['ram_gb']} GB RAM; Python {host['python']}, Rasa "
        f"{host['rasa']}, commit {host['commit']}; date {host['date']}; run took {elapsed:.0f} s; load average "
        f"at start {host['load_average_start'][0]:.2f}, at end {os.getloadavg()[0]:.2f}",
        f"- one user: {settings.passes} passes of the {len(settings.turns)}-message script after one warm-up "
        f"pass; load: {settings.concurrency} conversations for {settings.duration:g} s; no held-out set",
        "",
    ])


def groups_main(settings: Settings, host: dict[str, Any], started: float) -> int:
    """--patch-groups: serve careerbot's kept (or freshly trained) model in every configuration, repeat times,
    print and write the gains."""
    variant = VARIANTS[0]
    configurations = group_configurations(settings.patch_groups)
    measured: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in configurations}
    taken: set[int] = set()
    try:
        with tempfile.TemporaryDirectory(prefix="careerbot-bench-groups-") as tmp:
            work = Path(tmp)
            kept = cached_model(variant, stale_ok=settings.skip_train)
            if kept is None:
                model, seconds = train(variant, work / "models", work, settings.train_timeout)
                cache_model(variant, model, seconds)
            else:
                model = kept[0]
            for run_number in range(1, settings.repeat + 1):
                for name, env in configurations:
                    print(f"==> [bench] run {run_number}/{settings.repeat}: {name}", flush=True)
                    served = Variant(variant.key, f"careerbot, {name}", variant.config, variant.model_name, env=env)
                    measured[name].append(bench_model(served, model, work, settings, taken, []))
    except BenchError as error:
        print(f"error: [bench] {error}", file=sys.stderr)
        return 1
    text = groups_report(measured, settings, host, time.monotonic() - started)
    print()
    print(text)
    settings.out.parent.mkdir(parents=True, exist_ok=True)
    settings.out.write_text(text)
    print(f"==> [bench] Wrote {settings.out}")
    if settings.json_out:
        settings.json_out.write_text(json.dumps({"machine": host, "results": measured}, indent=2, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write the report; 1 (with the reason) when a step fails."""
    settings = parse_args(argv)
    started = time.monotonic()
    host = machine()
    if settings.patch_groups:
        return groups_main(settings, host, started)
    try:
        results = run(settings)
    except BenchError as error:
        print(f"error: [bench] {error}", file=sys.stderr)
        return 1
    lines = table(results[VARIANTS[0].key], results[VARIANTS[1].key], settings, results[VARIANTS[2].key])
    elapsed = time.monotonic() - started
    print()
    print(plain(lines))
    print(f"\n(machine: {host['nproc']} CPUs, {host['cpu']}, {host['ram_gb']} GB; load average at start "
          f"{host['load_average_start'][0]:.2f}; run took {elapsed:.0f} s)")
    settings.out.parent.mkdir(parents=True, exist_ok=True)
    settings.out.write_text(report(lines, results, settings, host, elapsed))
    print(f"==> [bench] Wrote {settings.out}")
    if settings.json_out:
        settings.json_out.write_text(json.dumps({"machine": host, "results": results}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    if str(REPO_ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
        sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
