"""Words too common to explain anything: never listed as evidence, though the classifier
still counts them ("di" or "the" tell nothing a moderator could act on).

English comes from scikit-learn's maintained list. No maintained Italian list is installed
(NLTK, spaCy and the `stop-words` package are not dependencies), and adding a runtime
dependency for a hundred words is not worth it, so the Italian words below are written by
hand: articles, prepositions with their articulated forms, pronouns, conjunctions and the
forms of "essere" and "avere", the closed classes every Italian stop-word list agrees on.
"""

import logging

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

logger = logging.getLogger(__name__)

_ITALIAN = """
    a ad al allo alla ai agli alle all anche avere ha hai hanno ho abbiamo avete aveva avevo
    c che chi ci come con col coi contro cui d da dal dallo dalla dai dagli dalle dall de dei
    degli del dell della delle dello di dove e ed è era ero erano essere fa fra gli i il in io
    l la le lei li lo loro lui ma me mi mia mie miei mio ne negli nei nel nell nella nelle
    nello noi non nostra nostre nostri nostro o per perché però più poi quale quali quando
    quella quelle quelli quello questa queste questi questo se sei si sia siamo siete sono
    su sua sue sugli sui sul sull sulla sulle sullo suo suoi ti tra tu tua tue tuo tuoi tutti
    tutto un una uno vi voi vostra vostre vostri vostro
"""
ITALIAN_STOP_WORDS = frozenset(_ITALIAN.split())

STOP_WORDS = ITALIAN_STOP_WORDS | ENGLISH_STOP_WORDS
