"""Signals the registry sends so that parts built on it follow without the registry importing them.

``lineage_updated`` is sent once after each import (or lineage recompute) has committed, with
``publications``: the ids of the publications whose rows, or whose agreements' lineage, may have changed, and
``full``: True when every publication must be considered (a full recompute).
"""

from django.dispatch import Signal

lineage_updated = Signal()
