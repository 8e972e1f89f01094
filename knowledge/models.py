"""Declarative SQLAlchemy models of the career knowledge base (portable SQL: SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

STAGES = ("entry", "mid", "advanced", "executive")
SKILL_STAGES = ("general",) + STAGES
ENTITY_KINDS = ("role", "certification", "degree", "specialization", "industry", "discipline")


class Source(Base):
    """A publication a fact comes from."""

    __tablename__ = "sources"
    id = Column(Integer, primary_key=True)
    key = Column(String(64), unique=True, nullable=False)
    title = Column(String(300), nullable=False)
    publisher = Column(String(300))
    published = Column(String(20))
    url = Column(String(500))


class Role(Base):
    """A job on the engineering-management career path."""

    __tablename__ = "roles"
    id = Column(Integer, primary_key=True)
    name = Column(String(120), unique=True, nullable=False)
    summary = Column(Text)
    focus = Column(Text)
    scope = Column(Text)
    position = Column(Integer, nullable=False, default=0)  # order in the data file
    stages = relationship("RoleStage", cascade="all, delete-orphan", order_by="RoleStage.position")
    responsibilities = relationship(
        "Responsibility", cascade="all, delete-orphan", order_by="Responsibility.position"
    )
    reports_to = relationship("ReportingLine", cascade="all, delete-orphan",
                              foreign_keys="ReportingLine.role_id", order_by="ReportingLine.position")
    transitions_out = relationship("Transition", foreign_keys="Transition.from_role_id",
                                   order_by="Transition.position", viewonly=True)
    transitions_in = relationship("Transition", foreign_keys="Transition.to_role_id",
                                  order_by="Transition.position", viewonly=True)

    @property
    def stage_names(self) -> list[str]:
        """The career stages this role belongs to, in data order."""
        return [s.stage for s in self.stages]


class RoleStage(Base):
    """A career stage a role belongs to (a role can be named at two stages)."""

    __tablename__ = "role_stages"
    id = Column(Integer, primary_key=True)
    role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    stage = Column(String(20), nullable=False)
    position = Column(Integer, nullable=False, default=0)


class Responsibility(Base):
    """One duty of a role."""

    __tablename__ = "responsibilities"
    id = Column(Integer, primary_key=True)
    role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)


class ReportingLine(Base):
    """Whom a role reports to."""

    __tablename__ = "reporting_lines"
    id = Column(Integer, primary_key=True)
    role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    manager_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    manager = relationship("Role", foreign_keys=[manager_id])


class Transition(Base):
    """A typical move from one role to another."""

    __tablename__ = "transitions"
    __table_args__ = (UniqueConstraint("from_role_id", "to_role_id"),)
    id = Column(Integer, primary_key=True)
    from_role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    to_role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    min_years = Column(Integer)
    max_years = Column(Integer)
    years_note = Column(Text)
    source_note = Column(Text)
    position = Column(Integer, nullable=False, default=0)
    from_role = relationship("Role", foreign_keys=[from_role_id])
    to_role = relationship("Role", foreign_keys=[to_role_id])
    helps = relationship("TransitionHelp", cascade="all, delete-orphan", order_by="TransitionHelp.position")
    certifications = relationship("Certification", secondary="transition_certifications",
                                  order_by="Certification.position")
    degrees = relationship("Degree", secondary="transition_degrees", order_by="Degree.position")


class TransitionHelp(Base):
    """One thing that helps make a transition."""

    __tablename__ = "transition_helps"
    id = Column(Integer, primary_key=True)
    transition_id = Column(Integer, ForeignKey("transitions.id", ondelete="CASCADE"), nullable=False)
    text = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)


class TransitionCertification(Base):
    """Link: a certification that helps a transition."""

    __tablename__ = "transition_certifications"
    transition_id = Column(Integer, ForeignKey("transitions.id", ondelete="CASCADE"), primary_key=True)
    certification_id = Column(Integer, ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True)


class TransitionDegree(Base):
    """Link: a degree that helps a transition."""

    __tablename__ = "transition_degrees"
    transition_id = Column(Integer, ForeignKey("transitions.id", ondelete="CASCADE"), primary_key=True)
    degree_id = Column(Integer, ForeignKey("degrees.id", ondelete="CASCADE"), primary_key=True)


class Comparison(Base):
    """A row-by-row comparison of two roles."""

    __tablename__ = "comparisons"
    id = Column(Integer, primary_key=True)
    left_role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    right_role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    intro = Column(Text)
    left_role = relationship("Role", foreign_keys=[left_role_id])
    right_role = relationship("Role", foreign_keys=[right_role_id])
    rows = relationship("ComparisonRow", cascade="all, delete-orphan", order_by="ComparisonRow.position")


class ComparisonRow(Base):
    """One aspect of a comparison, with the text for each side."""

    __tablename__ = "comparison_rows"
    id = Column(Integer, primary_key=True)
    comparison_id = Column(Integer, ForeignKey("comparisons.id", ondelete="CASCADE"), nullable=False)
    aspect = Column(String(120), nullable=False)
    left_text = Column(Text, nullable=False)
    right_text = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)


class Certification(Base):
    """A professional certification."""

    __tablename__ = "certifications"
    id = Column(Integer, primary_key=True)
    abbreviation = Column(String(60), unique=True, nullable=False)
    name = Column(String(200), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    stages = relationship("CertificationStage", cascade="all, delete-orphan",
                          order_by="CertificationStage.position")
    signals = relationship("CertificationSignal", cascade="all, delete-orphan",
                           order_by="CertificationSignal.position")

    @property
    def stage_names(self) -> list[str]:
        """The career stages the certification helps at."""
        return [s.stage for s in self.stages]


class CertificationStage(Base):
    """A career stage a certification helps at."""

    __tablename__ = "certification_stages"
    id = Column(Integer, primary_key=True)
    certification_id = Column(Integer, ForeignKey("certifications.id", ondelete="CASCADE"), nullable=False)
    stage = Column(String(20), nullable=False)
    position = Column(Integer, nullable=False, default=0)


class CertificationSignal(Base):
    """What a certification signals or does for a career."""

    __tablename__ = "certification_signals"
    id = Column(Integer, primary_key=True)
    certification_id = Column(Integer, ForeignKey("certifications.id", ondelete="CASCADE"), nullable=False)
    text = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)


class Degree(Base):
    """A degree (bachelor's, MEM, MBA)."""

    __tablename__ = "degrees"
    id = Column(Integer, primary_key=True)
    key = Column(String(60), unique=True, nullable=False)
    name = Column(String(200), nullable=False)
    level = Column(String(20), nullable=False)
    summary = Column(Text)
    min_years = Column(Integer)
    max_years = Column(Integer)
    duration_note = Column(Text)
    position = Column(Integer, nullable=False, default=0)
    items = relationship("DegreeItem", cascade="all, delete-orphan", order_by="DegreeItem.position")

    @property
    def fields(self) -> list[str]:
        """Fields of study (for a bachelor's)."""
        return [i.text for i in self.items if i.kind == "field"]

    @property
    def skills(self) -> list[str]:
        """Skills the degree teaches."""
        return [i.text for i in self.items if i.kind == "skill"]


class DegreeItem(Base):
    """A field of study or a skill taught, attached to a degree."""

    __tablename__ = "degree_items"
    id = Column(Integer, primary_key=True)
    degree_id = Column(Integer, ForeignKey("degrees.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(10), nullable=False)  # "field" or "skill"
    text = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)


class Skill(Base):
    """A skill to build at a career stage."""

    __tablename__ = "skills"
    id = Column(Integer, primary_key=True)
    stage = Column(String(20), nullable=False)
    name = Column(String(200), nullable=False)
    detail = Column(Text)
    position = Column(Integer, nullable=False, default=0)


class Specialization(Base):
    """An MEM specialization and the roles it leads to."""

    __tablename__ = "specializations"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), unique=True, nullable=False)
    focus = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)
    roles = relationship("Role", secondary="specialization_roles", order_by="Role.position")


class SpecializationRole(Base):
    """Link: a role a specialization leads to."""

    __tablename__ = "specialization_roles"
    specialization_id = Column(Integer, ForeignKey("specializations.id", ondelete="CASCADE"), primary_key=True)
    role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True)


class Industry(Base):
    """An industry that employs engineering managers."""

    __tablename__ = "industries"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), unique=True, nullable=False)
    pay = Column(String(20))  # "high", "competitive" or NULL
    note = Column(Text)
    position = Column(Integer, nullable=False, default=0)


class Discipline(Base):
    """An engineering discipline people come from."""

    __tablename__ = "disciplines"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), unique=True, nullable=False)
    position = Column(Integer, nullable=False, default=0)
    moves = relationship("DisciplineMove", cascade="all, delete-orphan", order_by="DisciplineMove.position")


class DisciplineMove(Base):
    """A management move open to engineers of a discipline."""

    __tablename__ = "discipline_moves"
    id = Column(Integer, primary_key=True)
    discipline_id = Column(Integer, ForeignKey("disciplines.id", ondelete="CASCADE"), nullable=False)
    target = Column(String(200), nullable=False)
    description = Column(Text)
    position = Column(Integer, nullable=False, default=0)


class MarketFact(Base):
    """A salary, outlook or return-on-investment figure with its year and source."""

    __tablename__ = "market_facts"
    id = Column(Integer, primary_key=True)
    key = Column(String(60), unique=True, nullable=False)
    label = Column(String(200), nullable=False)
    figure = Column(Text, nullable=False)
    amount = Column(Integer)
    amount_max = Column(Integer)
    year = Column(Integer)
    note = Column(Text)
    source_id = Column(Integer, ForeignKey("sources.id"), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    source = relationship("Source")


class Employer(Base):
    """A company the article names as continuously posting engineering-management roles."""

    __tablename__ = "employers"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), unique=True, nullable=False)
    source_id = Column(Integer, ForeignKey("sources.id"), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    source = relationship("Source")


class Alias(Base):
    """A name (canonical or alternative, lower-cased) by which users refer to a named thing."""

    __tablename__ = "aliases"
    id = Column(Integer, primary_key=True)
    text = Column(String(200), unique=True, nullable=False)  # lower-case, whitespace folded
    kind = Column(String(20), nullable=False)  # one of ENTITY_KINDS
    canonical = Column(String(200), nullable=False)  # the thing's name (certification: abbreviation; degree: key)
    is_canonical = Column(Boolean, nullable=False, default=False)


# ---------------------------------------------------------------- mentors (knowledge/data/mentors.yml)
MENTOR_AVAILABILITY = ("open", "limited", "unavailable")


class Mentor(Base):
    """A person who offers mentoring conversations, in a KB role (the shipped file holds example data)."""

    __tablename__ = "mentors"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), unique=True, nullable=False)
    role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    slack_user_id = Column(String(40), unique=True, nullable=False)
    availability = Column(String(20), nullable=False)  # one of MENTOR_AVAILABILITY
    hours = Column(Text)
    position = Column(Integer, nullable=False, default=0)
    role = relationship("Role")
    areas = relationship("MentorArea", cascade="all, delete-orphan", order_by="MentorArea.position")


class MentorArea(Base):
    """Something a mentor can talk about: a name from the knowledge base (a role, certification, discipline...)."""

    __tablename__ = "mentor_areas"
    id = Column(Integer, primary_key=True)
    mentor_id = Column(Integer, ForeignKey("mentors.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(20), nullable=False)  # one of ENTITY_KINDS
    canonical = Column(String(200), nullable=False)
    position = Column(Integer, nullable=False, default=0)


# ---------------------------------------------------------------- bookkeeping: which load wrote the content
# Kept out of Base.metadata on purpose: the build row is not knowledge and differs on every load, so code
# that walks the knowledge tables (snapshots, "loading twice gives the same database") is not disturbed.
BuildBase = declarative_base()


class KnowledgeBuild(BuildBase):
    """The one row saying which load wrote the current content; replaced by every load, in its transaction.

    Readers that keep results between requests compare `build_id` to notice a reload.
    """

    __tablename__ = "knowledge_builds"
    id = Column(Integer, primary_key=True)
    build_id = Column(String(32), nullable=False)  # uuid4 hex, new on every load
    loaded_at = Column(DateTime, nullable=False)  # UTC, without time zone (portable)


# ---------------------------------------------------------------- labor market: O*NET and BLS (knowledge/labor.py)
ONET_DESCRIPTOR_DOMAINS = ("skill", "knowledge", "work_style")


class OnetOccupation(Base):
    """An O*NET-SOC occupation (knowledge/data/onet/, O*NET 29.3, CC BY 4.0)."""

    __tablename__ = "onet_occupations"
    id = Column(Integer, primary_key=True)
    code = Column(String(12), unique=True, nullable=False)  # e.g. 11-9041.00
    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    job_zone = Column(Integer)
    position = Column(Integer, nullable=False, default=0)
    alternate_titles = relationship("OnetAlternateTitle", cascade="all, delete-orphan",
                                    order_by="OnetAlternateTitle.position")
    tasks = relationship("OnetTask", cascade="all, delete-orphan", order_by="OnetTask.position")
    descriptors = relationship("OnetDescriptor", cascade="all, delete-orphan", order_by="OnetDescriptor.position")
    education = relationship("OnetEducation", cascade="all, delete-orphan", order_by="OnetEducation.position")
    related = relationship("OnetRelated", cascade="all, delete-orphan", order_by="OnetRelated.position")
    technologies = relationship("OnetTechnology", cascade="all, delete-orphan", order_by="OnetTechnology.position")


class OnetAlternateTitle(Base):
    """Another title O*NET files under an occupation (`text` is the normalised form, for look-ups)."""

    __tablename__ = "onet_alternate_titles"
    id = Column(Integer, primary_key=True)
    occupation_id = Column(Integer, ForeignKey("onet_occupations.id", ondelete="CASCADE"), nullable=False)
    title = Column(String(300), nullable=False)
    short_title = Column(String(200))
    text = Column(String(300), nullable=False, index=True)
    position = Column(Integer, nullable=False, default=0)


class OnetTask(Base):
    """A task statement; `importance` (1-5) only where a rating was loaded, with where it came from."""

    __tablename__ = "onet_tasks"
    id = Column(Integer, primary_key=True)
    occupation_id = Column(Integer, ForeignKey("onet_occupations.id", ondelete="CASCADE"), nullable=False)
    task_id = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    task_type = Column(String(20))  # Core | Supplemental | empty
    importance = Column(Float)  # 1-5; None when no rating was loaded for this task
    importance_source = Column(String(200))
    position = Column(Integer, nullable=False, default=0)


class OnetDescriptor(Base):
    """A skill, knowledge area or work style with its importance (IM, 1-5) and level (LV, 0-7)."""

    __tablename__ = "onet_descriptors"
    id = Column(Integer, primary_key=True)
    occupation_id = Column(Integer, ForeignKey("onet_occupations.id", ondelete="CASCADE"), nullable=False)
    domain = Column(String(20), nullable=False)  # one of ONET_DESCRIPTOR_DOMAINS
    element_id = Column(String(20), nullable=False)
    name = Column(String(200), nullable=False)
    importance = Column(Float)
    level = Column(Float)
    position = Column(Integer, nullable=False, default=0)


class OnetEducation(Base):
    """Share of respondents (percent) in one education, experience or training category."""

    __tablename__ = "onet_education"
    id = Column(Integer, primary_key=True)
    occupation_id = Column(Integer, ForeignKey("onet_occupations.id", ondelete="CASCADE"), nullable=False)
    scale = Column(String(4), nullable=False)  # RL education, RW related experience, PT / OJ training
    category = Column(Integer, nullable=False)
    label = Column(String(300), nullable=False)
    percent = Column(Float, nullable=False)
    position = Column(Integer, nullable=False, default=0)


class OnetRelated(Base):
    """An occupation O*NET lists as related, with its tier and rank."""

    __tablename__ = "onet_related"
    id = Column(Integer, primary_key=True)
    occupation_id = Column(Integer, ForeignKey("onet_occupations.id", ondelete="CASCADE"), nullable=False)
    related_code = Column(String(12), nullable=False)
    related_title = Column(String(200), nullable=False)
    tier = Column(String(40), nullable=False)
    rank = Column(Integer, nullable=False)
    position = Column(Integer, nullable=False, default=0)


class OnetTechnology(Base):
    """A technology example used in an occupation; `hot` marks O*NET's hot technologies."""

    __tablename__ = "onet_technologies"
    id = Column(Integer, primary_key=True)
    occupation_id = Column(Integer, ForeignKey("onet_occupations.id", ondelete="CASCADE"), nullable=False)
    example = Column(String(300), nullable=False)
    category = Column(String(300), nullable=False)
    hot = Column(Boolean, nullable=False, default=False)
    in_demand = Column(Boolean, nullable=False, default=False)
    position = Column(Integer, nullable=False, default=0)


class JobZone(Base):
    """O*NET's job zone reference (1-5: how much preparation an occupation needs)."""

    __tablename__ = "onet_job_zones"
    zone = Column(Integer, primary_key=True, autoincrement=False)
    name = Column(String(200), nullable=False)
    experience = Column(Text, nullable=False)
    education = Column(Text, nullable=False)
    training = Column(Text, nullable=False)


class RoleOccupation(Base):
    """A ladder role mapped to an O*NET occupation through one of O*NET's titles (onet_mapping.yml)."""

    __tablename__ = "role_occupations"
    id = Column(Integer, primary_key=True)
    role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), nullable=False)
    occupation_id = Column(Integer, ForeignKey("onet_occupations.id", ondelete="CASCADE"), nullable=False)
    matched_title = Column(String(300), nullable=False)
    reason = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)  # 0 = the primary occupation
    role = relationship("Role")
    occupation = relationship("OnetOccupation")


class UnmappedRole(Base):
    """A ladder role no O*NET occupation fits, with the reason (onet_mapping.yml)."""

    __tablename__ = "unmapped_roles"
    role_id = Column(Integer, ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True)
    reason = Column(Text, nullable=False)
    role = relationship("Role")


BLS_MEASURES = ("median_annual_pay", "number_of_jobs", "employment_change_pct", "employment_change_jobs",
                "annual_openings")
BLS_SOURCE_TYPES = ("primary", "primary_archive", "secondary")


class BlsProfile(Base):
    """A BLS Occupational Outlook Handbook profile for one O*NET occupation (bls_ooh.yml)."""

    __tablename__ = "bls_profiles"
    id = Column(Integer, primary_key=True)
    key = Column(String(80), unique=True, nullable=False)
    onet_code = Column(String(12), nullable=False, index=True)
    ooh_title = Column(String(200))
    url = Column(String(500))
    source_type = Column(String(20))  # one of BLS_SOURCE_TYPES, None when no profile was found
    note = Column(Text)
    entry_education = Column(String(200))
    related_experience = Column(String(200))
    on_the_job_training = Column(String(200))
    position = Column(Integer, nullable=False, default=0)
    figures = relationship("BlsFigure", cascade="all, delete-orphan", order_by="BlsFigure.position")


class BlsFigure(Base):
    """One BLS figure as printed (`value`), with its year or period, scope, page and kind of source."""

    __tablename__ = "bls_figures"
    id = Column(Integer, primary_key=True)
    profile_id = Column(Integer, ForeignKey("bls_profiles.id", ondelete="CASCADE"), nullable=False)
    measure = Column(String(80), nullable=False)  # one of BLS_MEASURES, or a variant key (median_annual_pay_qa_testers)
    value = Column(String(120), nullable=False)  # as printed: 152350, 3.8, "212.5k (as printed)"
    amount = Column(Integer)  # whole-number value when the figure is one (dollars, jobs, percent)
    year = Column(Integer)  # the data year (a projection's start year)
    when = Column(String(60))  # as printed: "May 2021", "2021-31"
    descriptor = Column(String(120))
    scope = Column(String(200))
    url = Column(String(500))
    source_type = Column(String(20), nullable=False)
    note = Column(Text)
    position = Column(Integer, nullable=False, default=0)


# ---------------------------------------------------------------- career FAQ (knowledge/faq.py)
class FaqEntry(Base):
    """A career question careerbot answers from sources, found by retrieval over its phrasings."""

    __tablename__ = "faq_entries"
    id = Column(Integer, primary_key=True)
    key = Column(String(80), unique=True, nullable=False)
    title = Column(String(200), nullable=False)
    answer = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)
    questions = relationship("FaqQuestion", cascade="all, delete-orphan", order_by="FaqQuestion.position")
    sources = relationship("FaqSource", cascade="all, delete-orphan", order_by="FaqSource.position")
    follow_ups = relationship("FaqFollowUp", cascade="all, delete-orphan", order_by="FaqFollowUp.position")


class FaqQuestion(Base):
    """One way users ask an FAQ entry."""

    __tablename__ = "faq_questions"
    id = Column(Integer, primary_key=True)
    entry_id = Column(Integer, ForeignKey("faq_entries.id", ondelete="CASCADE"), nullable=False)
    text = Column(Text, nullable=False)
    position = Column(Integer, nullable=False, default=0)


class FaqSource(Base):
    """A source an FAQ answer rests on."""

    __tablename__ = "faq_sources"
    id = Column(Integer, primary_key=True)
    entry_id = Column(Integer, ForeignKey("faq_entries.id", ondelete="CASCADE"), nullable=False)
    title = Column(String(300), nullable=False)
    publisher = Column(String(300))
    url = Column(String(500), nullable=False)
    date = Column(String(120), nullable=False)
    note = Column(Text)
    position = Column(Integer, nullable=False, default=0)


class FaqFollowUp(Base):
    """A suggested next question (a button), shown under an FAQ answer."""

    __tablename__ = "faq_follow_ups"
    id = Column(Integer, primary_key=True)
    entry_id = Column(Integer, ForeignKey("faq_entries.id", ondelete="CASCADE"), nullable=False)
    text = Column(String(200), nullable=False)
    position = Column(Integer, nullable=False, default=0)
