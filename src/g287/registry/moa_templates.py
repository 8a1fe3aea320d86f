"""Which MOA template an agreement's terms come from, inferred from its model and signing date.

ICE's lists do not name the template. The mapping (docs/decisions.md, "Registry data"):

- signed on or after 2025-01-01, any model → the 2025 template of that model;
- WSO signed 2019-01-01 … 2024-12-31 → the 2019 WSO template (the only WSO template before 2025);
- JEM signed 2019-01-01 … 2024-12-31 → the 2020 JEM template (2019 JEM agreements were re-signed on it, and it
  stayed in force until the 2025 template);
- JEM before 2019, Task Force and Hybrid before 2013 → the legacy template in force on the signing date:
  before 2013 → 2009 (every earlier MOA was renegotiated onto it in 2009), 2013 … 2015 → 2013,
  2016 … 2018 → 2016;
- WSO before 2019, and Task Force / Hybrid signed 2013 … 2024 → no template (those models had no template
  then); the reason says so, so such a row stands out instead of getting a wrong template.
"""

from __future__ import annotations

from datetime import date


def infer_template(model: str, signed: date | None) -> tuple[str, str]:
    """(template version or "", reason)."""
    if signed is None:
        return "", "no signing date listed, so no template can be inferred"
    d = signed.isoformat()
    if signed >= date(2025, 1, 1):
        return "2025", f"{model} signed {d}, on or after 2025-01-01: the 2025 {model} template"
    if model == "WSO":
        if signed >= date(2019, 1, 1):
            return "2019", f"WSO signed {d}, 2019–2024: the 2019 WSO template"
        return "", f"WSO signed {d}, before the WSO model existed (2019): no template"
    if model == "JEM" and signed >= date(2019, 1, 1):
        return "2020", f"JEM signed {d}, 2019–2024: the 2020 JEM template"
    if model in ("TFM", "HYBRID") and signed >= date(2013, 1, 1):
        return "", f"{model} signed {d}: the model had no template between 2013 and 2024"
    if signed < date(2013, 1, 1):
        return "2009", f"{model} signed {d}, before 2013: the 2009 legacy template"
    if signed < date(2016, 1, 1):
        return "2013", f"{model} signed {d}, 2013–2015: the 2013 legacy template"
    return "2016", f"{model} signed {d}, 2016–2018: the 2016 legacy template"
