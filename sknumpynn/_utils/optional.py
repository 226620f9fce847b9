"""Optional dependencies, imported only by the function that needs them."""

import importlib


def import_optional(module, extra, feature):
    """Import ``module`` or fail with an error naming the extra to install.

    Parameters
    ----------
    module : str
        Module to import, e.g. ``"matplotlib.pyplot"``.
    extra : str
        The sknumpynn extra that provides it, e.g. ``"plot"``.
    feature : str
        What needs it, for the message.

    Returns
    -------
    module
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = module.split(".")[0]
        raise ImportError(
            f"{feature} needs {package}: pip install 'sknumpynn[{extra}]' "
            f"(or {package})."
        ) from exc
