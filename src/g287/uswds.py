"""Form pieces every app's pages share: the U.S. Web Design System's class on each widget, and a date input.

At the package's root, beside ``inputs`` and ``exports``, so that any app may use them with imports pointing one way.
"""

from __future__ import annotations

from django import forms

# The USWDS class of each widget; any other widget is a text-like input.
CLASSES = {forms.Select: "usa-select", forms.Textarea: "usa-textarea", forms.CheckboxInput: "usa-checkbox__input"}


class UswdsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            cls = next((c for w, c in CLASSES.items() if isinstance(field.widget, w)), "usa-input")
            field.widget.attrs.setdefault("class", cls)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%d", **kw)
