"""The analyzers behind the features: links, leetspeak, repeats and text statistics."""

import pytest

from classifier.tokens import (
    STAT_NAMES,
    char_view,
    collapse_repeats,
    deleet,
    intent_tokens,
    link_tokens,
    link_words,
    masked_char_view,
    text_stats,
    word_tokens,
    written_words,
)


def domains(text: str) -> list[str]:
    return [token.removeprefix("domain:") for token in link_tokens(text) if "domain:" in token]


@pytest.mark.parametrize(
    "text",
    [
        "visit www dot luckyspin dot com now",
        "visit luckyspin[.]com now",
        "visit luckyspin (dot) com now",
        "visit luckyspin. com now",
        "visit https://www.luckyspin.com/promo?ref=abc now",
    ],
)
def test_link_tokens_find_obfuscated_domains(text: str) -> None:
    assert domains(text) == ["luckyspin.com"]


def test_link_tokens_keep_shortener_path_and_query_keys() -> None:
    tokens = link_tokens("go to bit.ly/3xYz and http://shop.example.com/?ref=me")
    assert "domain:bit.ly" in tokens
    assert "site:bit.ly/3xyz" in tokens
    assert "param:ref" in tokens


def test_link_tokens_ignore_a_missing_space_before_a_wordlike_tld() -> None:
    assert link_tokens("I love this song.it is great. call.me maybe") == []


@pytest.mark.parametrize("text", ["www.bello.it", "http://bello.it", "bello.it/offerta"])
def test_link_tokens_accept_wordlike_tlds_that_are_clearly_links(text: str) -> None:
    assert domains(text) == ["bello.it"]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Roar (Official): http://youtu.be/CevxZvSJLk8", ["link:youtube", "link:youtube-video"]),
        (
            "best part www.youtube.com/watch?v=KQ6zr6kCPj8&t=2m19s",
            ["link:youtube", "link:youtube-video"],
        ),
        ("my channel youtube.com/user/someone", ["link:youtube"]),
        ("visit luckyspin.xyz", ["link:"]),
    ],
)
def test_link_tokens_tell_youtube_links_from_other_links(text: str, kinds: list[str]) -> None:
    assert [token for token in link_tokens(text) if token.startswith("link:")] == kinds


def test_masked_char_view_replaces_links_but_not_words_with_wordlike_tlds() -> None:
    text = "SOOO good http://youtu.be/x1 and www.LuckySpin.com/promo now; song.it is great"
    assert masked_char_view(text) == "soo good  yturl  and  url  now; song.it is great"


def test_masked_char_view_maps_every_number_to_zero() -> None:
    assert masked_char_view("2 billion views in 2014") == "0 billion views in 0"


@pytest.mark.parametrize(
    ("text", "spam", "ham"),
    [
        ("Please check out my channel and subscribe", 4, 0),
        ("Subscribe, subscribe, SUBSCRIBE", 1, 0),
        ("win free money, click here", 4, 0),
        ("I love this song so much lol", 0, 2),
        ("who else is still listening? the video is great", 0, 2),
        ("Che bella canzone", 0, 0),
        ("like this comment if you agree", 1, 0),
        ("give it a like and share this video", 2, 0),
        ("sub4sub anyone", 1, 0),
        ("follow for follow", 1, 0),
        ("subforsub anyone", 1, 0),
        ("likes4likes", 1, 0),
        ("see my new track", 2, 0),
        ("I like this song", 0, 1),
        ("see myself in this video", 0, 0),
    ],
)
def test_intent_tokens_count_each_kind_of_phrase_once(text: str, spam: int, ham: int) -> None:
    tokens = intent_tokens(char_view(text).replace(",", " ").replace("?", " ").split())
    assert tokens == ["intent:spam"] * spam + ["intent:ham"] * ham


def test_word_tokens_include_the_intent_tokens() -> None:
    assert word_tokens("Check out my channel!").count("intent:spam") == 2
    assert "intent:ham" in word_tokens("Best song ever")


@pytest.mark.parametrize(
    "text", ["2:19 best part", "from 1:05 to 1:30", "youtube.com/watch?v=KQ6zr6k&t=2m19s wow"]
)
def test_a_moment_of_the_video_counts_as_ham_talk(text: str) -> None:
    assert "intent:ham" in word_tokens(text)


@pytest.mark.parametrize("text", ["call 0039 12:345", "version 10:1:2", "meet at 10.30"])
def test_numbers_with_colons_that_are_not_moments_are_not_ham_talk(text: str) -> None:
    assert "intent:ham" not in word_tokens(text)


def test_deleet_recovers_words_but_leaves_numbers() -> None:
    assert deleet("v1agra") == "viagra"
    assert deleet("c@sino") == "casino"
    assert deleet("gu4dagna") == "guadagna"
    assert deleet("2015") == "2015"


def test_word_tokens_add_the_deobfuscated_word_and_bigrams() -> None:
    tokens = word_tokens("Cheap V1AGRA here")
    assert {"cheap", "v1agra", "viagra", "cheap v1agra"} <= set(tokens)


def test_collapse_repeats_shortens_long_runs_only() -> None:
    assert collapse_repeats("soooo good!!!!!") == "soo good!!"
    assert char_view("SOOOO Good") == "soo good"


def test_text_stats_measure_shouting_digits_phones_emoji_and_exclamations() -> None:
    stats = dict(zip(STAT_NAMES, text_stats("CALL NOW +39 333 123 4567!!! 😀😀"), strict=True))
    assert stats["shouting"] == 1.0
    assert stats["phone numbers"] == 1
    assert stats["digits"] == 12
    assert stats["emoji"] == 2
    assert stats["exclamation runs"] == 1
    assert text_stats("quiet words here")[0] == 0.0


@pytest.mark.parametrize(
    "text", ["Hello WORLD 123", "no digits at all", "MIXED case 42 and more 7", "!!! ???", ""]
)
def test_text_stats_ascii_fast_path_counts_like_the_str_methods(text: str) -> None:
    # The same text with one non-ASCII character added takes the general path.
    accented = text + "é"
    fast, general = text_stats(text), text_stats(accented)
    letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text))
    assert fast[0] == (upper / letters if letters >= 4 else 0.0)
    assert fast[2] == general[2] == sum(map(str.isdigit, text))
    assert general[0] == (upper / (letters + 1) if letters + 1 >= 4 else 0.0)


def test_text_stats_count_repeated_letters_but_not_www_or_dots() -> None:
    repeats = STAT_NAMES.index("repeated characters")
    assert text_stats("sooooo goooood")[repeats] == 2
    assert text_stats("see www.example.com... WWW dot example")[repeats] == 0


def test_link_words_pairs_each_word_written_in_a_link_with_its_domain() -> None:
    text = "Vai su WWW.Bonus-Casino.com/promo?ref=1 o soldi dot biz, non su song.it"
    bonus = "bonus-casino.com"
    assert link_words(text) == [
        ("ww", bonus), ("bonus", bonus), ("casino", bonus), ("com", bonus), ("promo", bonus),
        ("ref", bonus), ("1", bonus), ("soldi", "soldi.biz"), ("biz", "soldi.biz"),
    ]  # fmt: skip
    assert link_words("nessun link qui") == []


def test_written_words_are_the_words_word_tokens_starts_from() -> None:
    assert written_words("Sooooo GOOD, v1agra @home_") == ["soo", "good", "v1agra", "home"]
    assert written_words("Sooooo GOOD")[:2] == word_tokens("Sooooo GOOD")[:2]
