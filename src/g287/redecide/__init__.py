"""Re-deciding stored actions: every recorded action asked of the engine again, in one set-based pass.

Not to be confused with ``g287.audit``, the hash-chained log of every write: this package writes nothing. It reads
the stored actions and the facts they were decided on (``read``), decides them all at once with expressions
generated from the engine's own rule tables (``bulk``), and reports per agency and code, with the stored
decisions that differ from a decision on today's facts (``run``). ``g287 redecide``
prints it; the public measures use it for the period's actions.
"""
