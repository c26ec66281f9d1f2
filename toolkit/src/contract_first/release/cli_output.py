"""The official ``pact broker`` CLI's failure output, reduced to the problems it names.

The CLI marks each line with ``❌``, often says one error twice (inside ``failed validation -
[...]`` and again alone, or as ``❌ ❌ Environment staging does not exist``), repeats a refused
publication under ``Details:``, and ends webhook refusals with "See /doc/webhooks#whitelist",
a page the official broker serves and the local one does not. A verb shows each problem once,
without marks or that link, on one line.
"""

import json
import re

_MARKS = re.compile(r"^[\s\u274c\u2705\u26a0\u2139\ufe0f\U0001f4e8]+")
_VALIDATION = re.compile(r"failed validation - (\[.*\])\s*$")
_DOC_LINK = re.compile(r"\s*See /doc/\S+ for more information\.?")
_PROGRESS = ("Attempting to publish",)


def _validation_items(line: str) -> list[str] | None:
    match = _VALIDATION.search(line)
    if match is None:
        return None
    try:
        items = json.loads(match.group(1))
    except ValueError:
        return None
    return [str(item) for item in items] if isinstance(items, list) else None


def _add(found: list[str], problem: str) -> None:
    """Add unless said already; of two wordings where one holds the other, keep the shorter."""
    for index, said in enumerate(found):
        if problem in said:
            found[index] = problem
            return
        if said in problem:
            return
    found.append(problem)


def problems(output: str) -> list[str]:
    """Each distinct problem in the CLI's output, in order, without marks or dead links."""
    found: list[str] = []
    pending_header = ""
    for raw in output.splitlines():
        line = _MARKS.sub("", raw).strip()
        if not line or line.startswith(_PROGRESS):
            continue
        if line == "Details:":
            break  # a refused publication repeats the problem below this
        items = _validation_items(line) or [line]
        for item in items:
            text = _DOC_LINK.sub("", item).strip()
            if text.endswith(":"):  # "Pact publication failed:" introduces the next line
                pending_header = f"{pending_header}{text} "
                continue
            if text:
                _add(found, f"{pending_header}{text}")
                pending_header = ""
    if pending_header:
        _add(found, pending_header.strip().rstrip(":"))
    return found


def one_line(output: str) -> str:
    """The CLI's problems joined into one line (``no output`` when it said nothing)."""
    return "; ".join(problems(output)) or "no output"
