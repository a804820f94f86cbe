"""Labelled comment texts for tests of learning from moderators."""

import itertools

NEWS = [
    "Il consiglio comunale dovrebbe discutere {} prima di votare il bilancio.",
    "Sul tema {} l'articolo dimentica i dati dell'anno scorso.",
    "Concordo con il sindaco su {}, ma servono tempi certi.",
    "Abito in centro e il problema di {} lo vivo ogni giorno.",
]
TOPICS = [
    "i parcheggi",
    "la nuova scuola",
    "il traffico",
    "le piste ciclabili",
    "la raccolta rifiuti",
]
CATS = [
    "Il mio gatto {} oggi ha dormito tutto il giorno sul divano, che tenerezza.",
    "Guardate che foto del gattino {}: miagola e fa le fusa!",
    "Adottate un micio come {}: i gatti sono la gioia di casa.",
    "Il gatto {} ha rovesciato di nuovo la ciotola delle crocchette.",
]
CAT_NAMES = ["Briciola", "Romeo", "Nuvola", "Tigro", "Pallina"]
SPAM = [
    "Casino online bonus gratis {}: clicca qui e vinci subito su vinci-sempre.top!!!",
    "Guadagna 500 euro al giorno da casa con il trading {}, scrivimi su WhatsApp",
    "Compra follower e like a poco prezzo {}, offerta limitata su fama-facile.xyz",
]


def news_comments(count: int) -> list[str]:
    texts = [t.format(topic) for t, topic in itertools.product(NEWS, TOPICS)]
    return list(itertools.islice(itertools.cycle(texts), count))


def fill(templates: list[str], names: list[str], count: int) -> list[str]:
    texts = [t.format(name) for t, name in itertools.product(templates, names)]
    return list(itertools.islice(itertools.cycle(texts), count))


def interleave(first: list[tuple[str, int]], second: list[tuple[str, int]]) -> list:
    return [item for pair in zip(first, second, strict=True) for item in pair]
