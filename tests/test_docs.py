"""Every object of the API reference is documented: Parameters, Returns, Examples.

The list is the one ``docs/api.rst`` renders. Classes and functions need an
Examples section (run by the doctests, ``pytest --doctest-modules``); every
documented callable needs Parameters when it takes any and Returns when it
returns something. The Sphinx build (``sphinx-build -W``, in CI) checks the
same Parameters/Returns rules with numpydoc's validation.
"""

import importlib
import inspect
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
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


# -- The built site (docs/_build/html): offline math, no third-party hosts ----

SITE = Path(__file__).parents[1] / "docs" / "_build" / "html"
EXAMPLES = Path(__file__).parents[1] / "examples"
# Which attribute of which tag makes the browser fetch something.
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
NAVIGATION_LINKS = {"canonical", "alternate", "next", "prev", "search", "index"}


def built_site():
    """The built HTML site; skipped, or failed when the build is required."""
    if not (SITE / "index.html").is_file():
        reason = f"the docs are not built ({SITE} has no index.html)"
        if os.environ.get("SKNUMPYNN_REQUIRE_DOCS"):
            pytest.fail(reason + " but SKNUMPYNN_REQUIRE_DOCS is set")
        pytest.skip(reason + ": run sphinx-build -b html docs docs/_build/html")
    return SITE


class ResourceCollector(HTMLParser):
    """Every URL an HTML page makes the browser load (not the links it shows)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and set((attrs.get("rel") or "").split()) <= NAVIGATION_LINKS:
            return
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            for value in (attrs.get(name) or "").split(","):
                if value.strip():
                    self.urls.append(value.strip().split()[0])


def loaded_urls(page):
    collector = ResourceCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    return collector.urls


def is_remote(url):
    return bool(
        re.match(r"^([a-z][a-z0-9+.-]*:)?//", url, re.I)
    ) and not url.startswith("file:")


def test_math_page_loads_mathjax_from_the_site():
    site = built_site()
    page = site / "math.html"
    urls = loaded_urls(page)
    mathjax = [url for url in urls if "mathjax" in url.lower()]
    assert mathjax, f"math.html loads no MathJax: {urls}"
    remote = [url for url in urls if is_remote(url)]
    assert not remote, f"math.html loads from other hosts: {remote}"
    for url in urls:
        local = (page.parent / url.split("?")[0].split("#")[0]).resolve()
        assert local.is_file(), f"math.html loads {url}, which is not in the site"
    engine = (page.parent / mathjax[0].split("?")[0]).resolve()
    assert engine.stat().st_size > 500_000, "MathJax is a stub, not the library"
    # What tex-svg.js fetches at run time: TeX extensions, the menu.
    folder = engine.parent
    assert (folder / "input" / "tex" / "extensions" / "ams.js").is_file()
    assert (folder / "ui" / "menu.js").is_file()
    # And the page has TeX for it to typeset.
    text = page.read_text(encoding="utf-8")
    assert text.count('class="math') > 20


def find_browser():
    """A headless Chromium, or None."""
    names = ("chromium", "chromium-browser", "google-chrome")
    return next((path for path in map(shutil.which, names) if path), None)


def test_math_renders_offline_in_a_browser(tmp_path):
    """Chromium, with every network fetch sent to a dead proxy, typesets the
    math page: each TeX span becomes a MathJax SVG."""
    site = built_site()
    browser = find_browser()
    if browser is None:
        reason = "no Chromium to render the page (apt-get install chromium)"
        if os.environ.get("SKNUMPYNN_REQUIRE_DOCS"):
            pytest.fail(reason + " but SKNUMPYNN_REQUIRE_DOCS is set")
        pytest.skip(reason)
    page = site / "math.html"
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--proxy-server=127.0.0.1:9",  # nothing listens: no network at all
        f"--user-data-dir={tmp_path}",
        "--virtual-time-budget=30000",
        "--dump-dom",
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    dom = result.stdout
    assert "<body" in dom, result.stderr[-2000:]
    tex_spans = page.read_text(encoding="utf-8").count('class="math')
    rendered = dom.count("<mjx-container")
    assert rendered >= tex_spans > 20, (rendered, tex_spans)
    assert "<svg" in dom


def test_no_page_loads_from_another_host():
    site = built_site()
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30
    remote = {
        str(page.relative_to(site)): [
            url for url in loaded_urls(page) if is_remote(url)
        ]
        for page in pages
    }
    remote = {page: urls for page, urls in remote.items() if urls}
    assert not remote, f"pages loading from other hosts: {remote}"
    for sheet in site.rglob("*.css"):
        imports = re.findall(
            r"(?:@import|url\()\s*['\"]?(?:https?:)?//", sheet.read_text()
        )
        assert not imports, f"{sheet.relative_to(site)} loads from another host"


def gallery_scripts():
    return sorted(p for p in EXAMPLES.rglob("plot_*.py"))


def test_gallery_pages_show_output_and_figures():
    site = built_site()
    for script in gallery_scripts():
        relative = script.relative_to(EXAMPLES).with_suffix(".html")
        page = site / "auto_examples" / relative
        assert page.is_file(), f"{script.name} has no gallery page"
        html = page.read_text(encoding="utf-8")
        shown = "sphx-glr-script-out" in html or "rendered_html" in html
        assert shown, f"{page.name} shows no printed output"
        if "plt.show()" in script.read_text():
            assert "sphx-glr-single-img" in html or "sphx-glr-multi-img" in html, (
                f"{page.name} shows no figure"
            )


def test_api_pages_link_scikit_learn_and_numpy():
    site = built_site()
    api = (site / "api.html").read_text(encoding="utf-8")
    assert "https://scikit-learn.org/stable/modules/generated/" in api
    classifier = (site / "generated" / "sknumpynn.NumpyMLPClassifier.html").read_text(
        encoding="utf-8"
    )
    assert (
        "https://numpy.org/doc/stable/reference/generated/numpy.ndarray" in classifier
    )


def run_quick(script, cwd):
    """Run an example with ``--quick`` (no display); it must exit with 0."""
    result = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, result.stderr
    return result


HAS_MNIST = (
    bool(os.environ.get("SKNUMPYNN_DATA"))
    and (Path(os.environ.get("SKNUMPYNN_DATA", "")) / "mnist").is_dir()
)


@pytest.mark.parametrize("script", ["heart", "boston", "diamonds", "mnist"])
def test_dataset_example_runs_quick(script, tmp_path):
    if script == "mnist" and not HAS_MNIST:
        if os.environ.get("CI"):
            pytest.fail("CI must set SKNUMPYNN_DATA")
        pytest.skip("MNIST not available (SKNUMPYNN_DATA/mnist)")
    result = run_quick(EXAMPLES / "datasets" / f"plot_{script}.py", tmp_path)
    assert "best parameters" in result.stdout


def test_training_features_example_runs_quick(tmp_path):
    result = run_quick(EXAMPLES / "training" / "plot_training_features.py", tmp_path)
    assert "dropout=0.3: training loss" in result.stdout
    assert "class_weight=balanced" in result.stdout
