"""Self-BLEU against NLTK's sentence_bleu, and the part-of-speech tagger and syntactic templates."""

from __future__ import annotations

import numpy as np
import pytest

from auditor.metrics.bleu import self_bleu_per_text
from auditor.metrics.lexical import rouge_tokens


def test_self_bleu_of_each_text_equals_nltk_sentence_bleu_against_all_the_others():
    bleu = pytest.importorskip("nltk.translate.bleu_score")
    rng = np.random.default_rng(0)
    words = "the a lamp bright warm light for home office desk new".split()
    texts = [" ".join(rng.choice(words, size=rng.integers(2, 14))) for _ in range(25)]
    texts.append(texts[3])  # an exact copy: BLEU 1 for both
    ours = self_bleu_per_text(texts)
    smooth = bleu.SmoothingFunction().method1
    for i, text in enumerate(texts):
        refs = [rouge_tokens(t) for j, t in enumerate(texts) if j != i]
        expected = bleu.sentence_bleu(refs, rouge_tokens(text), smoothing_function=smooth)
        assert ours[i] == pytest.approx(expected, abs=1e-12), i
    assert ours[3] == ours[-1] == pytest.approx(1.0)


def tagger():  # noqa: ANN201
    """The syntax module, or a skip when the tagger's weights are not installed."""
    syntax = pytest.importorskip("auditor.metrics.syntax")
    try:
        syntax.weights_path()
    except syntax.TaggerMissing:
        pytest.skip("textblob-aptagger not installed")
    return syntax


GOLD = [  # Penn Treebank tags, written by hand
    ("The new lamp is bright and warm .", "DT JJ NN VBZ JJ CC JJ ."),
    ("She bought two chairs for the office .", "PRP VBD CD NNS IN DT NN ."),
    ("We will ship your order tomorrow .", "PRP MD VB PRP$ NN NN ."),
    ("This jacket keeps you dry in heavy rain .", "DT NN VBZ PRP JJ IN JJ NN ."),
    ("Customers often ask how long the battery lasts .", "NNS RB VBP WRB JJ DT NN VBZ ."),
]


def test_the_tagger_reads_hand_tagged_sentences_with_high_accuracy():
    syntax = tagger()
    right = total = 0
    for sentence, gold in GOLD:
        tags = syntax.pos_tags(sentence.split())
        right += sum(a == b for a, b in zip(tags, gold.split()))
        total += len(tags)
    assert right / total >= 0.9, (right, total)


def _tags_word_by_word(syntax, words):
    """The perceptron's own greedy loop, one word at a time: the reference for the batched tagger."""
    rows, matrix, tagdict, tags = syntax._model()
    unseen = len(matrix) - 1
    context = ["-START-", "-START2-", *(syntax._normal(w) for w in words), "-END-", "-END2-"]
    prev, prev2 = "-START-", "-START2-"
    out = []
    for i, word in enumerate(words):
        tag = tagdict.get(word)
        if not tag:
            k = i + 2
            feats = ("bias", f"i suffix {word[-3:]}", f"i pref1 {word[0]}", f"i-1 tag {prev}",
                     f"i-2 tag {prev2}", f"i tag+i-2 tag {prev} {prev2}", f"i word {context[k]}",
                     f"i-1 tag+i word {prev} {context[k]}", f"i-1 word {context[k - 1]}",
                     f"i-1 suffix {context[k - 1][-3:]}", f"i-2 word {context[k - 2]}",
                     f"i+1 word {context[k + 1]}", f"i+1 suffix {context[k + 1][-3:]}",
                     f"i+2 word {context[k + 2]}")
            scores = matrix[[rows.get(f, unseen) for f in feats]].sum(axis=0)
            tag = tags[np.flatnonzero(scores == scores.max())[-1]]
        out.append(tag)
        prev2, prev = prev, tag
    return out


def test_batched_tagging_equals_tagging_word_by_word():
    syntax = tagger()
    from benchmarks._texts import benchmark_texts

    sentences = [s for text in benchmark_texts(300) for s in syntax.tokenize(text)]
    sentences += [s.split() for s, _ in GOLD] + [["Hi"], ["well-known", "2024", "3rd", "O'Neil", "!"]]
    batched = syntax.tag_sentences(sentences)
    assert [len(t) for t in batched] == [len(s) for s in sentences]
    assert batched == [_tags_word_by_word(syntax, s) for s in sentences]
    assert syntax.tag_sentences([]) == [] and syntax.tag_sentences([[]]) == [[]]


def test_the_weights_loader_refuses_anything_but_plain_data(tmp_path):
    import pickle

    from auditor.metrics.syntax import _PlainUnpickler

    class Evil:
        def __reduce__(self):
            return (print, ("ran",))

    bad = pickle.dumps(Evil())
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        _PlainUnpickler(__import__("io").BytesIO(bad)).load()


def test_slot_filled_sentences_share_their_syntactic_template_and_varied_ones_do_not():
    from auditor.metrics import syntax

    try:
        syntax.weights_path()
    except syntax.TaggerMissing:
        pytest.skip("textblob-aptagger not installed")
    templated = [f"This {a} {p} is perfect for your {r}." for a, p, r in
                 [("sleek", "lamp", "office"), ("warm", "scarf", "winter"), ("sturdy", "chair", "kitchen")]]
    patterns, has, per_token = syntax.syntactic_templates(templated, n=5, top=1)
    assert patterns == [("DT", "JJ", "NN", "VBZ", "JJ")] and has.all()


def test_without_the_tagger_package_the_syntactic_metrics_are_left_out_and_say_why(monkeypatch, hash_encoder):
    import auditor
    from auditor.metrics import syntax, wording_suite

    def missing():
        raise syntax.TaggerMissing('the part-of-speech tagger is not installed (pip install "auditor[syntax]")')

    monkeypatch.setattr(wording_suite, "weights_path", missing)
    texts = ["the lamp is bright", "the mug is warm", "a chair for the desk", "rain on the hill"]
    result = auditor.audit(texts, embedder=hash_encoder, clusterer=None, resamples=20)
    assert "syntactic_template_rate" not in result.data["metrics"] and "self_bleu" in result.data["metrics"]
    assert "auditor[syntax]" in result.data["metrics_unavailable"]["syntactic_template_rate"]
    from auditor.report.html import render_html

    assert "Not computed: syntactic template rate" in render_html(result.data)
