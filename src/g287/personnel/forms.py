"""Forms of the personnel pages (USWDS classes set here, not in templates)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from g287 import inputs
from g287.personnel.models import BackgroundCheck, Course
from g287.registry.choices import AgreementModel
from g287.registry.models import Agreement
from g287.uswds import DateInput, UswdsForm


class NominationForm(UswdsForm):
    reference = forms.CharField(max_length=64, label=_("Badge or personnel reference"),
                                help_text=_("The agency's own reference for the officer. No names are kept."))
    us_citizen = forms.BooleanField(required=False, initial=True, label=_("The officer is a U.S. citizen"))
    lea_experience_years = forms.FloatField(min_value=0, max_value=60, label=_("Years of law enforcement experience"),
                                            help_text=_("The Task Force model requires at least two."))
    nominated = forms.DateField(widget=DateInput(), initial=timezone.localdate, label=_("Nomination date"))


class TrainingForm(UswdsForm):
    course = forms.ChoiceField(choices=Course.choices, label=_("Course"))
    model = forms.ChoiceField(choices=AgreementModel.choices, label=_("Model of the course"))
    completed = forms.DateField(widget=DateInput(), label=_("Completed on"))
    exams = forms.CharField(max_length=40, label=_("Exam scores, in the order taken"),
                            help_text=_("Whole numbers from 0 to 100, separated by commas, for example: 64, 81. "
                                        "A course is passed when the last score is at least 70 and at most one "
                                        "score is below 70."))

    def clean_exams(self) -> list[int]:
        raw = self.cleaned_data["exams"]
        scores = []
        for i, part in enumerate((p.strip() for p in raw.replace(";", ",").split(",")), 1):
            if not part:
                continue
            if not part.isdigit() or not 0 <= int(part) <= 100:
                raise forms.ValidationError(_("Exam %(n)s: “%(value)s” is not a whole number from 0 to 100.")
                                            % {"n": i, "value": part})
            scores.append(int(part))
        if not scores:
            raise forms.ValidationError(_("Give at least one exam score."))
        return scores


class EligibilityForm(UswdsForm):
    background_check = forms.ChoiceField(choices=BackgroundCheck.choices, label=_("ICE background check"))
    us_citizen = forms.BooleanField(required=False, label=_("U.S. citizen (confirmed)"))
    lea_experience_years = forms.FloatField(min_value=0, max_value=60, label=_("Years of law enforcement experience"))


class AuthorizationForm(UswdsForm):
    agreement = forms.ModelChoiceField(queryset=Agreement.objects.none(), label=_("Agreement"),
                                       empty_label=_("Choose the agreement"))
    granted = forms.DateField(widget=DateInput(), initial=timezone.localdate, label=_("Authorized from"))

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Agreement.objects.filter(agency=agency).order_by("-signed", "model") if agency else Agreement.objects.none()
        self.fields["agreement"].queryset = qs
        self.fields["agreement"].label_from_instance = lambda a: (
            f"{a.get_model_display()} " + (_("signed %(day)s") % {"day": a.signed} if a.signed else _("not signed"))
            + (f" (MOA {a.template_version})" if a.template_version else ""))


class RevocationForm(UswdsForm):
    revoked = forms.DateField(widget=DateInput(), initial=timezone.localdate, label=_("Revoked from"))
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"))


class OfficerFilterForm(UswdsForm):
    q = forms.CharField(required=False, max_length=64, label=_("Reference"))
    agency = forms.ModelChoiceField(queryset=None, required=False, label=_("Agency"), empty_label=_("All agencies"))
    as_of = inputs.DayField(required=False, widget=DateInput(), label=_("Status as of"))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("state", "name")
        self.fields["agency"].label_from_instance = lambda a: f"{a.name} ({a.state})"
