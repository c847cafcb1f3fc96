from __future__ import annotations

from ambassade.lib.own_words import own_words_ratio, words

SUGGESTION = "Une analyse claire des tendances de l'intelligence artificielle en 2026."


def test_copying_the_suggestion_is_not_own_words() -> None:
    assert own_words_ratio(SUGGESTION, [SUGGESTION]) == 0.0


def test_links_and_case_do_not_count_as_own_words() -> None:
    text = SUGGESTION.upper() + " https://amb.example/r/AbCdEf1234"
    assert own_words_ratio(text, [SUGGESTION]) == 0.0


def test_fresh_text_is_all_own_words() -> None:
    text = "Chez nous, côté ingénierie, ces outils changent déjà nos revues."
    assert own_words_ratio(text, [SUGGESTION]) == 1.0


def test_a_shared_small_word_barely_counts() -> None:
    text = "Chez nous, en ingénierie, on voit déjà ces outils changer nos revues de code."
    assert own_words_ratio(text, [SUGGESTION]) >= 0.9


def test_half_reworded_is_about_half() -> None:
    mine = "Je recommande vivement cette lecture à toute l'équipe"
    ratio = own_words_ratio(f"{mine} : {SUGGESTION}", [SUGGESTION])
    expected = len(words(mine)) / (len(words(mine)) + len(words(SUGGESTION)))
    assert abs(ratio - expected) < 0.01
    assert 0.3 < ratio < 0.7


def test_closest_suggestion_is_the_one_measured_against() -> None:
    other = "Rien à voir avec le sujet."
    assert own_words_ratio(SUGGESTION, [other, SUGGESTION]) == 0.0


def test_empty_commentary_scores_zero() -> None:
    assert own_words_ratio("   ", [SUGGESTION]) == 0.0
