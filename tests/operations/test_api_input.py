"""The API's fast reading of a recorded action's JSON body must agree with ``ActionInputSerializer``: whenever
it accepts a body, the serializer accepts it too with the same validated data (otherwise the serializer
answers, errors and all)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from g287.operations.api import ActionInputSerializer, _fast_input

GOOD = {"officer": 3, "agreement": 7, "function": "issue_detainer", "at": "2025-05-01T09:30", "location": "field",
        "subject_ref": " S-1 ", "in_lea_custody": False, "criminal_charge": "none", "charge_level": "",
        "ice_designated": True, "usc_claim": False, "warrant_signed_by_ice": True, "reason_to_believe": True,
        "likely_to_escape": False, "external_ref": "r-1"}

ODD = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=False), st.text(max_size=70),
                st.sampled_from(["", " ", "true", "1", "felony", "field", "x" * 65, "a\x00b", "2025-02-30T10:00",
                                 "2025-05-01T09:30+02:00", " 2025-05-01 09:30 ", "interview", "pending"]),
                st.lists(st.integers(), max_size=2))


def _serializer(data):
    s = ActionInputSerializer(data=data)
    return dict(s.validated_data) if s.is_valid() else None


def test_a_good_body_takes_the_fast_path_with_the_serializers_result():
    fast = _fast_input(GOOD)
    assert fast is not None and fast == _serializer(GOOD) and fast["subject_ref"] == "S-1"
    minimal = {k: GOOD[k] for k in ("officer", "agreement", "function", "at")}
    assert _fast_input(minimal) == _serializer(minimal)  # defaults filled in alike


@settings(max_examples=400, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(GOOD)), ODD, max_size=4),
       removed=st.sets(st.sampled_from(sorted(GOOD)), max_size=3))
def test_fast_path_never_accepts_what_the_serializer_would_not(changes, removed):
    data = {k: v for k, v in (GOOD | changes).items() if k not in removed}
    fast = _fast_input(data)
    if fast is not None:
        assert fast == _serializer(data)


def test_non_objects_go_to_the_serializer():
    assert _fast_input([GOOD]) is None and _fast_input("x") is None
    assert _fast_input(GOOD | {"at": "2025-02-30T10:00"}) is None and _serializer(GOOD | {"at": "2025-02-30T10:00"}) is None
