"""The labels of what the reports publish, once: each measure's definition and column heading, each level, each
rule in plain words. The portal, the Today page of oversight readers and the annual report (rendered in English)
read them from here; the open data's dictionary derives its share formulas from ``measures.MEASURES``."""

from django.utils.translation import gettext_lazy

MEASURE_LABELS = {
    "training_compliance": gettext_lazy("Authorized officers certified and current in training"),
    "obligations_on_time": gettext_lazy("Obligations met on time"),
    "obligations_overdue": gettext_lazy("Obligations not met by their deadline"),
    "inspection_coverage": gettext_lazy("Agencies inspected within their cycle"),
    "inspections_overdue": gettext_lazy("Agencies with an overdue inspection"),
    "complaint_timeliness": gettext_lazy("Complaints reported to ICE within 48 weekday hours"),
    "minor_charge_share": gettext_lazy("Actions on people whose most serious charge is a misdemeanor or infraction"),
    "citizenship_claims": gettext_lazy("Encounters where the person claimed U.S. citizenship"),
    "auditor_violations": gettext_lazy("Actions the rules audit found against the rules"),
}

# Short column headings of the measures tables; the full definitions are listed above the tables.
MEASURE_HEADS = {
    "training_compliance": gettext_lazy("Training current"),
    "obligations_on_time": gettext_lazy("Obligations on time"),
    "obligations_overdue": gettext_lazy("Obligations overdue"),
    "inspection_coverage": gettext_lazy("Inspected in cycle"),
    "inspections_overdue": gettext_lazy("Inspections overdue"),
    "complaint_timeliness": gettext_lazy("Complaints reported in time"),
    "minor_charge_share": gettext_lazy("Minor charges"),
    "citizenship_claims": gettext_lazy("Citizenship claims"),
    "auditor_violations": gettext_lazy("Against the rules"),
}

# Each rule of the engine in plain words, for the public (the rule codes stay in the open data and the API).
RULE_REASONS = {
    "FUNCTION_NOT_DELEGATED": gettext_lazy("The task is not one the agreement's model delegates"),
    "OUTSIDE_AUTHORIZED_LOCATION": gettext_lazy("Done outside the agency's jail, where the model allows it only inside"),
    "SUBJECT_NOT_IN_LEA_CUSTODY": gettext_lazy("The person was not booked into the agency's custody"),
    "SUBJECT_NO_CRIMINAL_CHARGE": gettext_lazy("The person had no criminal conviction or pending charge"),
    "SUBJECT_NOT_DESIGNATED_BY_ICE": gettext_lazy("ICE had not already designated the person with a warrant"),
    "WARRANT_NOT_SIGNED": gettext_lazy("The warrant was not signed by an ICE officer"),
    "WARRANTLESS_ARREST_CONDITIONS_NOT_MET": gettext_lazy("An arrest without a warrant, without the reasons the law "
                                                          "requires"),
    "AGREEMENT_NOT_YET_EFFECTIVE": gettext_lazy("The agreement was not yet signed"),
    "AGREEMENT_EXPIRED": gettext_lazy("The agreement had expired"),
    "AGREEMENT_SUSPENDED": gettext_lazy("The agreement was suspended"),
    "AGREEMENT_TERMINATED": gettext_lazy("The agreement had been terminated"),
    "OFFICER_INELIGIBLE": gettext_lazy("The officer did not meet the eligibility requirements"),
    "TRAINING_INCOMPLETE": gettext_lazy("The officer had not passed the required course"),
    "TRAINING_LAPSED": gettext_lazy("The officer's training had lapsed"),
    "OFFICER_NOT_AUTHORIZED": gettext_lazy("The officer was not authorized under the agreement"),
    "AUTHORIZATION_EXPIRED": gettext_lazy("The officer's authorization had expired"),
}

LEVEL_LABELS = {
    "program": gettext_lazy("Whole program"),
    "model": gettext_lazy("By model"),
    "state": gettext_lazy("By state"),
    "field_office": gettext_lazy("By ICE field office"),
}
