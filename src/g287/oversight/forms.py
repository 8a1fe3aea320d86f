"""Forms of the oversight pages and the public complaint form (USWDS classes set here, not in templates)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from g287.oversight.models import About, Allegation, Finding, Inspection, Outcome, Sanction, Source
from g287.personnel.models import Officer
from g287.registry.models import Agency, Agreement
from g287.uswds import DateInput, UswdsForm


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%dT%H:%M", **kw)


def _agency_choices(queryset):
    return forms.ModelChoiceField(queryset=queryset.order_by("state", "name"), label=_("Agency"),
                                  empty_label=_("Choose the agency"))


class AgencyLabelMixin:
    @staticmethod
    def label_agency(obj):
        return f"{obj.name} ({obj.state})"


class PublicComplaintForm(UswdsForm):
    """Only what is needed to look into it: what happened, when, where, which agency, and an optional contact."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Which agency was involved?"),
                                    empty_label=_("Choose the agency"))
    # No allegation is chosen for the complainant: the first choice is empty and the field required.
    allegation = forms.ChoiceField(choices=[("", _("Choose what the complaint is about")), *Allegation.choices],
                                   label=_("What is the complaint about?"))
    what_happened = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                                    label=_("What happened?"),
                                    help_text=_("Describe what happened. Do not include anyone's immigration "
                                                "papers or ID numbers."))
    occurred_on = forms.DateField(widget=DateInput(), label=_("When did it happen?"))
    occurred_place = forms.CharField(max_length=200, label=_("Where did it happen?"),
                                     help_text=_("For example: the county jail, or a street and town."))
    contact = forms.CharField(max_length=200, required=False, label=_("How can we reach you?"),
                              help_text=_("A phone number or email address, only if you want a follow-up."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(agreements__isnull=False).distinct().order_by(
            "state", "name")
        self.fields["agency"].label_from_instance = AgencyLabelMixin.label_agency
        # ~640 agencies: the U.S. Web Design System's combo box lets the reader type part of the name.
        self.fields["agency"].combo_box = True
        self.fields["agency"].help_text = _("Type part of the agency's name or its state to narrow the list.")

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day it happened cannot be in the future."))
        return day


class StaffComplaintForm(UswdsForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"))
    received = forms.DateTimeField(widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   label=_("Received (the agency's local date and time)"))
    source = forms.ChoiceField(choices=[c for c in Source.choices if c[0] != Source.PUBLIC_FORM], label=_("Received by"))
    about = forms.ChoiceField(choices=About.choices, label=_("Who is the complaint about?"))
    officer_reference = forms.CharField(max_length=64, required=False, label=_("Officer's badge or reference (if known)"))
    allegation = forms.ChoiceField(choices=Allegation.choices, label=_("Allegation"))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label=_("What happened"))
    occurred_on = forms.DateField(widget=DateInput(), required=False, label=_("When it happened"))
    occurred_place = forms.CharField(max_length=200, required=False, label=_("Where it happened"))
    contact = forms.CharField(max_length=200, required=False, label=_("Complainant's contact"))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("state", "name")
        self.fields["agency"].label_from_instance = AgencyLabelMixin.label_agency


class DateForm(UswdsForm):
    day = forms.DateField(widget=DateInput(), label=_("Date"))


class MomentForm(UswdsForm):
    at = forms.DateTimeField(widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                             label=_("Date and time (the agency's local time)"))


class ResolveForm(UswdsForm):
    resolved = forms.DateField(widget=DateInput(), label=_("Resolution date"))
    outcome = forms.ChoiceField(choices=Outcome.choices, label=_("Outcome"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Note"))


class ReasonForm(UswdsForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason"))


class InspectionForm(UswdsForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"))
    kind = forms.ChoiceField(choices=Inspection.Kind.choices, label=_("What was held"))
    agreement = forms.ModelChoiceField(queryset=Agreement.objects.none(), required=False,
                                       label=_("Agreement (for a first review)"))
    held = forms.DateField(widget=DateInput(), label=_("Date held"))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Summary"))

    def __init__(self, *args, agencies=None, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("state", "name")
        self.fields["agency"].label_from_instance = AgencyLabelMixin.label_agency
        self.fields["agreement"].queryset = Agreement.objects.filter(agency__in=agencies).select_related("agency")
        if kinds is not None:
            self.fields["kind"].choices = [c for c in Inspection.Kind.choices if c[0] in kinds]


class FindingForm(UswdsForm):
    severity = forms.ChoiceField(choices=Finding.Severity.choices, label=_("Severity"))
    clause = forms.CharField(max_length=120, label=_("MOA clause"), help_text=_("For example: Article IX, Complaints"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Description"))


class CorrectiveActionForm(UswdsForm):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Corrective action"))
    due = forms.DateField(widget=DateInput(), label=_("Due date"))


class CloseForm(UswdsForm):
    closed = forms.DateField(widget=DateInput(), label=_("Closed on"))
    note = forms.CharField(max_length=500, required=False, label=_("How it was corrected"))


class SanctionForm(UswdsForm):
    kind = forms.ChoiceField(choices=Sanction.Kind.choices, label=_("Sanction"))
    reason = forms.ChoiceField(choices=Sanction.Reason.choices, label=_("Reason"))
    agreement = forms.ModelChoiceField(queryset=Agreement.objects.none(), required=False,
                                       label=_("Agreement (to suspend or terminate)"))
    officer = forms.ModelChoiceField(queryset=Officer.objects.none(), required=False,
                                     label=_("Officer (to suspend or revoke)"), empty_label=_("Choose the officer"),
                                     help_text=_("The agency's officers, by their badge or personnel reference."))
    start = forms.DateField(widget=DateInput(), label=_("Starting (officers) or notice date (agreements)"))
    length_days = forms.IntegerField(min_value=1, required=False, label=_("Length of a suspension in days"))
    exigent = forms.BooleanField(required=False, label=_("Exigent circumstances (WSO templates only)"))
    details = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Details"))

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = Agreement.objects.filter(agency=agency)
        self.fields["officer"].queryset = Officer.objects.filter(agency=agency).order_by("reference")
        self.fields["officer"].label_from_instance = lambda o: o.reference


class AcceptForm(UswdsForm):
    start = forms.DateField(widget=DateInput(), label=_("Starting (officers) or notice date (agreements)"))
    length_days = forms.IntegerField(min_value=1, required=False, label=_("Length of a suspension in days"))
