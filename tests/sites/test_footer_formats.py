"""The legal footer's telephone: numbers the public can call, typed in the digits 0-9."""
from __future__ import annotations

import pytest

from core.sites.footer import FORMATS


@pytest.mark.parametrize("phone", ["0316-2012345", "(0316)2012345", "010-12345678-801", "13812345678",
                                   "400-810-8888", "12345", "12333", "0316-2012345、12345"])
def test_numbers_the_public_can_call_are_taken(phone):
    assert FORMATS["phone"](phone)


@pytest.mark.parametrize("phone", ["12345678", "1234", "99999", "0316-２０１２３４５", "0316-201", "电话"])
def test_other_numbers_are_refused(phone):
    assert not FORMATS["phone"](phone)
