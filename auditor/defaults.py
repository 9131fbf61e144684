"""The defaults that both the library and the command line state, once. Modules import them from
here; the CLI's options show them. Imports nothing, so that ``auditor --help`` stays fast."""

#: Seed of every random choice.
SEED = 0
#: Half-samples per confidence interval, and the intervals' level.
RESAMPLES = 200
CI_LEVEL = 0.95
#: Label permutations of the MMD, PERMANOVA and PERMDISP p-values.
PERMUTATIONS = 999
#: Rows a partial state (and the Ray engine) keeps for the sampled parts: map, clusters, phrases.
SAMPLE_SIZE = 5000
#: Embedding actors of the Ray engine.
RAY_WORKERS = 2
