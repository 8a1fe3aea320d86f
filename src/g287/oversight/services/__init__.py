"""Every write of oversight: each function validates, checks the actor's role and scope, writes, and
appends its audit event in one transaction."""

from g287.oversight.services.complaints import (  # noqa: F401
    notify_ice, overdue_obligations, receive_complaint, report_resolution, resolve_complaint, stage,
    start_investigation,
)
from g287.oversight.services.inspections import (  # noqa: F401
    add_corrective_action, add_finding, close_corrective_action, overdue_corrective_actions, record_inspection,
    set_inspection_cycle,
)
from g287.oversight.services.reviews import (  # noqa: F401
    backfill_review_queue, enqueue_for_review, in_sample, return_review, review_item, review_queue, sample_rate,
    set_sample_rate, sign_review,
)
from g287.oversight.services.sanctions import (  # noqa: F401
    accept, decline, impose, lift, notice_effect, propose, propose_rescission, propose_training_lapse_sanctions,
)
