"""Learning: classifier versions, corpora, training, evaluation and thresholds."""
