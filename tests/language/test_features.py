from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shomer.language.features import _char_ngrams, extract


def char_ngrams_reference(token: str) -> list[str]:
    """The n-grams as extract built them before they were cached per word."""
    padded = " " + token + " "
    length = len(padded)
    return (
        [padded[i : i + 2] for i in range(length - 1)]
        + [padded[i : i + 3] for i in range(length - 2)]
        + [padded[i : i + 4] for i in range(length - 3)]
    )


@given(st.text(max_size=30) | st.text("אבגדהוזחטיכלמנסעפצקרשת", max_size=12))
def test_a_words_cached_ngrams_are_its_ngrams_in_order(token: str) -> None:
    # extract's feature list, and so the count of unique features the model divides by,
    # stays what it was.
    assert list(_char_ngrams(token)) == char_ngrams_reference(token)
    assert list(_char_ngrams(token)) == char_ngrams_reference(token)  # from the cache


def test_a_repeated_word_gives_its_ngrams_each_time() -> None:
    features, _ = extract("שלום שלום hello hello")
    assert features.count(" של") == 2
    assert features.count("hel") == 2
