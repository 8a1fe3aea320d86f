import pytest


@pytest.fixture(autouse=True)
def exact_data_version(monkeypatch):
    """Every write shows at once in tests: no reuse of the data version a process read."""
    monkeypatch.setattr("g287.pagecache.VERSION_TTL", 0)
