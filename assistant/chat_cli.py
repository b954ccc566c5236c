"""`planqa chat`: a conversation in the terminal. Each question is answered in the conversation so far
(OpenAI-style messages kept here, sent with every question), so follow-ups such as 那公租房呢？ work.

On a terminal, input has line editing and history (the `readline` module); piped input is read line by
line with no prompt. Answers go to stdout; the banner and command confirmations go to stderr, so that
`printf '/json\\n问题\\n' | planqa chat` prints JSON lines only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from index.errors import PlanqaError

if TYPE_CHECKING:
    from assistant.records import Answer
    from assistant.service import Assistant

PROMPT = "问> "
HISTORY_FILE = "chat_history"  # in the data folder: questions typed on a terminal, for the ↑ key
HISTORY_LENGTH = 1000
BANNER = "planqa 对话：输入问题并回车；追问（如“那公租房呢？”）会结合上文理解。/help 查看命令，Ctrl-D 退出。"
HELP = """命令：
  /reset  开始新的对话（清空上文）
  /json   切换输出：文字回答 ↔ `planqa ask --json` 的 JSON 对象
  /help   显示本说明
  /quit   退出（或 Ctrl-D）"""
SOURCES_HEAD = "来源："
UNDERSTOOD_LABEL = "理解为："
RESET_DONE = "已开始新的对话。"
JSON_ON = "输出 JSON。"
JSON_OFF = "输出文字回答。"
UNKNOWN_COMMAND = "未知命令 {command}；输入 /help 查看命令。"
INTERRUPTED = "（已中断）"


def answer_lines(answer: Answer) -> list[str]:
    """An answer as the chat prints it: notice, text, 理解为 line (for a resolved follow-up), sources."""
    lines = [answer.notice] if answer.notice and not answer.text.startswith(answer.notice) else []
    lines.append(answer.text)
    if answer.standalone:
        lines.append(f"{UNDERSTOOD_LABEL}{answer.standalone}")
    if answer.citations:
        lines.append(SOURCES_HEAD)
        lines.extend(f"[{i}] {c.doc} {c.path} {c.title}" for i, c in enumerate(answer.citations, 1))
    return lines


@dataclass
class ChatSession:
    """One terminal conversation: the messages so far and how answers are printed."""

    assistant: Assistant
    out: TextIO
    err: TextIO
    as_json: bool = False
    messages: list[dict[str, str]] = field(default_factory=list)

    def handle(self, line: str) -> bool:
        """Act on one input line (a question or a /command); False when the user asked to leave."""
        line = line.strip()
        if not line:
            return True
        if line.startswith("/"):
            return self._command(line)
        try:
            answer = self.assistant.ask(line, history=list(self.messages))
        except KeyboardInterrupt:
            self._say(INTERRUPTED)
            return True
        except PlanqaError as exc:
            self._say(f"planqa: {exc}")
            return True
        except Exception as exc:  # noqa: BLE001  one line, never a traceback; the conversation goes on
            self._say(f"planqa: error: {type(exc).__name__}: {exc}".splitlines()[0])
            return True
        shown = answer_lines(answer)
        if self.as_json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), file=self.out)
        else:
            print("\n".join(shown), end="\n\n", file=self.out)  # a blank line between answers
        self.out.flush()
        # The assistant's message is what a reader saw (text and sources): later turns resolve
        # 这一条 / 第二个 against the clauses it names, as they would from any chat client's history.
        self.messages += [{"role": "user", "content": line}, {"role": "assistant", "content": "\n".join(shown)}]
        return True

    def _command(self, line: str) -> bool:
        command = line.split()[0].lower()
        if command in ("/quit", "/exit", "/q"):
            return False
        if command == "/reset":
            self.messages = []
            self._say(RESET_DONE)
        elif command == "/json":
            self.as_json = not self.as_json
            self._say(JSON_ON if self.as_json else JSON_OFF)
        elif command in ("/help", "/?"):
            self._say(HELP)
        else:
            self._say(UNKNOWN_COMMAND.format(command=command))
        return True

    def _say(self, text: str) -> None:
        self.out.flush()
        print(text, file=self.err, flush=True)


def terminal_lines(history_file: Path | None) -> Iterator[str]:
    """Lines typed at the prompt, with readline's editing and history (kept in ``history_file``)."""
    import readline  # only on a terminal: importing it can write escape codes to a pipe

    if history_file is not None:
        try:
            readline.read_history_file(history_file)
        except OSError:  # none yet, or unreadable: start with an empty history
            pass
    readline.set_history_length(HISTORY_LENGTH)
    try:
        while True:
            try:
                yield input(PROMPT)
            except KeyboardInterrupt:  # Ctrl-C at the prompt drops the line, as in a shell
                print(file=sys.stderr)
    except EOFError:
        print(file=sys.stderr)
    finally:
        if history_file is not None:
            try:
                readline.write_history_file(history_file)
            except OSError:
                pass


def piped_lines(stream: TextIO) -> Iterator[str]:
    """Lines of piped input, no prompt."""
    yield from (line.rstrip("\n") for line in stream)


def run_chat(assistant: Assistant, lines: Iterator[str], out: TextIO, err: TextIO, as_json: bool = False) -> int:
    """Answer each line in one conversation until /quit or the end of input; the exit status."""
    session = ChatSession(assistant, out, err, as_json)
    try:
        for line in lines:
            if not session.handle(line):
                break
    finally:
        close = getattr(lines, "close", None)
        if close is not None:
            close()  # a terminal's history is saved when its generator closes
    return 0


def chat(open_assistant: Callable[[], Assistant], history_file: Path | None, as_json: bool = False) -> int:
    """The `planqa chat` command: open the assistant, then converse on stdin/stdout."""
    interactive = sys.stdin.isatty()
    if interactive:
        print("planqa: opening the index (building it first if there is none)…", file=sys.stderr, flush=True)
    try:
        assistant = open_assistant()
    except PlanqaError:
        raise  # the CLI prints it as one line
    except Exception as exc:  # noqa: BLE001  one line, never a traceback
        print(f"planqa: cannot open the index: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    if interactive:
        print(BANNER, file=sys.stderr, flush=True)
    lines = terminal_lines(history_file) if interactive else piped_lines(sys.stdin)
    return run_chat(assistant, lines, sys.stdout, sys.stderr, as_json)
