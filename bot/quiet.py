"""Keep third-party warnings out of a user's terminal: `install()` before Rasa is imported.

Rasa 3.6 and its dependencies print a screenful of warnings while they load (pkg_resources, pyparsing, click,
distutils, SQLAlchemy's MovedIn20Warning, TensorFlow's C++ start-up log...), none of which a user can act on.
install() drops warnings of the known third-party categories (THIRD_PARTY_CATEGORIES) when the code they are
attributed to lives outside careerbot (site-packages or the standard library); careerbot's own warnings are
always shown. With CAREERBOT_DEBUG=1 nothing is silenced.

It hooks `warnings.showwarning` rather than adding filters, because Rasa installs its own filters at start-up
(`filterwarnings("once", category=UserWarning)`) in front of any added before it.
"""
from __future__ import annotations

import os
import sysconfig
import warnings
from pathlib import Path
from typing import Any, TextIO

DEBUG_ENV = "CAREERBOT_DEBUG"
THIRD_PARTY_CATEGORIES: tuple[type[Warning], ...] = (
    DeprecationWarning, PendingDeprecationWarning, FutureWarning, UserWarning, ImportWarning,
)
# Start-up chatter of libraries that log from C++ or print their own notices. Set whatever the inherited value:
# importing Rasa sets TF_CPP_MIN_LOG_LEVEL=1 in its process, which its child processes would inherit.
QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "2",  # TensorFlow's C++ INFO and WARNING lines (oneDNN, CUDA, TensorRT)
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",  # SQLAlchemy 1.4's "MovedIn20Warning" banner
}
_CAREERBOT_ROOT = Path(__file__).resolve().parents[1]
_THIRD_PARTY_ROOTS = tuple(
    str(Path(path).resolve()) for path in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
                                           sysconfig.get_paths()["stdlib"]} if path)


def debugging() -> bool:
    """Whether CAREERBOT_DEBUG asks to see everything."""
    return os.environ.get(DEBUG_ENV, "").strip() not in ("", "0", "false", "no")


def third_party(filename: str) -> bool:
    """Whether a warning attributed to `filename` comes from outside careerbot's own code."""
    if not filename or filename.startswith("<"):  # <frozen importlib._bootstrap> and the like
        return True
    path = os.path.realpath(filename)
    if any(part in ("site-packages", "dist-packages") for part in Path(path).parts):
        return True
    if path.startswith(str(_CAREERBOT_ROOT) + os.sep):
        return False
    return path.startswith(_THIRD_PARTY_ROOTS)


def silenced(category: type[Warning], filename: str) -> bool:
    """Whether install() drops a warning of `category` attributed to `filename`."""
    return issubclass(category, THIRD_PARTY_CATEGORIES) and third_party(filename)


def install() -> bool:
    """Silence known third-party warnings for this process (unless CAREERBOT_DEBUG=1); True when installed."""
    if debugging():
        return False
    os.environ.update(QUIET_ENVIRONMENT)
    show = warnings.showwarning
    if getattr(show, "careerbot_quiet", False):
        return True

    def showwarning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                    file: TextIO | None = None, line: str | None = None) -> Any:
        if silenced(category, filename):
            return None
        return show(message, category, filename, lineno, file, line)

    showwarning.careerbot_quiet = True  # type: ignore[attr-defined]
    warnings.showwarning = showwarning
    return True
