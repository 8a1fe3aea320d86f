"""The action report as a form (the CSV batch reads its rows with the same choices: ``uploads``).

Only the subject facts the rules need are asked: an opaque reference, custody, charge status and the
most serious charge's level, ICE designation, and a claim of U.S. citizenship.
"""

from __future__ import annotations

from datetime import datetime

from django import forms

from g287.operations.models import FUNCTION_CHOICES, ChargeLevel, CriminalCharge, Location
from g287.operations.services import ActionInput, officer_of
from g287.personnel.models import Officer
from g287.registry.models import Agreement

BOOLEAN_FIELDS = ("in_lea_custody", "ice_designated", "usc_claim", "warrant_signed_by_ice", "reason_to_believe",
                  "likely_to_escape")


class ActionFieldsForm(forms.Form):
    function = forms.ChoiceField(choices=FUNCTION_CHOICES, label="Function performed")
    date = forms.DateField(label="Local date", help_text="The agency's local calendar date, YYYY-MM-DD.",
                           widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}))
    time = forms.TimeField(label="Local time", help_text="The agency's local wall-clock time, HH:MM.",
                           widget=forms.TimeInput(attrs={"type": "time", "class": "usa-input"}))
    location = forms.ChoiceField(choices=Location.choices, initial=Location.LEA_FACILITY, label="Where")
    subject_ref = forms.CharField(max_length=64, required=False, label="Subject reference",
                                  help_text="The agency's opaque booking or case number. No names.")
    in_lea_custody = forms.BooleanField(required=False, initial=True, label="The subject was in the agency's custody")
    criminal_charge = forms.ChoiceField(choices=CriminalCharge.choices, initial=CriminalCharge.PENDING,
                                        label="Criminal charge status")
    charge_level = forms.ChoiceField(choices=[("", "Not stated")] + list(ChargeLevel.choices), required=False,
                                     label="Most serious charge")
    ice_designated = forms.BooleanField(required=False, label="ICE designated the subject (e.g. a detainer or warrant)")
    usc_claim = forms.BooleanField(required=False, label="The subject claimed U.S. citizenship")
    warrant_signed_by_ice = forms.BooleanField(required=False, initial=True,
                                               label="The warrant was signed by an ICE officer")
    reason_to_believe = forms.BooleanField(required=False, label="Warrantless arrest: reason to believe the person "
                                                                 "is removable")
    likely_to_escape = forms.BooleanField(required=False, label="Warrantless arrest: likely to escape before a "
                                                                "warrant can be obtained")
    external_ref = forms.CharField(max_length=64, required=False, label="Your reference",
                                   help_text="Your system's number for this report; sending it again records nothing twice.")

    def action_input(self) -> ActionInput:
        d = self.cleaned_data
        return ActionInput(
            function=d["function"], at=datetime.combine(d["date"], d["time"]), location=d["location"],
            subject_ref=d.get("subject_ref", ""), criminal_charge=d["criminal_charge"],
            charge_level=d.get("charge_level", ""),
            **{f: d[f] for f in BOOLEAN_FIELDS},
        )


class ActionForm(ActionFieldsForm):
    """The web form: officer and agreement chosen among the signed-in recorder's own agency's."""

    officer = forms.ModelChoiceField(queryset=Officer.objects.none(), label="Officer")
    agreement = forms.ModelChoiceField(queryset=Agreement.objects.none(), label="Agreement")
    field_order = ["officer", "agreement"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        agency_id = getattr(user, "agency_id", None)
        own = officer_of(user)
        if own is not None:
            officers = Officer.objects.filter(pk=own.pk)
        else:
            officers = Officer.objects.filter(agency_id=agency_id) if agency_id else Officer.objects.none()
        self.fields["officer"].queryset = officers.order_by("reference")
        self.fields["officer"].label_from_instance = lambda o: f"Officer {o.reference}"
        self.fields["agreement"].queryset = (Agreement.objects.filter(agency_id=agency_id).select_related("agency")
                                             .order_by("-signed") if agency_id else Agreement.objects.none())
        # A notice in effect or pending today is named beside the agreement (the engine refuses actions under a
        # suspended or terminated one).
        from django.utils import timezone

        from g287.registry.notices import NoticeStatus, notice_statuses

        notices = notice_statuses(timezone.localdate(), self.fields["agreement"].queryset.values_list("pk", flat=True)) \
            if agency_id else {}
        self.fields["agreement"].label_from_instance = (
            lambda a: f"{a.get_model_display()} signed {a.signed or 'date unknown'}"
                      f"{' (MOA ' + a.template_version + ')' if a.template_version else ' (no MOA template on record)'}"
                      + (f" — {str(NoticeStatus(notices[a.pk]).label).lower()}" if a.pk in notices else ""))
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "usa-select")
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "usa-checkbox__input")
            else:
                field.widget.attrs.setdefault("class", "usa-input")
