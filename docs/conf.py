"""Sphinx configuration: the API reference from the numpydoc docstrings.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (``.ci/run`` does,
so any warning fails CI).
"""

import re

import sknumpynn

project = "sknumpynn"
author = "the sknumpynn developers"
copyright = "2026, the sknumpynn developers"  # noqa: A001
release = version = sknumpynn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
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
    content[0] = text


def setup(app):
    app.connect("include-read", _repository_links_to_pages)


html_theme = "alabaster"
html_title = f"sknumpynn {release}"
