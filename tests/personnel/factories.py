"""Small builders for tests: an agency, an agreement, a trained and authorized officer."""

from datetime import date

from g287.personnel import services as ps
from g287.registry.models import Agency, Agreement


def agency(key="test-so", state="IN", detention_agreement=False) -> Agency:
    return Agency.objects.create(key=key, name=f"{key} (test)", state=state, ice_type="County",
                                 detention_agreement=detention_agreement)


def agreement(ag: Agency, model="JEM", template="2025", signed=date(2025, 3, 3), expires=None, key=None) -> Agreement:
    return Agreement.objects.create(key=key or f"{ag.key}-{model}-{signed}", agency=ag, model=model,
                                    template_version=template, template_inferred=False, signed=signed,
                                    expires=expires)


def officer(ag: Agency, reference="B-100", model="JEM", completed=date(2025, 3, 20), exams=(82,),
            authorize=None, granted=date(2025, 4, 1), **eligibility):
    eligibility.setdefault("background_check", "approved")
    eligibility.setdefault("lea_experience_years", 6)
    o = ps.nominate_officer(None, ag, reference, **eligibility)
    if completed:
        ps.record_training(None, o, course="basic", model=model, completed=completed, exams=list(exams))
    if authorize is not None:
        ps.grant_authorization(None, o, authorize, granted)
    return o
