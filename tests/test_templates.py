"""The template share: ROUGE-L F of each text with its nearest neighbour, against a plain LCS."""

from __future__ import annotations

import numpy as np

from auditor.metrics.templates import frame_overlap, template_share


def lcs(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def test_frame_overlap_is_the_rouge_l_f_of_each_text_and_its_neighbour_by_dynamic_programming():
    rng = np.random.default_rng(0)
    words = ["the", "new", "lamp", "for", "you", "bright", "home", "light"]
    texts = [" ".join(rng.choice(words, size=rng.integers(1, 12))) for _ in range(30)]
    queries = np.arange(30)
    neighbours = rng.integers(0, 30, size=30)
    got = frame_overlap(texts, queries, neighbours)
    for q, n, g in zip(queries, neighbours, got):
        a, b = texts[q].split(), texts[n].split()
        assert g == 2 * lcs(a, b) / (len(a) + len(b))


def test_slot_filled_templates_count_and_paraphrases_with_few_shared_words_do_not():
    texts = ["Discover the sleek lamp that blends style and function for busy parents.",
             "Discover the rugged tent that blends style and function for weekend explorers.",
             "A quiet harbour at dawn, boats tied up and gulls asleep on the pier.",
             "At daybreak the port is still; moored boats, sleeping seagulls on the jetty."]
    share, hits, searched = template_share(frame_overlap(texts, np.arange(4), np.array([1, 0, 3, 2])))
    assert (share, hits, searched) == (0.5, 2, 4)
