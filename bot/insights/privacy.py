"""Privacy by default: conversation ids become keyed-hash pseudonyms, emails and phone numbers are masked.

The key comes from CAREERBOT_INSIGHTS_KEY; without it, a random key is made once and kept in
var/insights/pseudonym.key (mode 600), so that the same conversation gets the same pseudonym in every report
of this installation and nobody without the key can tell which sender id it stands for.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

KEY_ENV = "CAREERBOT_INSIGHTS_KEY"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_KEY_FILE = REPO_ROOT / "var" / "insights" / "pseudonym.key"
EMAIL_MASK = "<email>"
PHONE_MASK = "<phone>"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the usual separators, 7 to 15 digits in all (E.164 allows 15); shorter runs such as
# "4 years", "2025" or "$121,560" stay.
_PHONE = re.compile(r"(?<![\w.,])\+?\d(?:[\s().-]{0,2}\d){6,14}(?![\w])")


def load_key(key_file: Path = DEFAULT_KEY_FILE) -> bytes:
    """The pseudonym key: CAREERBOT_INSIGHTS_KEY, else the one kept in `key_file` (made on first use)."""
    env = os.environ.get(KEY_ENV, "")
    if env:
        return env.encode()
    if key_file.exists():
        return key_file.read_bytes().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key + b"\n")
    return key


class Pseudonymizer:
    """Turns sender ids into stable pseudonyms ("c-" and 12 hex digits of an HMAC-SHA256)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, sender_id: str) -> str:
        """The pseudonym of `sender_id`."""
        digest = hmac.new(self._key, sender_id.encode("utf-8", "replace"), hashlib.sha256).hexdigest()
        return f"c-{digest[:12]}"


def mask(text: str) -> str:
    """`text` with email addresses and phone numbers replaced by <email> and <phone>."""
    if "@" in text:
        text = _EMAIL.sub(EMAIL_MASK, text)
    return _PHONE.sub(_phone_or_not, text)


def _phone_or_not(match: re.Match) -> str:
    digits = sum(char.isdigit() for char in match.group(0))
    return PHONE_MASK if 7 <= digits <= 15 else match.group(0)
