"""The assistant's front door: load (or build) the index once, answer questions, time them."""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from assistant.chain import Models, answer_question, build_chain
from assistant.conversation import History, resolve_followup
from assistant.knowledge import Knowledge
from assistant.records import Answer
from assistant.route import normalise
from assistant.settings import Settings, secret
from index.build import BuildReport, build_index, build_lock
from index.embed import make_embeddings
from index.errors import IndexMissingError
from index.store import make_client


def index_corpus(settings: Settings, progress: Callable[[int, int], None] | None = None, force: bool = False) -> BuildReport:
    """Build (or confirm unchanged) the index for the settings' corpus."""
    client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
    embeddings = make_embeddings(settings.embeddings, settings.vector_cache, settings.embeddings_base_url, secret(settings.embeddings_api_key))
    with build_lock(settings.data_dir):
        return build_index(settings.corpus_dir, client, embeddings, settings.embeddings, progress, force)


class Assistant:
    """Answers questions about the indexed corpus. One per process; safe to share between threads."""

    def __init__(self, knowledge: Knowledge, models: Models | None = None) -> None:
        self.knowledge = knowledge
        self.settings = knowledge.settings
        self.models = models if models is not None else load_models(knowledge.settings)
        self.chain = build_chain(knowledge, self.models)
        self._cache: OrderedDict[tuple[Any, ...], Answer] = OrderedDict()
        self._cache_lock = threading.Lock()
        normalise("預熱", 10)  # load the traditional→simplified tables now, not on the first question
        self.chain.invoke("市水立局负责什么？")  # and jieba, pinyin and the query path

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

    def ask(self, question: str, k: int | None = None, docs: tuple[str, ...] | None = None, history: History | None = None) -> Answer:
        """Answer one question (optionally only from ``docs``), in the conversation ``history`` (earlier
        user questions, or OpenAI-style messages); latency covers the whole pipeline.

        The index is fixed for the life of the process, so extractive answers (deterministic) are
        kept in a bounded cache: people ask the same questions and click the same examples.
        """
        t0 = time.perf_counter()
        query, standalone = resolve_followup(self.knowledge, question, history, docs, self.settings) if history else (None, "")
        key = (standalone or question, k, tuple(docs) if docs else None, query.within if query is not None else ())
        with self._cache_lock:
            answer = self._cache.get(key)
            if answer is not None:
                self._cache.move_to_end(key)
        if answer is None:
            answer = self.chain.invoke({"question": question, "k": k, "docs": docs, "query": query})
            if self.settings.answer_cache and answer.mode == "extractive" and not self.settings.llm_base_url:
                with self._cache_lock:
                    self._cache[key] = answer
                    while len(self._cache) > self.settings.answer_cache:
                        self._cache.popitem(last=False)
        if standalone:  # a follow-up: the answer record keeps what was typed; `standalone` says how it was read
            answer = dataclasses.replace(answer, question=normalise(question, self.settings.max_question_chars)[0])
        return dataclasses.replace(answer, latency_ms=(time.perf_counter() - t0) * 1000, standalone=standalone if standalone != question else "")

    def ask_stream(self, question: str, k: int | None = None, docs: tuple[str, ...] | None = None, history: History | None = None) -> Iterator[str | Answer]:
        """Partial answer texts as the LLM writes them (each already checked), ending with the final Answer.

        In extractive mode the whole text comes at once, then the Answer.
        """
        if not self.settings.llm_base_url:
            answer = self.ask(question, k, docs, history)
            yield answer.text
            yield answer
            return
        t0 = time.perf_counter()
        query, standalone = resolve_followup(self.knowledge, question, history, docs, self.settings) if history else (None, "")
        updates: queue.Queue[str | Answer | BaseException] = queue.Queue()

        def run() -> None:
            try:
                updates.put(answer_question(self.knowledge, question, k, docs, on_text=updates.put, models=self.models, query=query))
            except BaseException as exc:  # handed to the caller's thread
                updates.put(exc)

        threading.Thread(target=run, name="planqa-answer-stream", daemon=True).start()
        while True:
            item = updates.get()
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, Answer):
                yield dataclasses.replace(item, latency_ms=(time.perf_counter() - t0) * 1000, standalone=standalone if standalone != question else "")
                return
            yield item


def load_models(settings: Settings) -> Models:
    """The reranker and chat model the settings ask for, loaded once per process."""
    from assistant.llm import make_chat_model
    from assistant.rerank import load_reranker

    return Models(
        reranker=load_reranker(settings.reranker) if settings.reranker else None,
        chat=make_chat_model(settings) if settings.llm_base_url else None,
    )
