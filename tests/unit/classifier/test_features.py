"""The feature pipeline: fitted on texts, readable names, picklable, one fast path."""

import pickle

import numpy as np

from classifier.features import (
    build_features,
    feature_baseline,
    feature_names,
    transform_texts,
)

TEXTS = [
    "Win at the c@sino: www dot luckyspin dot com",
    "FREE MONEY NOW!!! call +39 333 123 4567",
    "I love this song so much",
    "Che bella canzone, la ascolto ogni giorno",
]


def fitted():
    return build_features(min_df=1).fit(TEXTS)


def names_of(features, text: str) -> set[str]:
    row = transform_texts(features, [text])
    names = feature_names(features)
    return {names[column] for column in row.indices}


def test_features_find_the_obfuscated_domain() -> None:
    assert "url domain: luckyspin.com" in names_of(fitted(), TEXTS[0])


def test_features_turn_leetspeak_back_into_the_word() -> None:
    assert "word: casino" in names_of(fitted(), TEXTS[0])


def test_features_measure_shouting_only_when_there_is_some() -> None:
    features = fitted()
    assert "shouting" in names_of(features, TEXTS[1])
    assert "shouting" not in names_of(features, "all lower case here")


def test_features_name_a_youtube_link_and_keep_url_paths_out_of_the_character_ngrams() -> None:
    features = build_features(min_df=1).fit([*TEXTS, "best part youtu.be/AbCdEf1 wow"])
    names = names_of(features, "best part youtu.be/AbCdEf1 wow")
    assert {"has youtube link", "has youtube video link", "url domain: youtu.be"} <= names
    assert not any(name.startswith("chars:") and "abc" in name for name in names)


def test_feature_names_are_readable_and_match_the_columns() -> None:
    features = fitted()
    names = feature_names(features)
    assert len(names) == transform_texts(features, TEXTS).shape[1]
    assert "chars: 'sin'" in names
    assert "has link" in names
    assert "url tld: com" in names
    assert "phone numbers" in names
    assert "spam intent phrase" in names
    assert "ham intent phrase" in names


def test_transform_texts_equals_the_pipeline_transform() -> None:
    features = fitted()
    fast = transform_texts(features, TEXTS).toarray()
    assert np.array_equal(fast, features.transform(TEXTS).toarray())


def test_feature_baseline_is_zero_except_for_the_statistics() -> None:
    features = fitted()
    baseline = feature_baseline(features)
    names = feature_names(features)
    assert baseline[names.index("word: casino")] == 0.0
    assert baseline[names.index("length")] > 0.0


def test_fitted_features_survive_pickling() -> None:
    features = fitted()
    # Our own freshly pickled object, not untrusted data.
    copy = pickle.loads(pickle.dumps(features))  # noqa: S301
    assert (copy.transform(TEXTS) != features.transform(TEXTS)).nnz == 0
