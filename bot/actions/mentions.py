"""Pure text helpers: spot the things a user names ("become an astronaut", "the XYZ certification"),
the career stage a question is about, and the skills it names. No knowledge base, no Rasa: the actions
check the phrases found here against the knowledge base."""
from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.names import normalize_name

_ART = r"(?:(?:a|an|the)\s+)?"
_PHRASE = r"(?P<x>[^?.!,;:()]+)"
_LAZY = r"(?P<x>[^?.!,;:()]+?)"

# (pattern, kind the phrasing implies or None when it does not say)
_PATTERNS: tuple[tuple[re.Pattern, str | None], ...] = tuple((re.compile(p), kind) for p, kind in (
    (r"\bbecom(?:e|ing)\s+" + _ART + _PHRASE, "role"),
    (r"\b(?:path|road|route|ladder|journey)\s+(?:to|towards|into)\s+(?!becom)" + _ART + _PHRASE, "role"),
    (r"\bwhat\s+(?:does|do)\s+" + _ART + _LAZY + r"\s+(?:do|earn|make)\b", "role"),
    (r"\bwho\s+(?:does|do)\s+" + _ART + _LAZY + r"\s+report\b", "role"),
    (r"\bwhat\s+comes\s+after\s+" + _ART + _PHRASE, "role"),
    (r"\bhow\s+much\s+(?:does|do|can)\s+" + _ART + _LAZY + r"\s+(?:earn|make|get)\b", "role"),
    (r"\bas\s+(?:a|an)\s+" + _PHRASE, "role"),
    (r"\b(?P<x>(?:[\w&+.'-]+\s+){1,4}?)(?:certifications?|certificates?|certs?|credentials?)\b", "certification"),
    (r"\bwhat(?:'s|\s+is|\s+are)\s+" + _ART + _PHRASE, None),
    (r"\btell\s+me\s+(?:more\s+)?about\s+" + _ART + _PHRASE, None),
    (r"^(?:and|what\s+about|how\s+about)\s+(?:for\s+)?" + _ART + _PHRASE, None),
    (r"\bi(?:'m|\s+am)\s+(?:a|an)\s+" + _PHRASE, None),
))

# Where a named thing ends: "become a CTO in ten years" names "CTO".
_CUT = re.compile(r"\s(?:in|at|for|with|without|if|when|within|because|so|by|after|before|from|once|"
                  r"and\s+what|and\s+how|who|which|that|than|vs|versus|or\s+what)\s.*$")

# Words that never name a thing on their own: "the best certification", "become one", "become better".
GENERIC_WORDS = frozenset("""
a an the this that these those it its one ones some any which what who whom my your our their his her i me
you we they someone somebody people person best good great better right top most more useful important
common typical popular first next other another new relevant valuable recommended successful leader leaders
do does did need should can could would will get earn take make is are be been being about of to on
really actually just also even still ever quickly fast faster eventually someday soon later now please here
there myself yourself real true professional how why when where whats what's pros cons advantages
disadvantages benefits and or but also then for with
""".split())

# Words that name nothing in particular when they are the whole phrase ("I'm an engineer", "I'm a student"),
# though they can end a name ("staff engineer").
LONE_WORDS = frozenset("engineer engineers student students graduate graduates grad beginner beginners newbie "
                       "professional professionals".split())

# Words that show the phrase is a question about a topic, not a name: "what is the average salary".
TOPIC_WORDS = frozenset("""
salary salaries pay paid earning earnings wage wages income money outlook market demand future hiring
employer employers company companies difference differences path paths ladder career careers skill skills
way ways time roi return investment job jobs certification certifications certificate certificates cert
certs credential credentials degree degrees education specialization specializations industry industries
role roles step steps duty duties responsibility responsibilities option options thing things point
deal plan advice help difference process progression growth level levels stage stages field fields
""".split())

_TRAILING = frozenset("quickly fast faster eventually someday soon later now please here there role position "
                      "job title one day".split())

MAX_WORDS = 6


@dataclass(frozen=True)
class Mention:
    """A phrase the user seems to name a thing with, and the kind the phrasing implies (None: unknown)."""

    phrase: str
    kind: str | None


def words(text: str) -> list[str]:
    """The words of `text`, normalised (lower case, folded quotes), punctuation dropped."""
    return re.findall(r"[\w&+'-]+(?:\.[\w]+)*\.?", normalize_name(text))


def _clean(raw: str) -> str:
    """Trim a captured phrase to the name it most likely is: cut trailing clauses and filler words."""
    phrase = _CUT.sub("", " " + normalize_name(raw).strip() + " ").strip()
    ws = [w.strip(".'") for w in phrase.split()]
    while ws and ws[0] in GENERIC_WORDS:
        ws.pop(0)
    while ws and (ws[-1] in _TRAILING or ws[-1] in GENERIC_WORDS):
        ws.pop()
    return " ".join(w for w in ws[:MAX_WORDS] if w)


def find_mentions(text: str) -> list[Mention]:
    """Phrases in `text` that look like names of a role, certification or other thing, in text order."""
    norm = normalize_name(text or "")
    found: list[tuple[int, Mention]] = []
    for pattern, kind in _PATTERNS:
        for match in pattern.finditer(norm):
            phrase = _clean(match.group("x"))
            ws = phrase.split()
            if not ws or all(w in GENERIC_WORDS or w in LONE_WORDS for w in ws):
                continue
            if kind is None and (len(ws) > 3 or any(w in TOPIC_WORDS for w in ws)):
                continue
            if kind == "role" and any(w in TOPIC_WORDS for w in ws) and len(ws) > 3:
                continue
            mention = Mention(phrase, kind)
            if all(m != mention for _, m in found):
                found.append((match.start("x"), mention))
    return [m for _, m in sorted(found, key=lambda pair: pair[0])]


_SIDES_PREFIX = re.compile(r"^.*?\b(?:differences?|comparison)\s+(?:between|of)\s+")
_SIDES_COMPARE = re.compile(r"^.*?\bcompar(?:e|ing)\s+(?=\S+.*\s(?:and|with|to|vs\.?|versus)\s)")
_SIDES_SPLIT = re.compile(r"\s+(?:vs\.?|versus|compared\s+(?:to|with)|compares?\s+(?:to|with)|and|or|with|than|to)\s+")


def compare_sides(text: str) -> tuple[str, str] | None:
    """The two things a comparison question sets side by side ("MEM vs MBA"), cleaned; None if not two."""
    norm = normalize_name(text or "").rstrip("?!. ")
    norm = _SIDES_COMPARE.sub("", _SIDES_PREFIX.sub("", norm))
    parts = _SIDES_SPLIT.split(norm, maxsplit=1)
    if len(parts) != 2:
        return None
    left, right = (_clean(re.split(r"[?!;:,()]", part)[0]) for part in parts)
    if not left or not right:
        return None
    return left, right


_BACK = re.compile(r"\b(?:it|its|that|this|them|they|their|there|that\s+role|this\s+role|the\s+role|that\s+job|"
                   r"this\s+job|that\s+position|this\s+position|the\s+same)\b")


_THING_HELD = (r"(?:degrees?|diploma|college|university|master'?s|bachelor'?s|mba|mem|certifications?|certificates?|"
               r"pmp|csm|cpe|eit|six\s+sigma|qualifications?)")
# Aspects of a degree or certification the knowledge base holds nothing on, and how to name them.
_UNCOVERED_ASPECTS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b(?:without|with\s+no)\s+(?:an?\s+|any\s+|the\s+)?(?:[\w'-]+\s+){0,2}?" + _THING_HELD + r"\b"),
     "whether you can do it without one"),
    (re.compile(r"\b(?:best|top|cheapest|accredited|recommended)\s+(?:[\w'-]+\s+){0,2}?(?:programs?|programmes?|"
                r"schools?|universit(?:y|ies)|colleges?|courses?|providers?|bootcamps?)\b|"
                r"\bwhich\s+(?:schools?|universit(?:y|ies)|colleges?|providers?)\b"),
     "which schools, programs or course providers are best"),
)


def uncovered_aspect(text: str) -> str | None:
    """What a degree or certification question asks that the knowledge base has nothing on ("can I become a
    manager without a degree?", "the best online MEM program?"), named for the reply; None otherwise."""
    norm = normalize_name(text or "")
    return next((name for rx, name in _UNCOVERED_ASPECTS if rx.search(norm)), None)


_ORDINALS: tuple[tuple[re.Pattern, int], ...] = tuple((re.compile(rx), i) for rx, i in (
    (r"\b(?:last|final|bottom)\b", -1),
    (r"\b(?:first|1st|top|#1)\b|\b(?:number|option|no\.?)\s*(?:one|1)\b|^\s*(?:one|1)\s*[.!?]*$", 0),
    (r"\b(?:second|2nd|two|2|middle)\b", 1),
    (r"\b(?:third|3rd|three|3)\b", 2),
    (r"\b(?:fourth|4th|four|4)\b", 3),
    (r"\b(?:fifth|5th|five|5)\b", 4),
    (r"\b(?:sixth|6th|six|6)\b", 5)))


def ordinal_in(text: str) -> int | None:
    """Which of several offered things a reply picks ("the second one" -> 1, "the last" -> -1); None for a
    bare "that one". "that one" is not "one": the number words count only when no "that/this" comes first."""
    norm = normalize_name(text or "")
    if re.search(r"\b(?:that|this|it)\s+one\b", norm) and not re.search(r"\b(?:first|second|third|last|\d)", norm):
        return None
    return next((i for rx, i in _ORDINALS if rx.search(norm)), None)


def refers_back(text: str) -> bool:
    """True when the text points back at something said before ("which certifications help for it?")."""
    return bool(_BACK.search(normalize_name(text or "")))


_START = re.compile(r"\b(?:where|how)\s+(?:do|should|can|would)\s+(?:i|you|one|someone)\s+(?:even\s+)?"
                    r"(?:start|begin|get\s+started)\b|\bfirst\s+steps?\b|\bgetting\s+started\b|\bget\s+started\b"
                    r"|\bstart(?:ing)?\s+out\b|\bjust\s+graduated\b|\bnew\s+grad(?:uate)?\b|\bwhere\s+to\s+start\b")


def asks_where_to_start(text: str) -> bool:
    """True when the user asks where to begin an engineering-management career."""
    return bool(_START.search(normalize_name(text or "")))


_STAGES: tuple[tuple[str, re.Pattern], ...] = (
    ("executive", re.compile(r"\b(?:executive|c[- ]?suite|c[- ]level)\b")),
    ("advanced", re.compile(r"\b(?:advanced|senior[- ]level|leadership[- ]level|late[- ]career)\b")),
    ("mid", re.compile(r"\bmid(?:dle)?(?:[- ]?(?:level|career|stage))?\b")),
    ("entry", re.compile(r"\b(?:entry(?:[- ]level)?|early(?:[- ]career)?|junior|beginners?|starting\s+out"
                        r"|(?:new|recent|fresh)\s+grad(?:uate)?s?|out\s+of\s+(?:college|university|school)"
                        r"|first\s+(?:jobs?|roles?|positions?))\b")),
    ("general", re.compile(r"\b(?:in\s+general|general|overall|every\s+stage|all\s+stages|whole\s+career)\b")),
)


def stage_in(text: str) -> str | None:
    """The career stage the text asks about ('entry', 'mid', 'advanced', 'executive', 'general'), or None."""
    norm = normalize_name(text or "")
    hits = [(m.start(), stage) for stage, rx in _STAGES for m in [rx.search(norm)] if m]
    return min(hits)[1] if hits else None


# First words too common to name a skill on their own ("project", "team"); such skills match by full name.
_SKILL_STOP = frozenset("technical project team strong executive financial corporate business continuous "
                        "strategic process management hands-on guiding navigating industry leadership "
                        "stakeholder".split())


def matching_skills(text: str, skill_names: list[str]) -> list[str]:
    """The skills (from `skill_names`) the text names: by full name, or by a distinctive first word
    ("Gantt", "Agile", "budgeting"); in `skill_names` order, without repeats."""
    norm = " " + " ".join(words(text)) + " "
    out: list[str] = []
    for name in skill_names:
        ws = words(name)
        if not ws or name in out:
            continue
        full = " " + " ".join(ws) + " "
        first = ws[0]
        distinctive = len(ws) <= 2 and len(first) >= 5 and first not in _SKILL_STOP
        stem = first[:-1] if first.endswith("s") else first
        if full in norm or (distinctive and re.search(rf"\b{re.escape(stem)}s?\b", norm)):
            out.append(name)
    return out
