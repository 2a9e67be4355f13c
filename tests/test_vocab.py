"""vocab.nfkc: the fast NFKC must give exactly what unicodedata gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from jixiao import vocab

# Chinese text, the full-width forms nfkc swaps itself, and characters NFKC composes or expands.
_ALPHABET = "预算执行率万元，：；（）！？％．、。　０１２３４５６７８９ＡＢａｂA1,.\u0301\u3099かが萬①㈱ﬁ™½"


@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_nfkc_is_unicode_nfkc(text: str) -> None:
    assert vocab.nfkc(text) == unicodedata.normalize("NFKC", text)


@given(st.text(max_size=30))
def test_nfkc_is_unicode_nfkc_on_any_text(text: str) -> None:
    assert vocab.nfkc(text) == unicodedata.normalize("NFKC", text)


def test_full_width_punctuation_becomes_ascii_and_the_rest_is_kept() -> None:
    assert vocab.nfkc("预算执行率（％）：９６．３１") == "预算执行率(%):96.31"
    assert vocab.nfkc("一、基本情况") == "一、基本情况"
