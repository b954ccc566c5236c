"""The assistant's front door: load (or build) the index once, answer questions, time them."""

from __future__ import annotations

import dataclasses
import logging
import queue
import shutil
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
from index.build import KEPT, BuildReport, build_index, build_lock, storage_errors
from index.chunk import CHUNKING_VERSION
from index.embed import make_embeddings
from index.errors import IndexDamagedError, IndexMissingError, PlanqaError, StoreUnavailableError
from index.store import IndexInfo, active_info, forget_clients, make_client, read_published

log = logging.getLogger(__name__)
WATCH_INTERVAL_S = 2.0  # how often a server looks for a newly published index


def index_corpus(settings: Settings, progress: Callable[[int, int], None] | None = None, force: bool = False) -> BuildReport:
    """Build (or confirm unchanged) the index for the settings' corpus.

    With ``force``, an embedded index that cannot be read whole is moved aside (to chroma.damaged-…)
    and built afresh: `planqa index --force` is the way out of a damaged index.
    """
    with storage_errors(f"writing to {settings.data_dir}", KEPT):
        with build_lock(settings.data_dir):
            moved = _move_damaged_store(settings) if force and not settings.chroma_host else None
            client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
            embeddings = make_embeddings(settings.embeddings, settings.vector_cache, settings.embeddings_base_url, secret(settings.embeddings_api_key))
            report = build_index(settings.corpus_dir, client, embeddings, settings.embeddings, progress, force)
    if moved is not None:
        report = dataclasses.replace(report, warnings=(*report.warnings, f"the damaged index was moved to {moved} (delete it when no longer needed)"))
    return report


def _move_damaged_store(settings: Settings) -> str | None:
    """Move an embedded index that cannot be read whole out of the way; returns where it went, or None."""
    path = settings.chroma_path
    if not path.exists():
        return None
    try:
        read_published(make_client(path), settings.embeddings, CHUNKING_VERSION)
        return None
    except IndexDamagedError:
        pass
    except PlanqaError:  # missing, or built with other settings: a normal rebuild handles it
        return None
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.move(str(path), str(target))
    forget_clients()  # Chroma would hand back its client of the moved folder
    return str(target)


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


class LiveAssistant:
    """The Assistant a long-running server answers with, replaced whole when a new index is published.

    Readers call ``current()`` once per request and use what it returns for the whole request, so a
    request is answered from one index, the old or the new, never a mix. ``reload()`` builds a new
    Assistant from the published index and only then swaps one reference; requests in flight keep the
    object they hold. ``watch()`` reloads by itself when `planqa index` or `planqa corpus add` publishes,
    and keeps trying while a Chroma server is away. Safe to share between threads.
    """

    def __init__(self, settings: Settings, assistant: Assistant | None = None, load: Callable[[Settings], Assistant] | None = None) -> None:
        self.settings = settings
        self._assistant = assistant
        self._load = load or (lambda s: Assistant(Knowledge.load(s)))
        self._reload_lock = threading.Lock()  # one build-and-swap at a time
        self._problem: PlanqaError | None = None  # why the index could not be (re)loaded, last time it was tried
        self._client: Any = None
        self._folder = self._store_folder()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.reloads = 0

    @classmethod
    def of(cls, assistant: Assistant) -> LiveAssistant:
        """A holder of one loaded assistant (tests, scripts); reload() reads the same settings' index."""
        return cls(assistant.settings, assistant)

    @classmethod
    def open(cls, settings: Settings, build_if_missing: bool = False) -> LiveAssistant:
        """Open (or build) the index now; a damaged index, a mismatched one or a Chroma server that
        does not answer raises, with a message that says what to do."""
        return cls(settings, Assistant.from_settings(settings, build_if_missing))

    def current(self) -> Assistant:
        """The assistant to answer this request with; StoreUnavailableError while none could be loaded."""
        assistant = self._assistant
        if assistant is None:
            raise StoreUnavailableError(f"the index is not loaded: {self._problem or 'still opening'}")
        return assistant

    @property
    def problem(self) -> PlanqaError | None:
        """Why the last attempt to read the published index failed, or None when it succeeded."""
        return self._problem

    def published(self) -> IndexInfo | None:
        """What the pointer names now (StoreUnavailableError when the Chroma server is away)."""
        folder = self._store_folder()
        if folder != self._folder:  # `planqa index --force` moved a damaged store aside: open the new one
            forget_clients()
            self._client, self._folder = None, folder
        if self._client is None:
            self._client = make_client(self.settings.chroma_path, self.settings.chroma_host, self.settings.chroma_port)
        try:
            return active_info(self._client)
        except StoreUnavailableError:
            self._client = None  # connect afresh next time
            raise

    def _store_folder(self) -> int | None:
        """The embedded store's folder identity (its inode); None for a Chroma server or no folder."""
        if self.settings is None or self.settings.chroma_host:
            return None
        try:
            return self.settings.chroma_path.stat().st_ino
        except OSError:
            return None

    def reload(self, force: bool = False) -> bool:
        """Build a new Assistant from the published index, then swap it in; True when it was swapped.

        Nothing happens when the published index is the one loaded (unless ``force``). A failure raises
        and leaves the current assistant serving. Use it after publishing an index from this process
        (e.g. a document uploaded in the UI); a server's watch() calls it when another process publishes.
        """
        with self._reload_lock:
            try:
                loaded = self._assistant
                if loaded is not None and not force:
                    info = self.published()
                    if info is None or info.collection == loaded.knowledge.info.collection:
                        self._problem = None
                        return False
                fresh = self._load(self.settings)
            except PlanqaError as exc:
                self._problem = exc
                raise
            self._assistant = fresh  # one reference: a request holds the old object or the new one
            self._problem = None
            self.reloads += 1
            log.info("now answering from index %s", fresh.knowledge.info.collection)
            return True

    def watch(self, interval_s: float = WATCH_INTERVAL_S) -> None:
        """Look for a newly published index every ``interval_s`` seconds in a background thread."""
        if self._watcher is not None:
            return
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, args=(interval_s,), name="planqa-index-watch", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        """Stop watching (a reload in progress finishes)."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=30)
            self._watcher = None

    def _watch(self, interval_s: float) -> None:
        reported = ""
        while not self._stop.wait(interval_s):
            try:
                self.reload()
                reported = ""
            except PlanqaError as exc:
                if str(exc) != reported:  # once per distinct problem, not every few seconds
                    log.warning("keeping the loaded index: %s", exc)
                    reported = str(exc)
            except Exception:
                log.exception("reading the published index failed; keeping the loaded one")
