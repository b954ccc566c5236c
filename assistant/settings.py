"""The one settings object, read from PLANQA_* environment variables (and CLI flags on top)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.embed import DEFAULT_EMBEDDINGS


class Settings(BaseSettings):
    """Every knob planqa has. Built once at the entry point and passed down."""

    model_config = SettingsConfigDict(env_prefix="PLANQA_", extra="ignore", frozen=True)

    corpus_dir: Path = Field(Path("corpus"), description="Folder with manifest.toml and the document files.")
    data_dir: Path = Field(Path(".planqa"), description="Index, vector cache and feedback (git-ignored).")
    embeddings: str = Field(
        DEFAULT_EMBEDDINGS, description="Embedding backend: e5-bundled (default), sentence-transformers:<model or path>, openai:<model>."
    )
    embeddings_base_url: str | None = Field(None, description="OpenAI-compatible embeddings endpoint for openai:<model> (TEI, Ollama…).")
    embeddings_api_key: SecretStr | None = Field(None, description="Key for the embeddings endpoint; never logged or shown.")
    chroma_host: str | None = Field(None, description="Chroma server host; unset means the embedded store in data_dir.")
    chroma_port: int = Field(8000, description="Chroma server port.")
    top_k: int = Field(5, ge=1, le=50, description="Clauses the retriever returns.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    candidates: int = Field(40, ge=5, description="Chunks each retriever ranks before fusion.")
    rerank_depth: int = Field(8, ge=0, description="Fused candidates re-ordered by their best sentence's evidence (0: off).")
    reranker: str | None = Field(None, description="sentence-transformers CrossEncoder (name or path) that reorders the fused candidates; off when unset.")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible chat endpoint (Ollama, vLLM…); unset means extractive answers only.")
    llm_model: str | None = Field(None, description="Chat model name at llm_base_url, e.g. qwen2.5:7b.")
    llm_api_key: SecretStr | None = Field(None, description="Key for the chat endpoint; never logged or shown.")
    llm_timeout: float = Field(20.0, gt=0, description="Seconds to wait for the chat endpoint before falling back to the extractive answer.")
    llm_plans: bool = Field(True, description="With llm_base_url set, the model proposes each question's query plan (checked, else the grammar's is used).")
    answer_cache: int = Field(4096, ge=0, description="Answers kept in memory per process (0: no cache).")
    max_question_chars: int = Field(500, ge=10, description="Longer questions are cut to this length.")
    history_turns: int = Field(6, ge=0, le=50, description="Earlier conversation turns read to resolve a follow-up (0: none).")
    history_chars: int = Field(4000, ge=0, description="At most this many characters of history are read (oldest turns dropped first).")
    ui_host: str = Field("127.0.0.1", description="Address the chat UI binds.")
    ui_port: int = Field(7860, description="Port the chat UI binds.")
    ui_auth: str | None = Field(None, description="user:password for basic auth on the UI.")

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def vector_cache(self) -> Path:
        return self.data_dir / "vectors.sqlite"


def secret(value: SecretStr | None) -> str | None:
    """The plain text of a key, for handing to a client; never for logs or messages."""
    return value.get_secret_value() if value is not None else None
