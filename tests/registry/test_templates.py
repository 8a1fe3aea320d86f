from datetime import date

import pytest

from g287.registry.moa_templates import infer_template


@pytest.mark.parametrize("model, signed, version", [
    ("WSO", date(2019, 3, 1), "2019"), ("WSO", date(2020, 12, 31), "2019"), ("WSO", date(2023, 5, 1), "2019"),
    ("JEM", date(2019, 7, 1), "2020"), ("JEM", date(2020, 6, 9), "2020"), ("JEM", date(2024, 12, 31), "2020"),
    ("JEM", date(2025, 1, 1), "2025"), ("WSO", date(2025, 2, 1), "2025"), ("TFM", date(2025, 4, 1), "2025"),
    ("JEM", date(2008, 1, 1), "2009"), ("JEM", date(2012, 12, 31), "2009"), ("JEM", date(2013, 1, 1), "2013"),
    ("JEM", date(2015, 12, 31), "2013"), ("JEM", date(2016, 1, 1), "2016"), ("JEM", date(2018, 12, 31), "2016"),
    ("TFM", date(2011, 5, 1), "2009"), ("HYBRID", date(2010, 5, 1), "2009"),
    ("TFM", date(2019, 5, 1), ""), ("WSO", date(2018, 5, 1), ""), ("JEM", None, ""),
])
def test_mapping(model, signed, version):
    got, reason = infer_template(model, signed)
    assert got == version
    assert reason
