"""careerbot's custom actions. `rasa run actions --actions bot.actions` imports this package, which imports
every topic module so that each action registers itself (with the action server, and in the registry of
base.py that follow-ups and redirects read)."""
from . import mentors, plan, profile  # noqa: F401  (registration: the career plan, profile and mentor actions)
from .certifications import ActionShowCertifications
from .comparisons import ActionCompare
from .compound import ActionAnswerParts
from .education import ActionShowEducation, ActionShowSkills
from .fallback import ActionNotCovered, ActionOfferTopics
from .faq import ActionAnswerFaq
from .followup import ActionAnswerFollowup, ActionExplainLast, ActionTakeSuggestion
from .labor import ActionShowLabor
from .ladder import ActionShowLadder
from .market import ActionShowOutlook, ActionShowSalary, ActionShowSource
from .paths import ActionShowDuration, ActionShowNextRoles, ActionShowPath
from .roles import ActionShowReportingLine, ActionShowRoleDuties
from .specializations import ActionShowDisciplineMoves, ActionShowIndustries, ActionShowSpecializations

__all__ = [
    "ActionAnswerFaq", "ActionAnswerFollowup", "ActionAnswerParts", "ActionCompare", "ActionNotCovered",
    "ActionOfferTopics", "ActionShowCertifications", "ActionExplainLast", "ActionShowLadder", "ActionShowSource",
    "ActionShowDisciplineMoves", "ActionShowDuration", "ActionShowEducation", "ActionShowIndustries", "ActionShowLabor",
    "ActionShowNextRoles", "ActionShowOutlook", "ActionShowPath", "ActionShowReportingLine",
    "ActionShowRoleDuties", "ActionShowSalary", "ActionShowSkills", "ActionShowSpecializations",
    "ActionTakeSuggestion",
]
