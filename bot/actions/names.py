"""Names shared by the domain, the NLU data and the actions: intents, entities, slots, actions."""

# Entities (and the slots that remember them). Values are resolved to canonical names through the
# knowledge base's aliases; the NLU's entity ruler is generated from the same aliases.
ROLE = "role"
CERTIFICATION = "certification"
DEGREE = "degree"
SPECIALIZATION = "specialization"
INDUSTRY = "industry"
DISCIPLINE = "discipline"
ENTITIES = (ROLE, CERTIFICATION, DEGREE, SPECIALIZATION, INDUSTRY, DISCIPLINE)
# The FAQ entry a follow-up button asks for (its key in knowledge/data/faq.yml); not a knowledge-base name.
FAQ_ENTRY = "faq_entry"

# The user's career profile (slots the career-plan form fills, and the certifications they hold).
CURRENT_ROLE = "current_role"
YEARS_EXPERIENCE = "years_experience"
TARGET_ROLE = "target_role"
CERTIFICATIONS_HELD = "certifications_held"
REQUESTED_SLOT = "requested_slot"
PLAN_SLOTS = (CURRENT_ROLE, YEARS_EXPERIENCE, TARGET_ROLE, DISCIPLINE)  # what the form collects, in order
PROFILE_SLOTS = PLAN_SLOTS + (CERTIFICATIONS_HELD,)
MENTOR = "mentor"  # entity carried by the intro button: the mentor's Slack member ID

# Slot naming the topic of the last answer, so bare follow-ups ("and a director?") reuse it.
TOPIC = "topic"

# Topics (values of the `topic` slot).
TOPIC_PATH = "path"
TOPIC_DURATION = "duration"
TOPIC_NEXT = "next_role"
TOPIC_DUTIES = "duties"
TOPIC_REPORTS_TO = "reports_to"
TOPIC_COMPARE = "compare"
TOPIC_CERTIFICATIONS = "certifications"
TOPIC_EDUCATION = "education"
TOPIC_SKILLS = "skills"
TOPIC_SALARY = "salary"
TOPIC_OUTLOOK = "outlook"
TOPIC_SPECIALIZATIONS = "specializations"
TOPIC_INDUSTRIES = "industries"
TOPIC_DISCIPLINE = "discipline_moves"
TOPIC_PLAN = "career_plan"
TOPIC_PROFILE = "profile"
TOPIC_MENTORS = "mentors"
TOPIC_LADDER = "ladder"

# Entity roles of a `role` entity (bot/nlu/role_grammar.py): the user's current role and the role they aim for.
PLACE_CURRENT = "current"
PLACE_TARGET = "target"

# Intents.
GREET = "greet"
GOODBYE = "goodbye"
THANK = "thank"
BOT_CHALLENGE = "bot_challenge"
ASK_CAPABILITIES = "ask_capabilities"
OUT_OF_SCOPE = "out_of_scope"
NLU_FALLBACK = "nlu_fallback"
ASK_PATH = "ask_path"
ASK_DURATION = "ask_duration"
ASK_NEXT_ROLE = "ask_next_role"
ASK_ROLE_DUTIES = "ask_role_duties"
ASK_REPORTS_TO = "ask_reports_to"
COMPARE = "compare"
ASK_CERTIFICATIONS = "ask_certifications"
ASK_EDUCATION = "ask_education"
ASK_SKILLS = "ask_skills"
ASK_SALARY = "ask_salary"
ASK_OUTLOOK = "ask_outlook"
ASK_SPECIALIZATIONS = "ask_specializations"
ASK_INDUSTRIES = "ask_industries"
ASK_DISCIPLINE_MOVES = "ask_discipline_moves"
INFORM = "inform"
ASK_CAREER_PLAN = "ask_career_plan"
TELL_PROFILE = "tell_profile"
FORGET_PROFILE = "forget_profile"
STOP = "stop"
ASK_MENTOR = "ask_mentor"
ASK_FAQ = "ask_faq"  # sent by the FAQ's follow-up buttons, with the entry's key
REQUEST_MENTOR_INTRO = "request_mentor_intro"
ASK_LADDER = "ask_ladder"
ASK_SOURCE = "ask_source"
ASK_WHY = "ask_why"
COMPOUND = "compound"  # bot/nlu/compound.py: several questions in one message
AFFIRM = "affirm"
DENY = "deny"
# Set by NLU components (bot/nlu), never by the intent classifier.
NOT_COVERED = "not_covered"  # bot/nlu/topic_guard.py
NON_ENGLISH = "non_english"  # bot/nlu/language.py

# Custom actions (action name -> answered intent).
ACTION_SHOW_PATH = "action_show_path"
ACTION_SHOW_DURATION = "action_show_duration"
ACTION_SHOW_NEXT_ROLES = "action_show_next_roles"
ACTION_SHOW_ROLE_DUTIES = "action_show_role_duties"
ACTION_SHOW_REPORTING_LINE = "action_show_reporting_line"
ACTION_COMPARE = "action_compare"
ACTION_SHOW_CERTIFICATIONS = "action_show_certifications"
ACTION_SHOW_EDUCATION = "action_show_education"
ACTION_SHOW_SKILLS = "action_show_skills"
ACTION_SHOW_SALARY = "action_show_salary"
ACTION_SHOW_OUTLOOK = "action_show_outlook"
ACTION_SHOW_SPECIALIZATIONS = "action_show_specializations"
ACTION_SHOW_INDUSTRIES = "action_show_industries"
ACTION_SHOW_DISCIPLINE_MOVES = "action_show_discipline_moves"
ACTION_ANSWER_FOLLOWUP = "action_answer_followup"
ACTION_OFFER_TOPICS = "action_offer_topics"
ACTION_ANSWER_FAQ = "action_answer_faq"
ACTION_NOT_COVERED = "action_not_covered"
ACTION_SHOW_LADDER = "action_show_ladder"
ACTION_SHOW_SOURCE = "action_show_source"
ACTION_EXPLAIN_LAST = "action_explain_last"
ACTION_ANSWER_PARTS = "action_answer_parts"
ACTION_SHOW_CAREER_PLAN = "action_show_career_plan"
ACTION_ASK_CURRENT_ROLE = "action_ask_current_role"
ACTION_ASK_TARGET_ROLE = "action_ask_target_role"
ACTION_ASK_DISCIPLINE = "action_ask_discipline"
ACTION_REMEMBER_PROFILE = "action_remember_profile"
ACTION_FORGET_PROFILE = "action_forget_profile"
ACTION_SUGGEST_MENTORS = "action_suggest_mentors"
ACTION_REQUEST_MENTOR_INTRO = "action_request_mentor_intro"
# The career-plan, profile and mentor actions (bot/actions/plan.py, profile.py, mentors.py); the others answer
# a topic from the knowledge base.
CAREER_ACTIONS = (ACTION_SHOW_CAREER_PLAN, ACTION_ASK_CURRENT_ROLE, ACTION_ASK_TARGET_ROLE, ACTION_ASK_DISCIPLINE,
                  ACTION_REMEMBER_PROFILE, ACTION_FORGET_PROFILE, ACTION_SUGGEST_MENTORS, ACTION_REQUEST_MENTOR_INTRO)

# The career-plan form and its validation action.
CAREER_PLAN_FORM = "career_plan_form"
VALIDATE_CAREER_PLAN_FORM = "validate_career_plan_form"

# Responses in bot/domain.yml that the custom actions utter (fixed wording; the actions fill the placeholders).
UTTER_KB_UNAVAILABLE = "utter_kb_unavailable"
UTTER_ASK_WHICH = "utter_ask_which"
UTTER_OFFER_TOPICS = "utter_offer_topics"
UTTER_NOT_COVERED = "utter_not_covered"
UTTER_OUT_OF_SCOPE = "utter_out_of_scope"
UTTER_ONE_AT_A_TIME = "utter_one_at_a_time"
UTTER_ASK_YEARS_EXPERIENCE = "utter_ask_years_experience"
UTTER_FORM_CURRENT_ROLE = "utter_form_current_role"
UTTER_FORM_CURRENT_ROLE_NO_EXAMPLE = "utter_form_current_role_no_example"
UTTER_FORM_TARGET_ROLE_FROM = "utter_form_target_role_from"
UTTER_FORM_TARGET_ROLE = "utter_form_target_role"
UTTER_FORM_DISCIPLINE = "utter_form_discipline"
UTTER_FORM_BAD_YEARS = "utter_form_bad_years"
UTTER_FORM_OTHER_DISCIPLINE = "utter_form_other_discipline"
UTTER_FORM_UNKNOWN_DISCIPLINE = "utter_form_unknown_discipline"
UTTER_PLAN_MISSING = "utter_plan_missing"
UTTER_PROFILE_NOT_UNDERSTOOD = "utter_profile_not_understood"
UTTER_PROFILE_NOTHING_TO_FORGET = "utter_profile_nothing_to_forget"
UTTER_PROFILE_FORGOTTEN = "utter_profile_forgotten"
UTTER_NO_MENTOR_DIRECTORY = "utter_no_mentor_directory"
UTTER_ASK_MENTOR_SUBJECT = "utter_ask_mentor_subject"
UTTER_UNKNOWN_MENTOR = "utter_unknown_mentor"
UTTER_MENTOR_UNAVAILABLE = "utter_mentor_unavailable"

# Labor-market answers (O*NET and BLS facts about a role's occupation; bot/actions/labor.py).
TOPIC_LABOR = "labor"
LABOR_ASPECT = "labor_aspect"  # slot: which labor answer was given last (tasks, skills, ... see render/labor.py)
ASK_ONET_TASKS = "ask_onet_tasks"
ASK_ONET_SKILLS = "ask_onet_skills"
ASK_ONET_TECHNOLOGY = "ask_onet_technology"
ASK_ONET_BACKGROUND = "ask_onet_background"  # education, related experience, job zone
ASK_RELATED_JOBS = "ask_related_jobs"
ASK_BLS = "ask_bls"  # BLS median pay, number of jobs, projected growth
LABOR_INTENTS = (ASK_ONET_TASKS, ASK_ONET_SKILLS, ASK_ONET_TECHNOLOGY, ASK_ONET_BACKGROUND, ASK_RELATED_JOBS, ASK_BLS)
ACTION_SHOW_LABOR = "action_show_labor"

# "that one" / "the second one": a choice among the last reply's buttons (bot/actions/followup.py)
CHOOSE_SUGGESTION = "choose_suggestion"
ACTION_TAKE_SUGGESTION = "action_take_suggestion"
UTTER_NO_SUGGESTIONS = "utter_no_suggestions"
UTTER_WHICH_SUGGESTION = "utter_which_suggestion"
#: intents of buttons whose action declares another intent (the labor action answers six) or none (the FAQ)
BUTTON_ACTIONS = {**{intent: ACTION_SHOW_LABOR for intent in LABOR_INTENTS}, ASK_FAQ: ACTION_ANSWER_FAQ}
