"""A small registry built through the ORM for the page, API and browser tests.

Three participating lists and one pending list; four agencies in two states; agreements that are active,
removed, superseded (renewed) and never listed, with the observations and events that make them so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from g287.registry.models import Agency, Agreement, AgreementEvent, Observation, Publication


@dataclass
class Registry:
    p1: Publication
    p2: Publication
    p3: Publication
    pending: Publication
    colbert: Agency
    orange: Agency
    patrol: Agency
    quiet: Agency
    colbert_wso: Agreement
    colbert_jem_2019: Agreement
    colbert_jem_2025: Agreement
    orange_tfm: Agreement
    patrol_tfm: Agreement
    quiet_wso: Agreement


def _pub(kind, day: date, edition: str, rows: int) -> Publication:
    stem = "participatingAgencies" if kind == Publication.Kind.PARTICIPATING else "pendingAgencies"
    name = f"{stem}{day:%m%d%Y}{edition}.xlsx"
    return Publication.objects.create(
        kind=kind, file_name=name, sha256=f"{abs(hash(name)):064d}"[-64:], published=day, edition=edition,
        captured=datetime(day.year, day.month, day.day, 15, 17, tzinfo=timezone.utc), rows=rows,
    )


def _observe(agreement: Agreement, *pubs: Publication) -> None:
    for pub in pubs:
        row = Observation.objects.filter(publication=pub).count() + 2
        Observation.objects.create(
            publication=pub, row=row, identity=agreement.key, agreement=agreement, state=agreement.agency.state,
            name=agreement.agency.name, ice_type=agreement.agency.ice_type, county=agreement.agency.county,
            model=agreement.model, signed=agreement.signed, moa_text="link",
        )
    ordered = sorted(pubs, key=lambda p: (p.published, p.edition))
    agreement.first_listed, agreement.last_listed = ordered[0], ordered[-1]
    agreement.save(update_fields=["first_listed", "last_listed"])


def build_registry() -> Registry:
    p = Publication.Kind.PARTICIPATING
    p1 = _pub(p, date(2025, 5, 16), "", 3)
    p2 = _pub(p, date(2025, 6, 2), "am", 4)
    p3 = _pub(p, date(2025, 7, 3), "pm", 4)
    pending = _pub(Publication.Kind.PENDING, date(2025, 7, 3), "pm", 1)

    colbert = Agency.objects.create(key="al-colbert-county-sheriffs-office", name="Colbert County Sheriff's Office",
                                    state="AL", ice_type="County", county="Colbert County")
    orange = Agency.objects.create(key="fl-orange-county-sheriffs-office", name="Orange County Sheriff's Office",
                                   state="FL", ice_type="County", county="Orange County")
    patrol = Agency.objects.create(key="fl-florida-highway-patrol", name="Florida Highway Patrol", state="FL",
                                   ice_type="State")
    quiet = Agency.objects.create(key="tx-quietville-police-department", name="Quietville Police Department",
                                  state="TX", ice_type="Municipality", county="Travis County")

    def agreement(agency, model, signed, template, **kw):
        return Agreement.objects.create(key=f"{agency.key}|{model}|{signed}", agency=agency, model=model,
                                        signed=signed, template_version=template, **kw)

    colbert_wso = agreement(colbert, "WSO", date(2025, 5, 8), "2025", moa_link="linked",
                            moa_url="https://www.ice.gov/doclib/287gMOA/colbert-wso.pdf")
    colbert_jem_2025 = agreement(colbert, "JEM", date(2025, 5, 30), "2025", moa_link="named")
    colbert_jem_2019 = agreement(colbert, "JEM", date(2019, 7, 1), "2019", superseded_by=colbert_jem_2025)
    orange_tfm = agreement(orange, "TFM", date(2025, 3, 1), "2025", addendum=True)
    patrol_tfm = agreement(patrol, "TFM", date(2025, 2, 20), "2025")
    quiet_wso = agreement(quiet, "WSO", date(2025, 7, 10), "2025")

    _observe(colbert_wso, p1, p2, p3)
    _observe(colbert_jem_2019, p1)
    _observe(colbert_jem_2025, p2, p3)
    _observe(orange_tfm, p1, p2)
    _observe(patrol_tfm, p1, p2, p3)

    AgreementEvent.objects.create(agreement=colbert_jem_2025, kind=AgreementEvent.Kind.RENEWAL, date=p2.published,
                                  publication=p2, note="Same model signed again on 2025-05-30.")
    AgreementEvent.objects.create(agreement=orange_tfm, kind=AgreementEvent.Kind.REMOVED, date=p3.published,
                                  publication=p3)
    AgreementEvent.objects.create(agreement=patrol_tfm, kind=AgreementEvent.Kind.SUSPENSION, date=date(2025, 6, 20),
                                  by="ICE", exigent=True, lifted=date(2025, 6, 25))
    return Registry(p1, p2, p3, pending, colbert, orange, patrol, quiet, colbert_wso, colbert_jem_2019,
                    colbert_jem_2025, orange_tfm, patrol_tfm, quiet_wso)
