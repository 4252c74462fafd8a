"""``custody.fastpath.collector_paused``: the cyclic collector is paused in the block and left as it was found."""

from __future__ import annotations

import gc

import pytest

from custody import fastpath


def test_the_collector_is_paused_then_enabled_again() -> None:
    assert gc.isenabled()
    with fastpath.collector_paused():
        assert gc.isenabled() is not fastpath.ENABLED
    assert gc.isenabled()


def test_the_collector_is_enabled_again_after_an_error() -> None:
    with pytest.raises(ValueError, match="boom"), fastpath.collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with fastpath.collector_paused(), fastpath.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
