"""Fetch a document from a web address: a government portal's article page, or a PDF/DOCX it links to.

The download is kept as it came (HTML, PDF, DOCX, TXT) so that the corpus holds the original; the
main text of an HTML page is extracted when the file is read (index/load.py, trafilatura). Every way
a fetch fails — a timeout, too many redirects, an answer other than 200, a page that is not a
document, a download over the size limit — is a CorpusError naming the address.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from index.clean import HEADING, clean_lines
from index.errors import CorpusError
from index.load import read_document

if TYPE_CHECKING:
    import httpx

TIMEOUT_S = 20.0
MAX_BYTES = 50 * 1024 * 1024
MAX_REDIRECTS = 5
MIN_TEXT_CHARS = 200  # less main text than this is a list, navigation or error page, not a document
USER_AGENT = "planqa/0.1 (policy-document indexer)"
# Content types → the file ending the corpus keeps it under.
SUFFIXES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
}
# Servers often say application/octet-stream for a file download; the address's ending decides then.
BY_ENDING = {".pdf": ".pdf", ".docx": ".docx", ".html": ".html", ".htm": ".html", ".shtml": ".html", ".txt": ".txt"}


@dataclass(frozen=True)
class Fetched:
    """A downloaded document: where it is now, where it came from, and when."""

    path: Path
    url: str  # the address as given
    final_url: str  # after redirects
    content_type: str
    fetched: str  # YYYY-MM-DD


def fetch_document(url: str, folder: Path, timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> Fetched:
    """Download a document and check that a page holds one (not a list or navigation page)."""
    fetched = fetch(url, folder, timeout_s, max_bytes)
    if fetched.path.suffix in (".html", ".txt"):
        check_document_text(url, read_document(fetched.path))
    return fetched


def is_web_address(text: str) -> bool:
    """True for an http(s) address (what `planqa corpus add` and the 文件 tab accept besides a file)."""
    return bool(re.match(r"^https?://", text.strip(), re.IGNORECASE))


def fetch(url: str, folder: Path, timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BYTES, today: dt.date | None = None) -> Fetched:
    """Download ``url`` into ``folder``; a CorpusError with a reason a person can act on when it fails."""
    import httpx

    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CorpusError(f"{url}: not a web address (give one starting with http:// or https://)")
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document;q=0.9,*/*;q=0.5",
    }
    try:
        with httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout_s, headers=headers) as client:
            with client.stream("GET", url) as response:
                _check_status(url, response)
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                suffix = _suffix(url, str(response.url), content_type)
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise CorpusError(f"{url}: the file is {_size(declared)}, over the {_size(max_bytes)} limit")
                data = _read_limited(url, response, max_bytes)
                final_url = str(response.url)
    except httpx.TimeoutException as exc:
        raise CorpusError(f"{url}: no answer within {timeout_s:.0f} s ({type(exc).__name__}); try again later") from exc
    except httpx.TooManyRedirects as exc:
        raise CorpusError(f"{url}: more than {MAX_REDIRECTS} redirects; open the address in a browser and give the final one") from exc
    except httpx.HTTPError as exc:
        raise CorpusError(f"{url}: cannot be fetched ({type(exc).__name__}: {exc})") from exc
    if not data:
        raise CorpusError(f"{url}: the server sent an empty answer")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (_file_stem(final_url) + suffix)
    path.write_bytes(data)
    day = (today or dt.date.today()).isoformat()
    return Fetched(path, url, final_url, content_type, day)


def _check_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status != 200:
        reason = response.reason_phrase
        hint = {404: "the page does not exist (check the address)", 403: "the server refused access", 401: "the page needs a login"}.get(
            status, "the server did not send the page"
        )
        raise CorpusError(f"{url}: the server answered {status} {reason}: {hint}".replace("  ", " "))


def _suffix(url: str, final_url: str, content_type: str) -> str:
    if content_type in SUFFIXES:
        return SUFFIXES[content_type]
    ending = Path(urlsplit(final_url).path).suffix.lower() or Path(urlsplit(url).path).suffix.lower()
    if (
        content_type in ("", "application/octet-stream", "binary/octet-stream", "application/x-download", "application/force-download")
        and ending in BY_ENDING
    ):
        return BY_ENDING[ending]
    raise CorpusError(
        f"{url}: not a document but {content_type or 'an unnamed type'}; give the address of the article page or of its PDF/DOCX"
    )


def _read_limited(url: str, response: httpx.Response, max_bytes: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise CorpusError(f"{url}: the download passed the {_size(max_bytes)} limit and was stopped")
        chunks.append(chunk)
    return b"".join(chunks)


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def _file_stem(url: str) -> str:
    """A safe file name from the address's last part (content_7012345 for …/content_7012345.htm)."""
    name = Path(unquote(urlsplit(url).path)).stem
    return re.sub(r"[^\w\-]+", "_", name).strip("_")[:60] or "download"


def check_document_text(url: str, text: str) -> None:
    """Refuse a page whose main text is too short or has no structure: a list, search or error page."""
    lines = clean_lines(text)
    body = sum(len(line) for line in lines)
    if body < MIN_TEXT_CHARS or not any(HEADING.match(line) for line in lines):
        raise CorpusError(
            f"{url}: the page holds no document text ({body} characters of main text, no numbered headings); "
            "it may be a list or navigation page: give the address of the document itself"
        )
