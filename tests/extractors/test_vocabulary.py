"""Tone marks restored inside free text from the list of Vietnamese words
(`extractors.data.vocabulary`): what it restores, and what it must leave as read."""

from __future__ import annotations

from extractors.data.vocabulary import restore_marks

SURE, UNSURE = 0.96, 0.8


def read(text: str, unsure: set[str]) -> list[tuple[str, float]]:
    return [(w, UNSURE if w in unsure else SURE) for w in text.split(" ")]


def test_an_unsure_syllable_takes_the_marks_of_the_one_word_its_letters_make() -> None:
    words, changes = restore_marks(read("thực hành trong đảo tạo khối ngành", {"đảo"}))
    assert " ".join(words) == "thực hành trong đào tạo khối ngành"
    assert changes == [("đảo", "đào")]


def test_a_confident_syllable_is_left_as_read() -> None:
    # "đê tài" read at 0.96 a word: nothing says the engine was wrong
    words, changes = restore_marks(read("giao đê tài và cử người", set()))
    assert changes == [] and " ".join(words) == "giao đê tài và cử người"


def test_a_syllable_inside_a_word_as_read_is_never_changed() -> None:
    # "là cơ sở": "cơ sở" is a word as read, so "là cơ" is not made "lá cờ", however unsure
    text = "yêu cầu là cơ sở thực hành"
    words, changes = restore_marks(read(text, set(text.split(" "))))
    assert changes == [] and " ".join(words) == text


def test_letters_that_make_two_words_are_left_as_read() -> None:
    # "chuyền hóa": "chuyển hoá" and "chuyên hoá" fold alike: no choice is made
    _, changes = restore_marks(read("xã hội chuyền hóa đạt", {"chuyền"}))
    assert changes == []


def test_capitals_and_punctuation_are_kept() -> None:
    words, changes = restore_marks(read("Sửa đối, bỗ sung đanh mục", {"đối,", "bỗ", "đanh"}))
    assert " ".join(words) == "Sửa đổi, bổ sung danh mục"
    assert ("đối,", "đổi,") in changes
