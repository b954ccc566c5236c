"""Feedback on answers: 👍/👎 and an optional comment, appended to a JSONL file. Nothing about the user."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Rating = Literal["up", "down"]
FEEDBACK_FILE = "feedback.jsonl"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Feedback:
    """One feedback event on one answer. A comment sent later is a second event on the same answer."""

    question: str
    answer: str
    citations: tuple[dict[str, Any], ...]
    rating: Rating | None
    comment: str = ""
    timestamp: str = field(default_factory=_now)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["citations"] = list(self.citations)
        return data


def rating_of(liked: bool | str | None) -> Rating | None:
    """Gradio's like value (True/False, or the option's name) as 'up', 'down' or None (retracted)."""
    if liked is True or liked in ("Like", "like", "👍"):
        return "up"
    if liked is False or liked in ("Dislike", "dislike", "👎"):
        return "down"
    return None


class FeedbackLog:
    """Appends feedback to one JSONL file; safe to share between the server's worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, feedback: Feedback) -> None:
        """Add one line; the folder is created on first use."""
        line = json.dumps(feedback.to_json(), ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")

    def read(self) -> list[dict[str, Any]]:
        """Every feedback line so far (for tests and reports)."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text("utf-8").splitlines() if line.strip()]
