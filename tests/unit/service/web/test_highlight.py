"""The classifier's explanation as the pages show it, and its words marked in the text, escaped
first; in today's format and in the one stored before."""

from flask import Flask
from flask_babel import Babel, force_locale

from service.web.highlight import Evidence, explanation_items, highlight, read_old_feature
from service.web.setup import TRANSLATIONS_DIR


def spam(*items: dict) -> dict:
    return {"spam": list(items), "ham": []}


def word(text: str, weight: float = 1.0) -> dict:
    return {"kind": "word", "text": text, "weight": weight}


def domain(text: str, weight: float = 1.0) -> dict:
    return {"kind": "domain", "text": text, "weight": weight}


def signal(name: str, weight: float = 1.0) -> dict:
    return {"kind": "signal", "name": name, "weight": weight}


def old(*features: str) -> dict:
    return {"spam": [{"feature": f, "weight": 1.0} for f in features], "ham": []}


def test_words_are_marked_as_whole_words_in_any_case() -> None:
    marked = highlight("Soldi FACILI, soldifacili", spam(word("facili"), word("soldi")))
    assert str(marked) == "<mark>Soldi</mark> <mark>FACILI</mark>, soldifacili"


def test_a_domain_is_marked_where_the_link_names_it() -> None:
    marked = highlight("Vai su http://www.bit.ly/x o bit.lyx", spam(domain("bit.ly")))
    assert str(marked) == "Vai su http://www.<mark>bit.ly</mark>/x o bit.lyx"


def test_the_text_is_escaped_and_a_match_never_reaches_into_an_entity() -> None:
    marked = highlight("<b>amp & free</b>", spam(word("amp"), word("free")))
    assert str(marked) == "&lt;b&gt;<mark>amp</mark> &amp; <mark>free</mark>&lt;/b&gt;"


def test_a_word_naming_markup_is_matched_as_text_and_escaped() -> None:
    marked = highlight("see <b> <script>x", spam(word("<b>"), word("script")))
    assert str(marked) == "see <mark>&lt;b&gt;</mark> &lt;<mark>script</mark>&gt;x"


def test_signals_and_ham_items_mark_nothing() -> None:
    explanation = {"spam": [signal("length"), signal("links")], "ham": [word("ciao", -1.0)]}
    assert str(highlight("ciao links length", explanation)) == "ciao links length"
    assert str(highlight("ciao", None)) == "ciao"


def test_old_explanations_mark_their_words_and_domains_but_never_fragments() -> None:
    explanation = old("word: gratis", "url domain: bonus.example", "chars: 'gior'", "length")
    marked = highlight("Buongiorno! GRATIS su bonus.example", explanation)
    assert str(marked) == "Buongiorno! <mark>GRATIS</mark> su <mark>bonus.example</mark>"


def test_items_of_today_are_read_as_they_are() -> None:
    explanation = {"spam": [word("gratis", 1.7), domain("bit.ly", 0.9), signal("links", 0.4)],
                   "ham": [word("grazie", -0.5)]}  # fmt: skip
    assert explanation_items(explanation, "spam") == [
        Evidence("word", "gratis", 1.7), Evidence("domain", "bit.ly", 0.9),
        Evidence("signal", "links", 0.4),
    ]  # fmt: skip
    assert explanation_items(explanation, "ham") == [Evidence("word", "grazie", -0.5)]
    assert explanation_items(None, "spam") == []
    assert explanation_items({"spam": None}, "spam") == []


def test_old_feature_names_become_words_domains_and_signals_and_fragments_go() -> None:
    assert read_old_feature("word: gratis", 1.0) == Evidence("word", "gratis", 1.0)
    assert read_old_feature("url domain: spam.example", 1.0) == Evidence(
        "domain", "spam.example", 1.0
    )
    assert read_old_feature("url: spam.example/promo", 0.5) == Evidence(
        "domain", "spam.example", 0.5
    )
    assert read_old_feature("has link", 0.3) == Evidence("signal", "links", 0.3)
    assert read_old_feature("shouting", -0.1) == Evidence("signal", "capitals", -0.1)
    assert read_old_feature("spam intent phrase", 2.0) == Evidence("signal", "spam_phrases", 2.0)
    assert read_old_feature("chars: ' wi'", 1.0) is None
    assert read_old_feature("url parameter: ref", 1.0) is None
    assert read_old_feature("word: ", 1.0) is None


def test_malformed_items_are_skipped_not_fatal() -> None:
    explanation = {"spam": ["word: x", {"kind": "word"}, {"kind": "signal"}, {"weight": "a"},
                            word("ok")]}  # fmt: skip
    assert explanation_items(explanation, "spam") == [Evidence("word", "ok", 1.0)]


def test_labels_are_translated_and_unknown_signals_keep_their_name() -> None:
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(TRANSLATIONS_DIR))
    items = explanation_items(
        {"spam": [domain("bit.ly"), signal("links"), signal("capitals"), signal("new_one")]}, "spam"
    )
    with app.test_request_context(), force_locale("it"):
        assert [item.kind_label for item in items[:2]] == ["dominio del link", "segnale"]
        assert [item.label for item in items] == [
            "bit.ly",
            "link nel testo",
            "maiuscole",
            "new_one",
        ]
