"""Choices, labels and audit event names of operations, once.

An action's facts and their allowed values are declared in ``g287.policy.facts.ACTION_FACTS`` (the engine, the
columns, the form, the API and the CSV read that one declaration); the choice classes here are derived from it,
with the declared labels looked up in the translation catalogue when shown. The choices of one model only stay
nested in it (``Upload.Status``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from g287.policy.facts import ACTION_FACT, ActionFact


def _text_choices(name: str, fact: ActionFact):
    return models.TextChoices(name, [(code.upper(), (code, _(label))) for code, label in fact.choices])


FUNCTION_CHOICES = list(ACTION_FACT["function"].choices)
Location = _text_choices("Location", ACTION_FACT["location"])
CriminalCharge = _text_choices("CriminalCharge", ACTION_FACT["criminal_charge"])
ChargeLevel = _text_choices("ChargeLevel", ACTION_FACT["charge_level"])


class AuditAction:
    """The audit event names operations writes (``audit.services.record``, ``record_many``, ``prepare``)."""

    RECORD_ACTION = "operations.record_action"
    FULFIL_OBLIGATION = "operations.fulfil_obligation"
    DEADLINES_CHECK = "operations.deadlines_check"
    UPLOAD_BATCH = "operations.upload_batch"  # one per batch of a CSV upload, in the batch's write
    UPLOAD_ACTIONS = "operations.upload_actions"  # the whole upload, after its last batch
