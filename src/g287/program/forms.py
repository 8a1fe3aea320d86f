from django import forms
from django.utils import timezone

from g287.program.models import ProgramApplication
from g287.registry.choices import AgreementModel

DATE = forms.DateInput(attrs={"type": "date", "class": "usa-input"})


def _uswds(form):
    for f in form.fields.values():
        w = f.widget
        if isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "usa-checkbox__input")
        elif isinstance(w, forms.Select):
            w.attrs.setdefault("class", "usa-select")
        elif isinstance(w, forms.Textarea):
            w.attrs.setdefault("class", "usa-textarea")
            w.attrs.setdefault("rows", 3)
        else:
            w.attrs.setdefault("class", "usa-input")
    return form


class DeclarationsForm(forms.ModelForm):
    class Meta:
        model = ProgramApplication
        fields = ["declared_lawsuits", "declared_consent_decrees", "declared_findings", "declared_notes",
                  "annual_bookings", "foreign_born_share", "ice_encounters", "officers_planned"]
        labels = {
            "declared_lawsuits": "Civil-rights lawsuits declared",
            "declared_consent_decrees": "Consent decrees or DOJ settlements declared",
            "declared_findings": "Findings of discrimination or racial profiling declared",
            "declared_notes": "Notes on the declared record",
            "annual_bookings": "Annual bookings",
            "foreign_born_share": "Foreign-born share of bookings (%)",
            "ice_encounters": "ICE encounters a year",
            "officers_planned": "Officers the agency plans to nominate",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _uswds(self)


class ApplicationForm(DeclarationsForm):
    agency = forms.ModelChoiceField(queryset=None, label="Agency")
    model = forms.ChoiceField(choices=AgreementModel.choices, label="Model")
    received = forms.DateField(widget=DATE, label="Received on")

    class Meta(DeclarationsForm.Meta):
        fields = ["agency", "model", "received"] + DeclarationsForm.Meta.fields

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["received"].initial = timezone.localdate()
        _uswds(self)


class DayForm(forms.Form):
    on = forms.DateField(widget=DATE, label="On")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class DecisionForm(forms.Form):
    decided = forms.DateField(widget=DATE, label="Decided on")
    reason = forms.CharField(widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 3}), label="Reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided"].initial = timezone.localdate()


class ApprovalForm(DecisionForm):
    acknowledge_shortfall = forms.BooleanField(
        required=False, label="I have read the capacity shortfall above and approve anyway",
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}))


class TargetForm(forms.Form):
    fiscal_year = forms.IntegerField(min_value=2002, max_value=2100, label="Fiscal year",
                                     widget=forms.NumberInput(attrs={"class": "usa-input"}))
    target = forms.IntegerField(min_value=0, label="New agreements to sign",
                                widget=forms.NumberInput(attrs={"class": "usa-input"}))
    note = forms.CharField(required=False, label="Note", widget=forms.Textarea(attrs={"class": "usa-textarea",
                                                                                       "rows": 2}))
