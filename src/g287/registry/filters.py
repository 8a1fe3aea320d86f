"""FilterSets shared by the registry's pages and its API, so both answer the same question the same way."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from g287 import inputs
from g287.registry.choices import AgreementModel, ListingStatus, Status, TemplateVersion  # noqa: F401  (imported from here too)
from g287.registry.models import Agency, Agreement, Observation, Publication
from g287.registry.notices import notice_statuses


# USPS codes of the states and territories that can hold a §287(g) agreement.
US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
    ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("DC", "District of Columbia"),
    ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"),
    ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"),
    ("ME", "Maine"), ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"),
    ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"), ("OR", "Oregon"),
    ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"), ("SD", "South Dakota"),
    ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"),
    ("WA", "Washington"), ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
    ("AS", "American Samoa"), ("GU", "Guam"), ("MP", "Northern Mariana Islands"), ("PR", "Puerto Rico"),
    ("VI", "U.S. Virgin Islands"),
]
STATE_NAMES = dict(US_STATES)


def newest_participating(as_of: date) -> Publication | None:
    """ICE's newest participating-agencies list dated on or before ``as_of``."""
    return (Publication.objects.filter(kind=Publication.Kind.PARTICIPATING, published__lte=as_of)
            .order_by("-published", "-edition", "-captured", "-id").first())


def annotate_status(queryset, as_of: date):
    """Annotate agreements with ``listing_on``, their status in ICE's listings as of a day, and ``status_on``,
    the same with a suspension or termination notice in effect (or pending) that day put first
    (``registry.notices``).

    Listed on the newest participating list of that day: active. Listed before but not on it: superseded
    when the lineage names the agreement that replaced it, else removed. Never listed by then: None.
    """
    queryset = _annotate_listing(queryset, as_of)
    by_status: dict[str, list[int]] = {}
    for pk, st in notice_statuses(as_of).items():
        by_status.setdefault(st, []).append(pk)
    if not by_status:
        return queryset.annotate(status_on=F("listing_on"))
    whens = [When(pk__in=ids, then=Value(st)) for st, ids in sorted(by_status.items())]
    return queryset.annotate(status_on=Case(*whens, default=F("listing_on"), output_field=CharField()))


def _annotate_listing(queryset, as_of: date):
    newest = newest_participating(as_of)
    listed_then = Observation.objects.filter(agreement=OuterRef("pk"), publication=newest) if newest else None
    listed_before = Observation.objects.filter(
        agreement=OuterRef("pk"), publication__kind=Publication.Kind.PARTICIPATING, publication__published__lte=as_of
    )
    whens = [When(~Exists(listed_before), then=Value(None))]
    if listed_then is not None:
        whens.append(When(Exists(listed_then), then=Value(Status.ACTIVE.value)))
    whens.append(When(superseded_by__isnull=False, then=Value(Status.SUPERSEDED.value)))
    return queryset.annotate(listing_on=Case(*whens, default=Value(Status.REMOVED.value), output_field=CharField()))


class DayFilter(django_filters.DateFilter):
    """A day read by ``g287.inputs.day`` (the years it accepts, the same message) instead of any date Python reads."""

    field_class = inputs.DayField


class _AsOfMixin(django_filters.FilterSet):
    as_of = DayFilter(method="_keep", label=_("Status as of"),
                                      help_text=_("The day the status is derived for (today by default)."))

    def _keep(self, queryset, name, value):
        return queryset  # read by the status filter, filters nothing by itself

    def as_of_day(self) -> date:
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get("as_of") or timezone.localdate()


class AgencyFilter(_AsOfMixin):
    q = django_filters.CharFilter(method="search", label=_("Name or county"),
                                  help_text=_("Part of the agency's name or county."))
    state = django_filters.ChoiceFilter(choices=US_STATES, label=_("State"))
    ice_type = django_filters.CharFilter(field_name="ice_type", lookup_expr="iexact", label=_("Type"),
                                         help_text=_("ICE's type of agency: County, Municipality, State, …"))
    model = django_filters.ChoiceFilter(choices=AgreementModel.choices, method="by_model", label=_("Model"),
                                        help_text=_("Agencies with an agreement of this model."))
    status = django_filters.ChoiceFilter(choices=Status.choices, method="by_status", label=_("Status"),
                                         help_text=_("Agencies with an agreement in this status on the day."))

    class Meta:
        model = Agency
        fields = ["q", "state", "ice_type", "model", "status", "as_of"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(county__icontains=value))

    def by_model(self, queryset, name, value):
        return queryset.filter(agreements__model=value).distinct()

    def by_status(self, queryset, name, value):
        agreements = annotate_status(Agreement.objects.all(), self.as_of_day()).filter(status_on=value)
        model = (getattr(self.form, "cleaned_data", None) or {}).get("model")
        if model:  # both filters speak of the same agreement
            agreements = agreements.filter(model=model)
        return queryset.filter(pk__in=agreements.values("agency_id"))


class AgreementFilter(_AsOfMixin):
    q = django_filters.CharFilter(method="search", label=_("Agency name or county"))
    agency = django_filters.NumberFilter(field_name="agency_id", label=_("Agency id"))
    state = django_filters.ChoiceFilter(field_name="agency__state", choices=US_STATES, label=_("State"))
    ice_type = django_filters.CharFilter(field_name="agency__ice_type", lookup_expr="iexact", label=_("Type"))
    model = django_filters.ChoiceFilter(choices=AgreementModel.choices, label=_("Model"))
    template_version = django_filters.ChoiceFilter(choices=TemplateVersion.choices, label=_("MOA template"))
    signed_from = django_filters.DateFilter(field_name="signed", lookup_expr="gte", label=_("Signed on or after"))
    signed_to = django_filters.DateFilter(field_name="signed", lookup_expr="lte", label=_("Signed on or before"))
    status = django_filters.ChoiceFilter(choices=Status.choices, method="by_status", label=_("Status"))

    class Meta:
        model = Agreement
        fields = ["q", "agency", "state", "ice_type", "model", "template_version", "signed_from", "signed_to",
                  "status", "as_of"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(agency__name__icontains=value) | Q(agency__county__icontains=value))

    def by_status(self, queryset, name, value):
        return annotate_status(queryset, self.as_of_day()).filter(status_on=value)


class PublicationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Publication.Kind.choices, label=_("List"))
    published_from = django_filters.DateFilter(field_name="published", lookup_expr="gte",
                                               label=_("ICE date on or after"))
    published_to = django_filters.DateFilter(field_name="published", lookup_expr="lte",
                                             label=_("ICE date on or before"))

    class Meta:
        model = Publication
        fields = ["kind", "published_from", "published_to"]
