"""The action report as a form (the CSV batch reads its rows with the same choices: ``uploads``).

Only the subject facts the rules need are asked: an opaque reference, custody, charge status and the
most serious charge's level, ICE designation, and a claim of U.S. citizenship.
"""

from __future__ import annotations

from datetime import datetime

from django import forms

from django.utils import timezone

from g287.operations.services import ActionInput, officer_of
from g287.personnel.models import Officer
from g287.policy.facts import ACTION_FACTS, FACT_NAMES, ActionFact
from g287.registry.models import Agreement
from g287.registry.notices import NoticeStatus, notice_statuses


def _form_field(f: ActionFact) -> forms.Field:
    """The form's field for one of an action's facts, from its declaration."""
    text = {"label": f.label, "help_text": f.help}
    if f.type is bool:
        return forms.BooleanField(required=False, initial=f.default, **text)
    if f.choices:
        blank = [("", f.blank_label)] if f.default == "" else []
        return forms.ChoiceField(choices=blank + list(f.choices), required=not blank,
                                 **({"initial": f.default} if f.default else {}), **text)
    return forms.CharField(max_length=f.max_length, required=False, **text)


class ActionFieldsForm(forms.Form):
    """The action's facts as declared (``g287.policy.facts.ACTION_FACTS``), its local date and time, and the
    reporter's reference."""

    locals().update({f.name: _form_field(f) for f in ACTION_FACTS})  # the class body's namespace: fields
    date = forms.DateField(label="Local date", help_text="The agency's local calendar date, YYYY-MM-DD.",
                           widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"}))
    time = forms.TimeField(label="Local time", help_text="The agency's local wall-clock time, HH:MM.",
                           widget=forms.TimeInput(attrs={"type": "time", "class": "usa-input"}))
    external_ref = forms.CharField(max_length=64, required=False, label="Your reference",
                                   help_text="Your system's number for this report; sending it again records nothing twice.")
    field_order = ["function", "date", "time"]

    def action_input(self) -> ActionInput:
        d = self.cleaned_data
        return ActionInput(at=datetime.combine(d["date"], d["time"]), **{n: d[n] for n in FACT_NAMES})


class ActionForm(ActionFieldsForm):
    """The web form: officer and agreement chosen among the signed-in recorder's own agency's."""

    officer = forms.ModelChoiceField(queryset=Officer.objects.none(), label="Officer")
    agreement = forms.ModelChoiceField(queryset=Agreement.objects.none(), label="Agreement")
    field_order = ["officer", "agreement", "function", "date", "time"]

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
