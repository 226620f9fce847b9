"""scikit-learn's own Parameters/Attributes/Returns docs for our drop-ins.

The drop-ins take exactly scikit-learn's arguments, so their reference is
scikit-learn's text, taken from the installed version with its
cross-reference roles (``:ref:``, ``:term:``, ...) reduced to plain text
(this site has no scikit-learn glossary to link to).
"""

import inspect
import re

_ROLE = re.compile(
    r":(?:ref|term|doc|class|func|meth|obj|attr|mod):`([^`<]*?)\s*(?:<[^>]*>)?`"
)
_HEADER = re.compile(r"^(\w[\w ]*)\n-{3,}\n", re.M)


def borrowed_sections(obj, names):
    """The sections ``names`` of ``obj``'s docstring, indented for a class or
    function docstring, roles turned into literals."""
    doc = inspect.cleandoc(obj.__doc__ or "")
    headers = list(_HEADER.finditer(doc))
    parts = []
    for header, following in zip(headers, headers[1:] + [None]):
        if header.group(1) in names:
            end = following.start() if following else len(doc)
            parts.append(doc[header.start() : end].rstrip())
    text = _ROLE.sub(lambda m: f"``{m.group(1).strip('~')}``", "\n\n".join(parts))
    return "\n".join("    " + line if line else "" for line in text.splitlines())


def drop_in_doc(summary, obj, names, examples):
    """A docstring: our ``summary``, scikit-learn's sections, our ``examples``."""
    return (
        f"{summary.rstrip()}\n\n{borrowed_sections(obj, names)}\n\n"
        f"    Examples\n    --------\n{examples.rstrip()}\n    "
    )
