"""The order the suite runs in (``synthhelp.slow_first``, applied by conftest.py): the tests
marked ``slow(seconds)`` first, the longest first, the others after them in collection order.
The xdist workers of ``make test`` take tests from the front of the list as they go, so the long
tests run beside the short ones instead of at the end of the run."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from synthhelp import slow_first, slow_seconds

EAGER = "tests/test_fastimport.py::test_stock_eager_import_gives_byte_identical_output"


@dataclass
class _Item:
    nodeid: str
    marker: pytest.MarkDecorator | None = None

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        return self.marker.mark if self.marker is not None and name == "slow" else None


def test_slow_tests_come_first_the_longest_first_and_the_rest_keep_their_order() -> None:
    slow = pytest.mark.slow
    items = [
        _Item("a"),
        _Item("b", slow(3)),
        _Item("c"),
        _Item("d", slow(20)),
        _Item("e", slow(3)),
        _Item("f"),
    ]
    slow_first(items)
    assert [i.nodeid for i in items] == ["d", "b", "e", "a", "c", "f"]


def test_a_slow_marker_without_its_seconds_is_an_error() -> None:
    with pytest.raises(ValueError, match="x: the slow marker takes the seconds"):
        slow_seconds(_Item("x", pytest.mark.slow))


def test_this_run_starts_with_the_slow_tests(request: pytest.FixtureRequest) -> None:
    """The order of the tests this run collected (every xdist worker collects them all), unless
    ``--ff``/``--nf`` reordered them after conftest.py on purpose."""
    if request.config.getoption("failedfirst", False) or request.config.getoption("newfirst", False):
        pytest.skip("--ff or --nf reorders the tests after conftest.py")
    items = request.session.items
    seconds = [slow_seconds(item) for item in items]
    assert seconds == sorted(seconds, reverse=True)
    eager = [item for item in items if item.nodeid == EAGER]
    if eager:  # the longest test; it must not start near the end
        assert slow_seconds(eager[0]) > 0
