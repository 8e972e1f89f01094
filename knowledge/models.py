"""Declarative SQLAlchemy models of the career knowledge base (portable SQL: SQLite and PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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
