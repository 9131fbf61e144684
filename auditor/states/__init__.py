"""Mergeable partial states of an audit, for corpora split into shards (see :mod:`.state`)::

    from auditor.states import audit_state, merge_states, shard_state

    parts = [shard_state(path, group_col="brand") for path in shards]
    result = audit_state(merge_states(parts))
"""

from auditor.states.audit import audit_state, corpus_state, sample_corpus, shard_state
from auditor.states.feed_state import FeedState, audit_feed_state, feed_state, merge_feed_states
from auditor.states.io import SUFFIX, load_state, read_state, state_bytes, state_from_bytes, write_state
from auditor.states.state import (
    DEFAULT_SAMPLE_SIZE,
    MAX_GRAM_KEYS,
    STATE_VERSION,
    AuditState,
    StateMismatch,
    build_state,
    merge_states,
)

__all__ = [
    "AuditState", "DEFAULT_SAMPLE_SIZE", "FeedState", "audit_feed_state", "feed_state", "load_state",
    "merge_feed_states", "MAX_GRAM_KEYS", "STATE_VERSION", "SUFFIX", "StateMismatch",
    "audit_state", "build_state", "corpus_state", "merge_states", "read_state", "sample_corpus",
    "shard_state", "state_bytes", "state_from_bytes", "write_state",
]
