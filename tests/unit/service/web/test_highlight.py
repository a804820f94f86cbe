"""Marking the classifier's spam features in a comment's text, escaped first."""

from service.web.highlight import feature_text, highlight


def spam(*features: str) -> dict:
    return {"spam": [{"feature": f, "weight": 1.0} for f in features], "ham": []}


def test_words_are_marked_as_whole_words_in_any_case() -> None:
    marked = highlight("Soldi FACILI, soldifacili", spam("word: facili", "word: soldi"))
    assert str(marked) == "<mark>Soldi</mark> <mark>FACILI</mark>, soldifacili"


def test_the_text_is_escaped_and_a_match_never_reaches_into_an_entity() -> None:
    marked = highlight("<b>amp & free</b>", spam("chars: 'amp'", "word: free"))
    assert str(marked) == "&lt;b&gt;<mark>amp</mark> &amp; <mark>free</mark>&lt;/b&gt;"


def test_a_feature_naming_markup_is_matched_as_text_and_escaped() -> None:
    marked = highlight("see <script>x</script>", spam("chars: '<scr'"))
    assert str(marked) == "see <mark>&lt;scr</mark>ipt&gt;x&lt;/script&gt;"


def test_overlapping_matches_are_merged() -> None:
    assert str(highlight("abcdef", spam("chars: 'abcd'", "chars: 'cdef'"))) == "<mark>abcdef</mark>"


def test_features_that_name_no_text_and_ham_features_mark_nothing() -> None:
    explanation = {"spam": [{"feature": "length", "weight": 1.0}],
                   "ham": [{"feature": "word: ciao", "weight": -1.0}]}  # fmt: skip
    assert str(highlight("ciao ciao", explanation)) == "ciao ciao"
    assert str(highlight("ciao", None)) == "ciao"


def test_feature_names_as_the_classifier_writes_them() -> None:
    assert feature_text("word: gratis") == ("gratis", True)
    assert feature_text("url domain: spam.example") == ("spam.example", True)
    assert feature_text("chars: ' wi'") == (" wi", False)
    assert feature_text("chars: not-a-literal(") is None
    assert feature_text("has link") is None
