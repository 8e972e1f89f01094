"""Pure career logic the profile, plan and mentor actions share: reading a profile out of messages and slots
(profile.py) and computing a plan from the knowledge base (plan.py). No dispatcher, no rendering."""
