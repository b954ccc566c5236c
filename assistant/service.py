"""The assistant's front door: load (or build) the index once, answer questions, time them."""

from __future__ import annotations

import time
from collections.abc import Callable

from assistant.chain import build_chain
from assistant.knowledge import Knowledge
from assistant.records import Answer, Hit
from assistant.retrieve import search
from assistant.route import expand_query, normalise
from assistant.settings import Settings
from index.build import BuildReport, build_index, build_lock
from index.embed import make_embeddings
from index.errors import IndexMissingError
from index.store import make_client


def index_corpus(settings: Settings, progress: Callable[[int, int], None] | None = None, force: bool = False) -> BuildReport:
    """Build (or confirm unchanged) the index for the settings' corpus."""
    client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
    embeddings = make_embeddings(settings.embeddings, settings.vector_cache)
    with build_lock(settings.data_dir):
        return build_index(settings.corpus_dir, client, embeddings, settings.embeddings, progress, force)


class Assistant:
    """Answers questions about the indexed corpus. One per process; safe to share between threads."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.settings = knowledge.settings
        self.chain = build_chain(knowledge)
        normalise("預熱", 10)  # load the traditional→simplified tables now, not on the first question

    @classmethod
    def from_settings(cls, settings: Settings, build_if_missing: bool = False) -> Assistant:
        """Open the index; with build_if_missing, build it first when there is none."""
        try:
            return cls(Knowledge.load(settings))
        except IndexMissingError:
            if not build_if_missing:
                raise
        index_corpus(settings)
        return cls(Knowledge.load(settings))

    def ask(self, question: str, k: int | None = None) -> Answer:
        """Answer one question; latency covers the whole pipeline."""
        t0 = time.perf_counter()
        answer = self.chain.invoke({"question": question, "k": k})
        return Answer(
            answer.question,
            answer.text,
            answer.citations,
            answer.refused,
            answer.route,
            (time.perf_counter() - t0) * 1000,
            answer.mode,
            answer.notice,
            answer.hits,
        )

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """The retriever's own ranking of parts for a question (for evaluation)."""
        text, _ = normalise(question, self.settings.max_question_chars)
        return search(self.knowledge, expand_query(text), k or self.settings.top_k)
