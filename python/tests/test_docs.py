"""The Python snippets of README.md and docs/python.md run as written."""

import re

import pytest

from conftest import ROOT

SNIPPETS = [
    (doc, i, code)
    for doc in ("README.md", "docs/python.md")
    for i, code in enumerate(re.findall(r"```python\n(.*?)```", (ROOT / doc).read_text(), re.S))
]


def test_there_are_snippets():
    assert {doc for doc, _, _ in SNIPPETS} == {"README.md", "docs/python.md"}


@pytest.mark.parametrize("doc,index,code", SNIPPETS, ids=[f"{d}#{i}" for d, i, _ in SNIPPETS])
def test_snippet_runs(doc, index, code, plugins_found, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(compile(code, f"{doc} snippet {index}", "exec"), {"__name__": "snippet"})
