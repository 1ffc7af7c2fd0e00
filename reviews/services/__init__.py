"""Every write to notifications and reviews, one module per subject. Each service checks what it
needs, writes, audits and keeps the stored deadlines in step, all in one transaction.

Import the services from here (`from reviews import services`); the modules are an inner layout."""

from ._common import (
    reference_prefix,
)
from .agency_requests import (
    report_request_change_due,
    report_request_chase,
    report_request_create,
    report_request_end,
    report_request_receive,
    report_request_reinstate,
)
from .documents import (
    document_upload,
    meeting_add,
    record_download,
)
from .family import (
    FAMILY_FIELDS,
    family_contact_add,
)
from .moves import (
    MOVE_SERVICES,
    move_refusal,
    review_agree_tor,
    review_appoint_panel,
    review_close,
    review_draft_report,
    review_family_viewed,
    review_publish,
    review_record_qa_outcome,
    review_request_reports,
    review_send_commissioner_copy,
    review_sign_off,
    review_start_gathering,
    review_start_monitoring,
    review_submit_qa,
)
from .notifications import (
    NOTIFICATION_FIELDS,
    notification_create,
    notification_decide,
    notification_family_told,
    notification_home_office_told,
    notification_update,
)
from .pauses import (
    pause_end,
    pause_start,
)
from .publication import (
    review_qa_record,
    review_report_taken_down,
)
from .recommendations import (
    ACTION_MOVE_SERVICES,
    action_accept,
    action_add,
    action_change,
    action_evidence_add,
    action_progress_add,
    action_reopen,
    action_return,
    action_submit,
    recommendation_add,
)
from .team import (
    panel_member_add,
    panel_member_remove,
    review_set_team,
)

__all__ = [
    "reference_prefix",
    "NOTIFICATION_FIELDS",
    "notification_create",
    "notification_update",
    "notification_decide",
    "notification_home_office_told",
    "notification_family_told",
    "review_set_team",
    "panel_member_add",
    "panel_member_remove",
    "move_refusal",
    "review_appoint_panel",
    "review_agree_tor",
    "review_request_reports",
    "review_start_gathering",
    "review_draft_report",
    "review_family_viewed",
    "review_sign_off",
    "review_submit_qa",
    "review_record_qa_outcome",
    "review_publish",
    "review_qa_record",
    "review_report_taken_down",
    "review_send_commissioner_copy",
    "review_start_monitoring",
    "review_close",
    "MOVE_SERVICES",
    "pause_start",
    "pause_end",
    "report_request_create",
    "report_request_change_due",
    "report_request_chase",
    "report_request_end",
    "report_request_receive",
    "report_request_reinstate",
    "FAMILY_FIELDS",
    "family_contact_add",
    "meeting_add",
    "document_upload",
    "record_download",
    "recommendation_add",
    "action_add",
    "action_change",
    "action_progress_add",
    "action_evidence_add",
    "action_submit",
    "action_accept",
    "action_return",
    "action_reopen",
    "ACTION_MOVE_SERVICES",
]
