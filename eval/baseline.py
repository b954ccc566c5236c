"""The plain LangChain RAG that planqa is measured against.

RecursiveCharacterTextSplitter with Chinese separators (chunk 250, overlap 50), the same bundled
embeddings, Chroma, top-3 chunks as the answer, never refusing. Citations are what a plain RAG can
give: the clause a chunk starts in, found by its offset in the same clean text.
"""

from __future__ import annotations

import bisect
import tempfile
import time
from typing import Any

from assistant.settings import Settings
from index.build import parse_corpus
from index.embed import make_embeddings
from index.records import ParsedDocument, Part

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""]


class BaselineRAG:
    """A tutorial-style RAG over the same documents."""

    def __init__(self, settings: Settings) -> None:
        from langchain_community.vectorstores import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        docs, _, _ = parse_corpus(settings.corpus_dir)
        splitter = RecursiveCharacterTextSplitter(chunk_size=250, chunk_overlap=50, separators=SEPARATORS, keep_separator="end", add_start_index=True)
        chunks: list[Document] = []
        self._starts: dict[str, tuple[list[int], list[Part]]] = {}
        for doc in docs:
            chunks.extend(splitter.create_documents([doc.text], metadatas=[{"doc": doc.meta.number}]))
            self._starts[doc.meta.number] = _offsets(doc)
        self._dir = tempfile.TemporaryDirectory(prefix="planqa-baseline-")
        embeddings = make_embeddings(settings.embeddings, settings.vector_cache)
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.PersistentClient(path=self._dir.name, settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma.from_documents(chunks, embeddings, client=client, collection_name="baseline", collection_metadata={"hnsw:space": "cosine"})
        self.retriever = self.store.as_retriever(search_kwargs={"k": 3})

    def part_at(self, doc: str, offset: int) -> Part | None:
        starts, parts = self._starts.get(doc, ([], []))
        i = bisect.bisect_right(starts, offset) - 1
        return parts[i] if i >= 0 else None

    def ask(self, question: str) -> dict[str, Any]:
        """The top-3 chunks joined as the answer; each chunk cites the clause it starts in."""
        t0 = time.perf_counter()
        found = self.retriever.invoke(question)
        citations = []
        for d in found:
            part = self.part_at(d.metadata["doc"], int(d.metadata.get("start_index", 0)))
            if part is not None:
                citations.append({"doc": part.doc, "clause": part.number, "path": part.path, "title": part.title})
        answer = "\n".join(d.page_content for d in found)
        return {"question": question, "answer": answer, "citations": citations, "refused": False, "latency_ms": (time.perf_counter() - t0) * 1000}

    def ranking(self, question: str, k: int) -> list[int | None]:
        found = self.store.similarity_search(question, k=k)
        out = []
        for d in found:
            part = self.part_at(d.metadata["doc"], int(d.metadata.get("start_index", 0)))
            out.append(part.number if part else None)
        return out


def _offsets(doc: ParsedDocument) -> tuple[list[int], list[Part]]:
    parts = sorted(doc.parts, key=lambda p: p.start)
    return [p.start for p in parts], parts

