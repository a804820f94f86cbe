"""normalise_text: undo what spammers hide behind, keep what people write."""

import pytest

from classifier import normalise_text


def test_normalise_text_keeps_italian_and_other_accented_letters() -> None:
    text = "Perché la città è più bella? Ça va, niño, Müller"
    assert normalise_text(text) == text


def test_normalise_text_removes_zero_width_characters_bom_and_soft_hyphen() -> None:
    text = "ca\u200bsi\u200cno\u200d fr\u2060ee\ufeff off\u00ader"
    assert normalise_text(text) == "casino free offer"


@pytest.mark.parametrize(
    ("disguised", "plain"),
    [
        ("саsіnо", "casino"),  # Cyrillic а, і, о
        ("Ѕреcіаl оffеr", "Special offer"),  # Cyrillic Ѕ, р, е, а
        ("ΒΟΝUS", "BONUS"),  # Greek capitals
        ("ｆｒｅｅ", "free"),  # full-width Latin, folded by NFKC
    ],
)
def test_normalise_text_folds_homoglyphs_to_latin(disguised: str, plain: str) -> None:
    assert normalise_text(disguised) == plain


def test_normalise_text_unescapes_entities_even_when_double_escaped() -> None:
    assert normalise_text("I&#39;m here &amp;amp; there &amp;#39;ok&amp;#39;") == (
        "I'm here & there 'ok'"
    )


def test_normalise_text_turns_line_breaks_into_spaces_and_strips_tags() -> None:
    assert normalise_text("first<br />second<br><i>third</i>") == "first second third"


def test_normalise_text_keeps_the_url_of_a_link() -> None:
    html = '<a href="http://www.youtube.com/watch?v=abc&amp;t=2m19s">2:19</a> best part'
    assert normalise_text(html) == "http://www.youtube.com/watch?v=abc&t=2m19s 2:19 best part"


def test_normalise_text_does_not_repeat_a_link_label_that_is_the_url() -> None:
    html = '<a href="https://youtu.be/xyz">https://youtu.be/xyz</a>'
    assert normalise_text(html) == "https://youtu.be/xyz"


def test_normalise_text_keeps_case_and_collapses_whitespace() -> None:
    assert normalise_text("  BUY   NOW \n\t please ") == "BUY NOW please"


def test_normalise_text_leaves_emoticons_that_look_like_tags() -> None:
    assert normalise_text("I &lt;3 this &gt;.&lt;") == "I <3 this >.<"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  lead\t\tand trail \n", "lead and trail"),
        ("em\u2003space and\u00a0no-break", "em space and no-break"),
        ("plain ascii text", "plain ascii text"),
        ("ASCII with  two   gaps", "ASCII with two gaps"),
    ],
)
def test_normalise_text_collapses_every_kind_of_whitespace(text: str, expected: str) -> None:
    assert normalise_text(text) == expected
