"""Sphinx configuration: user guide, example gallery, API reference, offline math.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (``.ci/run`` does,
so any warning, and any example that raises, fails CI). The build needs no
network: MathJax comes from the ``django-static-mathjax`` wheel (installed by
the ``docs`` extra) and is copied into ``_static/mathjax``; scikit-learn and
NumPy are linked with plain URLs, not intersphinx.
"""

import re
import shutil
import warnings
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import sknumpynn

# Several examples train to max_iter on purpose (to draw whole curves): the
# gallery would show scikit-learn's ConvergenceWarning, with a path, each time.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
# The examples' matrices are small: one BLAS thread per product is as fast on
# an idle machine and far faster on a busy one (OpenBLAS threads spin-wait for
# a core), so the gallery's run time does not depend on what else runs.
_blas_limit = threadpool_limits(1, user_api="blas")

project = "sknumpynn"
author = "the sknumpynn developers"
copyright = "2026, the sknumpynn developers"  # noqa: A001
release = version = sknumpynn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.extlinks",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = [
    "_build",
    "**/*.ipynb",
    "**/*.py",
    "**/*.zip",
    "**/sg_execution_times.rst",  # a stale one from an older build: never built
]
templates_path = ["_templates"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = True
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
# Every documented object must have these sections (numpydoc validation warns,
# and -W turns the warning into a failure). Methods inherited from
# scikit-learn are not ours to document and are not rendered.
numpydoc_validation_checks = {"PR01", "PR02", "RT01"}
numpydoc_validation_exclude = {
    r"\.__init__$",
    r"\.set_\w+_request$",
    r"\.__sklearn_tags__$",
}
# Parameter types: only these names become links (to the pages below).
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
# numpydoc's default aliases point into intersphinx inventories, which this
# build does not load: Python's builtins stay plain words, "array-like" links
# scikit-learn's glossary, NumPy names link NumPy's pages.
_PLAIN = "None True False list tuple str string dict float int callable iterable"
numpydoc_xref_aliases = {
    **{word: word for word in _PLAIN.split()},
    "bool": "bool",
    "boolean": "bool",
    "sequence": "sequence",
    "generator": "generator",
    "contextmanager": "contextmanager",
    "namedtuple": "namedtuple",
    "scalar": "scalar",
    "np.inf": "np.inf",
    "np.nan": "np.nan",
    "numpy": ":mod:`numpy`",
    "array-like": ":sklearn-glossary:`array-like`",
    "array_like": ":sklearn-glossary:`array-like`",
    "array": "numpy.ndarray",
    "np.ndarray": "numpy.ndarray",
    "ndarray": "numpy.ndarray",
    "dtype": "numpy.dtype",
    "RandomState": "numpy.random.RandomState",
    "Generator": "numpy.random.Generator",
    "Bunch": "sklearn.utils.Bunch",
    "Pipeline": "sklearn.pipeline.Pipeline",
    "Axes": "matplotlib.axes.Axes",
    "Figure": "matplotlib.figure.Figure",
}

# -- Links to scikit-learn's and NumPy's online docs, without intersphinx ----
SKLEARN = "https://scikit-learn.org/stable"
NUMPY = "https://numpy.org/doc/stable"
extlinks = {
    "sklearn": (f"{SKLEARN}/modules/generated/sklearn.%s.html", "sklearn.%s"),
    "sklearn-guide": (f"{SKLEARN}/modules/%s", "%s"),
    "sklearn-glossary": (f"{SKLEARN}/glossary.html#term-%s", "%s"),
    "numpy": (f"{NUMPY}/reference/generated/numpy.%s.html", "numpy.%s"),
}
# Where a Python cross-reference names another project's object (a docstring
# saying :class:`sklearn.pipeline.Pipeline`), link its online page.
EXTERNAL_PAGES = {
    "sklearn": f"{SKLEARN}/modules/generated/{{}}.html",
    "numpy": f"{NUMPY}/reference/generated/{{}}.html",
    "scipy": "https://docs.scipy.org/doc/scipy/reference/generated/{}.html",
    "matplotlib": "https://matplotlib.org/stable/api/_as_gen/{}.html",
}

# -- The example gallery -------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every plot_*.py is executed; helpers named _*.py are neither run nor shown.
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(__init__|/_[^/]*)\.py$",
    "subsection_order": [
        "../examples/datasets",
        "../examples/training",
        "../examples/scaling",
    ],
    "within_subsection_order": "FileNameSortKey",
    # A raising example fails the build (and so CI).
    "only_warn_on_example_error": False,
    "abort_on_example_error": False,
    "plot_gallery": "True",
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    # Its timing pages load jQuery and DataTables from CDNs: not written.
    "write_computation_times": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    # Our objects in the code blocks link to the API pages; the API pages list
    # the examples that use them (``minigallery`` in the class template).
    "doc_module": ("sknumpynn",),
    "backreferences_dir": "generated/backreferences",
    "matplotlib_animations": False,
    "image_srcset": [],
}

# -- HTML: the PyData theme, as scikit-learn, NumPy and SciPy use ------------
html_theme = "pydata_sphinx_theme"
html_title = f"sknumpynn {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "header_links_before_dropdown": 6,
    # Example pages drop the right-hand column: their code needs the width.
    # (Patterns must not overlap: every page but api.html and auto_examples/.)
    "secondary_sidebar_items": {
        "[!a]**": ["page-toc", "sourcelink"],
        "api": ["page-toc", "sourcelink"],
    },
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
# Pages without sub-pages get the whole width.
html_sidebars = {page: [] for page in ("index", "readme", "math", "benchmarks")}
html_show_sourcelink = False
html_copy_source = False

# -- Math: MathJax 3 (SVG output, no web fonts) served from _static ----------
mathjax_path = "mathjax/tex-svg.js"
mathjax3_config = {"svg": {"fontCache": "global"}}
# What tex-svg.js loads at run time: TeX extensions (autoload), the menu, and
# the accessibility components the menu can switch on.
MATHJAX_PARTS = ("tex-svg.js", "input", "output", "ui", "a11y", "sre")


def mathjax_source():
    """The MathJax ``es5`` folder shipped by the ``django-static-mathjax`` wheel."""
    import mathjax  # the wheel's import name

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
    shutil.copy2(source.parent / "LICENSE", target / "LICENSE")


def _external_reference(app, env, node, contnode):
    """Resolve ``sklearn.*``, ``numpy.*``... Python references to plain links."""
    from docutils import nodes

    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    root = target.split(".", 1)[0]
    if root not in EXTERNAL_PAGES or "." not in target:
        return None
    page = target
    if node.get("reftype") in ("meth", "attr") and target.count(".") >= 3:
        page = target.rsplit(".", 1)[0]
    url = EXTERNAL_PAGES[root].format(page)
    if page != target:
        url += f"#{target}"
    reference = nodes.reference("", "", internal=False, refuri=url)
    reference.append(contnode)
    return reference


# The site includes README.md, CONTRIBUTING.md and benchmarks/README.md, whose
# links are written for browsing the repository; point them at the pages.


def _repository_links_to_pages(app, relative_path, parent_docname, content):
    text = content[0]
    text = text.replace("](benchmarks/README.md", "](benchmarks.md")
    text = text.replace("](CONTRIBUTING.md", "](contributing.md")
    text = text.replace("](CHANGELOG.md", "](changelog.md")
    text = text.replace("](docs/", "](").replace("](../docs/", "](")
    # Result files next to benchmarks/README.md are not pages: name them.
    text = re.sub(r"\[([^\]]+)\]\((results_[^)]+)\)", r"`benchmarks/\2`", text)
    # Files of the repository that are not pages (examples/*.py, ...): name them.
    text = re.sub(r"\[([^\]]+)\]\(((?:examples|sknumpynn|tests)/[^)]+)\)", r"\1", text)
    content[0] = text


def setup(app):
    app.connect("include-read", _repository_links_to_pages)
    app.connect("missing-reference", _external_reference)
    app.connect("build-finished", _copy_mathjax)
