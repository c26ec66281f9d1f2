"""Read docs/adopting.md as the test runs it: steps, files, commands, outputs and excerpts.

The guide marks what the test does with it, invisibly to a reader:

- a fenced ``bash`` block is run, one command per line (a trailing ``\\`` continues a line);
  a command ending in ``# exits N`` (any words may follow) must exit N, every other one 0;
- a ``text`` block right after a ``bash`` block is output of that block's commands: each of
  its lines must appear in what they printed, ``...`` standing for any text;
- ``<!-- guide-step: NAME -->`` before a block makes the test do step NAME first: a
  developer's edit, a commit, or setting up where the next commands run;
- ``<!-- guide-file: PATH -->`` before a block makes the block that file of the project;
- any other ``python`` block is an excerpt: it must be found in the project's code as some
  step left it, so a snippet cannot drift from code that ran;
- ``yaml`` blocks are GitHub Actions workflows: not run here (they need GitHub), but
  validated against the workflow schema and every ``contract-first`` command in them checked.
"""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^```(?P<info>[\w-]*)\s*$")
_MARKER = re.compile(r"^<!--\s*guide-(?P<kind>step|file):\s*(?P<value>\S+)\s*-->\s*$")
_EXITS = re.compile(r"#\s*exits\s+(?P<code>\d+)\b")
_INLINE_CODE = re.compile(r"`(?P<code>contract-first [^`]+)`")
_ELLIPSIS = "..."


@dataclass(frozen=True)
class Command:
    """One line of a bash block: what to run, and the exit code the guide promises."""

    line: int
    text: str
    exit_code: int


@dataclass(frozen=True)
class Step:
    """``<!-- guide-step: NAME -->``: the test does step NAME before what follows."""

    name: str
    line: int


@dataclass(frozen=True)
class Block:
    """A fenced block: its language, where it starts, and the file it is, if marked so."""

    info: str
    line: int
    text: str
    file: str | None = None
    output: str | None = None  # the ``text`` block right after a bash block

    def commands(self) -> list[Command]:
        """The block's commands, continuation lines joined, with their expected exit codes."""
        commands: list[Command] = []
        pending: list[str] = []
        start = 0
        for offset, raw in enumerate(self.text.splitlines(), start=self.line + 1):
            stripped = raw.strip()
            if not pending and (not stripped or stripped.startswith("#")):
                continue
            if not pending:
                start = offset
            if stripped.endswith("\\"):
                pending.append(stripped[:-1].rstrip())
                continue
            pending.append(stripped)
            text = " ".join(pending)
            expected = _EXITS.search(text)
            commands.append(Command(start, text, int(expected["code"]) if expected else 0))
            pending = []
        return commands


def read_guide(path: Path) -> list[Step | Block]:
    """The guide's steps and fenced blocks, in order; file markers attached to their block."""
    items: list[Step | Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    file: str | None = None
    last_end = -1  # the closing fence of the last block
    index = 0
    while index < len(lines):
        line = lines[index]
        found = _MARKER.match(line)
        fence = _FENCE.match(line)
        if found and found["kind"] == "step":
            items.append(Step(found["value"], index + 1))
        elif found:
            file = found["value"]
        elif fence is None and line.strip():
            file = None  # a file marker belongs to the block right below it
        if fence is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"{path}:{index + 1}: a fence that is never closed")
        block = Block(fence["info"], index + 1, "\n".join(lines[index + 1 : end]) + "\n", file)
        previous = items[-1] if items else None
        if (
            block.info == "text"
            and isinstance(previous, Block)
            and previous.info == "bash"
            and _only_blank_between(lines, last_end, index)
        ):
            items[-1] = Block(previous.info, previous.line, previous.text, None, block.text)
        else:
            items.append(block)
        file = None
        last_end = end
        index = end + 1
    return items


def _only_blank_between(lines: list[str], after: int, before: int) -> bool:
    return all(not line.strip() for line in lines[after + 1 : before])


def missing_output(promised: str, output: str) -> list[str]:
    """The promised lines not found in ``output`` (``...`` matches any text)."""
    said = [" ".join(line.split()) for line in output.splitlines()]
    missing = []
    for line in promised.splitlines():
        wanted = " ".join(line.split())
        if not wanted or wanted == _ELLIPSIS:
            continue
        parts = [re.escape(part) for part in wanted.split(_ELLIPSIS)]
        pattern = re.compile(".*?".join(parts))
        if not any(pattern.search(candidate) for candidate in said):
            missing.append(line)
    return missing


def excerpt_found(excerpt: str, sources: set[str]) -> bool:
    """Whether the excerpt's lines, indentation aside, run on in one of ``sources``."""
    wanted = [line.strip() for line in excerpt.strip("\n").splitlines()]
    for source in sources:
        have = [line.strip() for line in source.splitlines()]
        for start in range(len(have) - len(wanted) + 1):
            if have[start : start + len(wanted)] == wanted:
                return True
    return False


def contract_first_commands(markdown: str) -> list[list[str]]:
    """Every ``contract-first ...`` the guide names in running text or workflow steps."""
    found = [match["code"] for match in _INLINE_CODE.finditer(markdown)]
    found += re.findall(r"run:\s*(?:[A-Z_]+=\S+\s+)*(contract-first [^\n#]+)", markdown)
    return [shlex.split(command) for command in found]
