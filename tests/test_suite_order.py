"""The order the suite runs in (conftest.py): the tests marked ``slow(seconds)`` first, the
longest first, the others after them in collection order. ``make test`` hands the xdist workers
one test at a time in this order, so the long tests run beside the short ones instead of at the
end of one worker's share."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conftest import pytest_collection_modifyitems

EAGER = "tests/test_fastimport.py::test_stock_eager_import_gives_byte_identical_output"


@dataclass
class _Item:
    name: str
    slow: float | None = None

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        if name == "slow" and self.slow is not None:
            return pytest.mark.slow(self.slow).mark
        return None


def test_slow_tests_come_first_the_longest_first_and_the_rest_keep_their_order() -> None:
    items = [_Item("a"), _Item("b", 3), _Item("c"), _Item("d", 20), _Item("e", 3), _Item("f")]
    pytest_collection_modifyitems(items)  # type: ignore[arg-type]
    assert [i.name for i in items] == ["d", "b", "e", "a", "c", "f"]


def test_this_run_starts_with_the_slow_tests(request: pytest.FixtureRequest) -> None:
    """The order of the tests this run collected (every worker collects them all)."""
    seconds = [
        float(marker.args[0]) if (marker := item.get_closest_marker("slow")) else 0.0
        for item in request.session.items
    ]
    assert seconds == sorted(seconds, reverse=True)
    ids = [item.nodeid for item in request.session.items]
    if EAGER in ids:  # the longest test, when this run has it
        assert ids[0] == EAGER
