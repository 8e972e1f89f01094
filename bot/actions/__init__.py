"""careerbot's custom actions. `rasa run actions --actions bot.actions` imports this package, which
imports every topic module so that each action registers with the action server."""
from .certifications import ActionShowCertifications
from .comparisons import ActionCompare
from .education import ActionShowEducation, ActionShowSkills
from .fallback import ActionOfferTopics
from .followup import ActionAnswerFollowup
from .market import ActionShowOutlook, ActionShowSalary
from .paths import ActionShowDuration, ActionShowNextRoles, ActionShowPath
from .roles import ActionShowReportingLine, ActionShowRoleDuties
from .specializations import ActionShowDisciplineMoves, ActionShowIndustries, ActionShowSpecializations

__all__ = [
    "ActionAnswerFollowup", "ActionCompare", "ActionOfferTopics", "ActionShowCertifications",
    "ActionShowDisciplineMoves", "ActionShowDuration", "ActionShowEducation", "ActionShowIndustries",
    "ActionShowNextRoles", "ActionShowOutlook", "ActionShowPath", "ActionShowReportingLine",
    "ActionShowRoleDuties", "ActionShowSalary", "ActionShowSkills", "ActionShowSpecializations",
]
