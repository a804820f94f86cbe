"""Small labelled corpora and a classifier trained on them, shared by the classifier tests."""

from pathlib import Path

import pytest

from classifier import SklearnClassifier, train_classifier

# Where CI keeps the YouTube Spam Collection, relative to the repository root.
YOUTUBE_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "youtube-spam"

SPAM = [
    "Win big at the casino tonight, visit luckyspin.xyz",
    "CHECK OUT MY CHANNEL AND SUBSCRIBE!!!",
    "Cheap viagra online, free shipping www.pillshop.ru",
    "Guadagna soldi da casa, clicca qui: soldifacili.biz",
    "Free bitcoin giveaway, send 1 BTC and get 2 back",
    "subscribe to my channel please, new videos every day",
    "Casino bonus 500 euro gratis, registrati subito su bonuscasino.com",
    "Make money online fast, click here http://bit.ly/fastcash",
    "Offerta imperdibile: iPhone gratis, clicca il link",
    "Visit my profile for free casino chips and prizes",
    "Vinci subito con il casino online, bonus gratis per te",
    "Hot singles in your area, call +39 333 123 4567",
]
HAM = [
    "I love this song so much, it brings back memories",
    "Bellissimo articolo, grazie per la spiegazione chiara",
    "Non sono d'accordo con l'autore, ma è un punto di vista interessante",
    "The second verse is my favourite part",
    "Che bella giornata a Roma oggi, perfetta per una passeggiata",
    "Great analysis, I learned a lot from this piece",
    "Mia nonna faceva questa ricetta ogni domenica",
    "This video made my day, thank you",
    "Qualcuno sa quando esce il prossimo episodio?",
    "Interesting point about the election results",
    "La città è più bella d'inverno, secondo me",
    "My kids watch this every morning before school",
]


@pytest.fixture(scope="session")
def corpus() -> tuple[list[str], list[int]]:
    """Texts and labels (1 = spam) of a small bilingual corpus."""
    return SPAM + HAM, [1] * len(SPAM) + [0] * len(HAM)


@pytest.fixture(scope="session")
def trained(corpus: tuple[list[str], list[int]]) -> SklearnClassifier:
    """A classifier trained once per test run on `corpus`."""
    texts, labels = corpus
    return train_classifier(texts, labels, random_state=0)


@pytest.fixture(scope="session")
def youtube_dir() -> Path:
    """The YouTube Spam Collection; skip only where the shared data is absent (never in CI)."""
    if not YOUTUBE_DIR.is_dir():
        pytest.skip(f"{YOUTUBE_DIR} is absent")
    return YOUTUBE_DIR
