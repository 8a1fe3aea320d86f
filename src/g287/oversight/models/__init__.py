"""Oversight: complaints, supervisor review, inspections and sanctions (one module per sub-domain)."""

from g287.oversight.models.complaints import (  # noqa: F401
    About, Allegation, Complaint, ComplaintObligation, Outcome, Source, Stage,
)
from g287.oversight.models.inspections import (  # noqa: F401
    DEFAULT_CYCLE_MONTHS, CorrectiveAction, Finding, Inspection, InspectionCycle,
)
from g287.oversight.models.reviews import ReviewItem, ReviewSampleRate  # noqa: F401
from g287.oversight.models.sanctions import Sanction  # noqa: F401
