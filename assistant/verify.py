"""Citation checking: every quoted sentence must occur verbatim in the clause it cites."""

from __future__ import annotations

import dataclasses
import logging
import re

from assistant.records import Answer, Citation

log = logging.getLogger(__name__)
QUOTED = re.compile(r"「([^「」]+)」")


def unverified_quotes(answer: Answer) -> list[str]:
    """Quotes in the answer text that no citation's clause text contains."""
    return [q for q in QUOTED.findall(answer.text) if not any(q in c.text for c in answer.citations)]


def verify(answer: Answer) -> Answer:
    """Drop quotes that are not verbatim in a cited clause, and citations whose quotes are not.

    Extractive answers always pass; this guards every answer path (and the LLM mode) alike.
    """
    if answer.refused:
        return dataclasses.replace(answer, citations=())
    bad = unverified_quotes(answer)
    text = answer.text
    for q in bad:
        log.warning("dropped a quote not found in its cited clause: %s", q[:60])
        text = text.replace(f"「{q}」", "")
    unverified_lead = [s for s in answer.lead_spans if not any(s in c.text for c in answer.citations)]
    if unverified_lead:
        log.warning("dropped a lead not found in its cited clause: %s", unverified_lead[0][:60])
        text = text.replace(answer.lead + "\n", "", 1)
        answer = dataclasses.replace(answer, lead="", lead_spans=())
    citations: list[Citation] = []
    for c in answer.citations:
        good = tuple(q for q in c.quotes if q in c.text)
        citations.append(dataclasses.replace(c, quotes=good))
    return dataclasses.replace(answer, text=text, citations=tuple(citations))
