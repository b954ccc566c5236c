"""assistant/chat_cli.py: `planqa chat` through piped stdin and through a pseudo-terminal (readline)."""

from __future__ import annotations

import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

START_TIMEOUT_S = 180
ANSWER_TIMEOUT_S = 60
UP_ARROW = "\x1b[A"
CTRL_A = "\x01"
CTRL_D = "\x04"


def chat_env(settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PLANQA_CORPUS_DIR": str(settings.corpus_dir),
        "PLANQA_DATA_DIR": str(settings.data_dir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        **extra,
    }


def run_piped(settings, text: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat"],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=chat_env(settings, **env),
        cwd=ROOT,
        timeout=START_TIMEOUT_S + 4 * ANSWER_TIMEOUT_S,
        check=False,
    )


def test_piped_conversation_resolves_the_follow_up_and_prints_sources(settings):
    result = run_piped(settings, "谁负责随迁子女教育？\n那公租房呢？\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    first, second = result.stdout.strip().split("\n\n")
    assert "市教育局" in first and "[1] 格政办发〔2025〕25号 三（七） 保障随迁子女在流入地受教育权利" in first
    assert "理解为：" not in first  # the first question stands alone
    assert "理解为：" in second and "公租房" in second.split("理解为：")[1]
    assert "[1] 格政办发〔2025〕25号 三（八） 完善农牧业转移人口多元化住房保障体系" in second


def test_json_toggle_prints_the_ask_json_object_and_reset_forgets_the_conversation(settings):
    result = run_piped(settings, "/json\n谁负责随迁子女教育？\n那公租房呢？\n/reset\n那公租房呢？\n/json\n/help\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    objects = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(objects) == 3 and all(line.startswith("{") for line in lines)  # stdout holds only the answers
    assert set(objects[0]) == {"question", "answer", "citations", "refused", "latency_ms", "mode", "lead", "understood"}
    assert "公租房" in objects[1]["standalone"]
    assert 8 in [c["clause"] for c in objects[1]["citations"]]
    assert "standalone" not in objects[2]  # after /reset there is nothing to follow up on
    assert "已开始新的对话" in result.stderr and "/reset" in result.stderr and "/quit" in result.stderr  # /help


def test_quit_leaves_before_the_next_line_with_status_0(settings):
    result = run_piped(settings, "/quit\n谁负责随迁子女教育？\n")
    assert (result.returncode, result.stdout) == (0, "")


def test_errors_are_one_line_never_a_traceback(settings):
    result = run_piped(settings, "谁负责随迁子女教育？\n", PLANQA_TOP_K="many")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == ["planqa: PLANQA_TOP_K: Input should be a valid integer, unable to parse string as an integer"]
    mismatch = run_piped(settings, "谁负责随迁子女教育？\n", PLANQA_EMBEDDINGS="openai:other-model")
    assert mismatch.returncode == 2 and "Traceback" not in mismatch.stderr
    assert len(mismatch.stderr.strip().splitlines()) == 1 and "planqa index" in mismatch.stderr


class Terminal:
    """`planqa chat` on the slave side of a pseudo-terminal; the test types on the master side."""

    def __init__(self, settings) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))  # rows, columns: no wrapping
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "chat"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=chat_env(settings, TERM="xterm"),
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.output = b""
        self.seen = 0  # expect() looks only at what came after the last match

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode("utf-8"))

    def expect(self, *texts: str, timeout: float = ANSWER_TIMEOUT_S) -> str:
        """Read until every text has appeared since the last expect(); returns that stretch of output."""
        deadline = time.monotonic() + timeout
        while True:
            window = self.output[self.seen :].decode("utf-8", errors="replace")
            if all(t in window for t in texts):
                self.seen = len(self.output)
                return window
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                pytest.fail(f"{texts} not seen; terminal output:\n{window[-3000:]}")

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], min(timeout, 1.0))
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the child closed the terminal
                return False
            self.output += chunk
            return bool(chunk)
        return self.process.poll() is None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=15)
        os.close(self.master)


def test_terminal_chat_has_line_editing_history_and_follow_ups(settings):
    history = Path(settings.data_dir) / "chat_history"
    history.unlink(missing_ok=True)
    terminal = Terminal(settings)
    try:
        terminal.expect("/help", "问> ", timeout=START_TIMEOUT_S)  # the banner, then the prompt
        terminal.type("负责随迁子女教育？" + CTRL_A + "谁\r")  # Ctrl-A: readline's start of line
        first = terminal.expect("三（七）", "问> ")
        assert "市教育局" in first and "Traceback" not in first
        terminal.type("那公租房呢？\r")
        second = terminal.expect("理解为：", "三（八）", "问> ")
        assert "完善农牧业转移人口多元化住房保障体系" in second
        terminal.type(UP_ARROW + UP_ARROW + "\r")  # recalls 谁负责随迁子女教育？ from this session's history
        assert "三（七）" in terminal.expect("市教育局", "问> ")
        terminal.type("/reset\r")
        terminal.expect("已开始新的对话", "问> ")
        terminal.type(CTRL_D)
        assert terminal.process.wait(timeout=30) == 0
    finally:
        terminal.close()
    assert "Traceback" not in terminal.output.decode("utf-8", errors="replace")
    saved = history.read_text("utf-8").splitlines()
    assert saved[-4:] == ["谁负责随迁子女教育？", "那公租房呢？", "谁负责随迁子女教育？", "/reset"]
