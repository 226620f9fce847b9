"""HalvingGridSearchCV and HalvingRandomSearchCV, each iteration trained together.

scikit-learn's successive-halving searches are experimental: they exist only
once ``sklearn.experimental.enable_halving_search_cv`` has been imported.
Ours subclass them, so this module imports it (which also makes scikit-learn's
own ``sklearn.model_selection.HalvingGridSearchCV`` importable). It is loaded
only when one of the two names is first asked of
:mod:`sknumpynn.model_selection` (a module ``__getattr__``): importing
sknumpynn alone enables nothing. A user's own
``from sklearn.experimental import enable_halving_search_cv`` line stays
harmless, so the drop-in is still "change the import, nothing else".

Each halving iteration is one ``evaluate_candidates`` call of scikit-learn's
``_run_search``, with that iteration's cv (subsampled rows for
``resource='n_samples'``) or candidates (the resource set as a parameter):
:class:`~._search._StackedSearchMixin` splits that cv once, trains all the
iteration's candidate x split fits in one ``fit_together`` call and lets
scikit-learn's loop take them, exactly as for a grid search.
"""

from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import _search_successive_halving as _sk

from sknumpynn.model_selection._docs import drop_in_doc
from sknumpynn.model_selection._search import _StackedSearchMixin

_SECTIONS = {"Parameters"}

_HOW = """
    Each iteration's candidate x split fits (on that iteration's resources)
    are trained ahead in one ``fit_together`` call, as
    :class:`GridSearchCV` trains its grid; scikit-learn's own halving loop
    then runs and picks the survivors. The parameters (below, scikit-learn's
    text) and the fitted attributes (``cv_results_``, ``n_resources_``,
    ``n_candidates_``, ``best_params_``, ...) are scikit-learn's. Using this
    class enables scikit-learn's experimental halving searches (see
    :mod:`sknumpynn.model_selection`).
"""


class HalvingGridSearchCV(_StackedSearchMixin, _sk.HalvingGridSearchCV):
    __doc__ = drop_in_doc(
        """Successive halving over a grid, each iteration's fits trained together.

    A drop-in for scikit-learn's experimental
    :class:`sklearn.model_selection.HalvingGridSearchCV`: the same
    parameters, defaults, iterations and results.
    """
        + _HOW,
        _sk.HalvingGridSearchCV,
        _SECTIONS,
        """    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.model_selection import HalvingGridSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(),
    ...                      NumpyMLPClassifier(max_iter=30, random_state=0))
    >>> grid = {"numpymlpclassifier__alpha": [1e-4, 1e-2, 1e-1, 1.0]}
    >>> search = HalvingGridSearchCV(pipe, grid, cv=3, factor=2,
    ...                              random_state=0).fit(X, y)
    >>> search.n_candidates_
    [4, 2, 1]
    >>> search.n_resources_
    [37, 74, 148]
""",
    )


class HalvingRandomSearchCV(_StackedSearchMixin, _sk.HalvingRandomSearchCV):
    __doc__ = drop_in_doc(
        """Successive halving over sampled candidates, each iteration trained together.

    A drop-in for scikit-learn's experimental
    :class:`sklearn.model_selection.HalvingRandomSearchCV`: the candidates
    are sampled once, exactly as scikit-learn samples them.
    """
        + _HOW,
        _sk.HalvingRandomSearchCV,
        _SECTIONS,
        """    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.model_selection import HalvingRandomSearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HalvingRandomSearchCV(
    ...     NumpyMLPClassifier(random_state=0), {"alpha": loguniform(1e-5, 1e-1)},
    ...     n_candidates=4, resource="max_iter", min_resources=10,
    ...     max_resources=40, factor=2, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> search.n_resources_
    [10, 20, 40]
""",
    )
