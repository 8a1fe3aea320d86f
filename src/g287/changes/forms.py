from django import forms
from django.utils.translation import gettext_lazy as _

from g287.changes.choices import ChangeKind, Scope
from g287.registry.choices import AgreementModel
from g287.registry.filters import US_STATES
from g287.registry.models import Agency


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             help_text=_("Used only to send the confirmation and the digests; never shown or shared."))
    scope = forms.ChoiceField(label=_("Follow"), choices=Scope.choices, initial=Scope.STATE, widget=forms.RadioSelect)
    state = forms.ChoiceField(label=_("State"), choices=[("", "—")] + US_STATES, required=False)
    county = forms.CharField(label=_("County"), max_length=120, required=False,
                             help_text=_("As ICE lists it, without the word County."))
    agency = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == Scope.AGENCY:
            agency = Agency.objects.filter(pk=data.get("agency") or 0).first()
            if agency is None:
                raise forms.ValidationError(_("Choose the agency from its page (the “Follow this agency” link)."))
            data["agency_obj"], data["state"], data["county"] = agency, agency.state, ""
            return data
        data["agency_obj"] = None
        if not data.get("state"):
            self.add_error("state", _("Choose a state."))
        if scope == Scope.COUNTY:
            county = " ".join((data.get("county") or "").split())
            if county.lower().endswith(" county"):
                county = county[:-7]
            if not county:
                self.add_error("county", _("Name the county."))
            data["county"] = county
        else:
            data["county"] = ""
        return data


class ChangeFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All states"))] + US_STATES, required=False)
    county = forms.CharField(label=_("County"), max_length=120, required=False)
    model = forms.ChoiceField(label=_("Model"), choices=[("", _("All models"))] + list(AgreementModel.choices),
                              required=False)
    kind = forms.ChoiceField(label=_("What changed"), choices=[("", _("All kinds"))] + list(ChangeKind.choices),
                             required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    agency = forms.IntegerField(required=False, widget=forms.HiddenInput)
