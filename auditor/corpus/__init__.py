"""Loading and validating corpora."""

from auditor.corpus.corpus import Corpus, combine, from_frame, from_texts, load_corpus
from auditor.corpus.loaders import read_table

__all__ = ["Corpus", "combine", "from_frame", "from_texts", "load_corpus", "read_table"]
