"""Every object of the API reference is documented: Parameters, Returns, Examples.

The list is the one ``docs/api.rst`` renders. Classes and functions need an
Examples section (run by the doctests, ``pytest --doctest-modules``); every
documented callable needs Parameters when it takes any and Returns when it
returns something. The Sphinx build (``sphinx-build -W``, in CI) checks the
same Parameters/Returns rules with numpydoc's validation.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest

API_RST = Path(__file__).parents[1] / "docs" / "api.rst"


def api_objects():
    """``(module, name)`` for every entry of the autosummary lists."""
    text = API_RST.read_text()
    objects, module = [], None
    for line in text.splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = match.group(1)
        elif re.match(r"   [A-Za-z_]\w*$", line) and module:
            objects.append((module, line.strip()))
    return objects


def sections(doc):
    return set(re.findall(r"^(\w[\w ]*)\n-{3,}$", doc or "", re.M))


def own_methods(cls):
    for name, member in vars(cls).items():
        if name.startswith("_") or not callable(member):
            continue
        yield name, member


def takes_parameters(func):
    params = list(inspect.signature(func).parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    return bool(params)


def returns_something(func):
    source = inspect.getsource(func)
    return bool(re.search(r"^\s+(return|yield) \S", source, re.M))


def test_api_list_is_complete():
    names = {name for _, name in api_objects()}
    assert {"NumpyMLPClassifier", "EarlyStopping", "fetch_mnist", "Adam"} <= names
    assert len(names) >= 30


@pytest.mark.parametrize("module, name", api_objects())
def test_public_object_is_documented(module, name):
    obj = getattr(importlib.import_module(module), name)
    doc = inspect.getdoc(obj)
    found = sections(doc)
    assert "Examples" in found, f"{module}.{name}: no Examples"
    signature_owner = obj.__init__ if inspect.isclass(obj) else obj
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        signature_owner = None
    if signature_owner is not None and takes_parameters(signature_owner):
        if not (inspect.isclass(obj) and obj.__init__ is object.__init__):
            assert "Parameters" in found, f"{module}.{name}: no Parameters"
    if inspect.isfunction(obj) and returns_something(obj):
        assert "Returns" in found, f"{module}.{name}: no Returns"
    if inspect.isclass(obj):
        for method_name, method in own_methods(obj):
            if isinstance(method, (classmethod, staticmethod)):
                method = method.__func__
            if not inspect.isfunction(method):
                continue
            method_doc = inspect.getdoc(method)
            assert method_doc, f"{name}.{method_name}: no docstring"
            method_sections = sections(method_doc)
            if takes_parameters(method) and not method_name.startswith("on_"):
                assert "Parameters" in method_sections, f"{name}.{method_name}"
            if returns_something(method):
                assert "Returns" in method_sections, f"{name}.{method_name}"
