"""Optimizer steps and schedules against hand-written update formulas."""

import numpy as np
import pytest

from sknumpynn.nn import SGD, Adam
from sknumpynn.nn.optimizers import Adagrad, AdamW, RMSprop
from sknumpynn.nn.schedules import CosineAnnealing, StepDecay, get_schedule


def grads(rng, n_steps, size):
    return [rng.normal(size=size) for _ in range(n_steps)]


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_matches_formula(nesterov, momentum):
    rng = np.random.RandomState(0)
    params = rng.normal(size=10)
    expected, v = params.copy(), np.zeros(10)
    opt = SGD(10, np.float64, 0.05, momentum=momentum, nesterov=nesterov)
    for g in grads(rng, 5, 10):
        v = momentum * v - 0.05 * g
        expected += (momentum * v - 0.05 * g) if nesterov else v
        opt.step(params, g)
    np.testing.assert_allclose(params, expected, rtol=1e-12)


def test_adam_matches_formula():
    rng = np.random.RandomState(1)
    params = rng.normal(size=8)
    expected, m, v = params.copy(), np.zeros(8), np.zeros(8)
    lr, b1, b2, eps = 0.01, 0.8, 0.99, 1e-7
    opt = Adam(8, np.float64, lr, b1, b2, eps)
    for t, g in enumerate(grads(rng, 6, 8), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        # Kingma & Ba's "efficient" form: epsilon is added to sqrt(v), not sqrt(v_hat)
        lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        expected -= lr_t * m / (np.sqrt(v) + eps)
        opt.step(params, g)
        assert opt.t == t
    np.testing.assert_allclose(params, expected, rtol=1e-12)


def test_adam_without_epsilon_takes_the_textbook_bias_corrected_step():
    """With a negligible epsilon, each step is lr * m_hat / sqrt(v_hat)."""
    rng = np.random.RandomState(2)
    params = rng.normal(size=8)
    expected, m, v = params.copy(), np.zeros(8), np.zeros(8)
    lr, b1, b2 = 0.01, 0.8, 0.99
    opt = Adam(8, np.float64, lr, b1, b2, epsilon=1e-300)
    for t, g in enumerate(grads(rng, 6, 8), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        expected -= lr * (m / (1 - b1**t)) / np.sqrt(v / (1 - b2**t))
        opt.step(params, g)
    np.testing.assert_allclose(params, expected, rtol=1e-12)


def test_sgd_step_works_in_float32_without_upcasting():
    params = np.ones(4, dtype=np.float32)
    opt = SGD(4, np.float32, 0.1)
    opt.step(params, np.ones(4, dtype=np.float32))
    assert params.dtype == np.float32 and opt.velocity.dtype == np.float32
    np.testing.assert_allclose(params, 1 - 0.1 - 0.9 * 0.1, rtol=1e-6)


def test_invscaling_schedule():
    opt = SGD(1, np.float64, 0.5, lr_schedule="invscaling", power_t=0.25)
    opt.iteration_ends(99)
    assert opt.learning_rate == pytest.approx(0.5 / 100**0.25)


def test_adaptive_schedule_divides_by_five_then_stops():
    opt = SGD(1, np.float64, 1e-5, lr_schedule="adaptive")
    assert opt.trigger_stopping("stalled", verbose=False) is False
    assert opt.learning_rate == pytest.approx(2e-6)
    assert opt.trigger_stopping("stalled", verbose=False) is False
    assert opt.trigger_stopping("stalled", verbose=False) is True


@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_non_adaptive_sgd_and_adam_stop_when_stalled(schedule, capsys):
    assert SGD(1, np.float64, lr_schedule=schedule).trigger_stopping("m.", True)
    assert capsys.readouterr().out == "m. Stopping.\n"
    assert Adam(1, np.float64).trigger_stopping("m.", True)
    assert capsys.readouterr().out == "m. Stopping.\n"


def test_steps_do_not_allocate_parameter_sized_arrays():
    import tracemalloc

    n = 1_000_000
    params, g = np.zeros(n), np.ones(n)
    for opt in (
        SGD(n, np.float64),
        Adam(n, np.float64),
        AdamW(n, np.float64, n_decayed=n // 2),
        RMSprop(n, np.float64),
        Adagrad(n, np.float64),
    ):
        opt.step(params, g)
        tracemalloc.start()
        opt.step(params, g)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < n * 8 / 10, (opt, peak)


def test_rmsprop_matches_formula():
    rng = np.random.RandomState(2)
    params = rng.normal(size=7)
    expected, v = params.copy(), np.zeros(7)
    lr, rho, eps = 0.01, 0.8, 1e-6
    opt = RMSprop(7, np.float64, lr, rho, eps)
    for g in grads(rng, 6, 7):
        v = rho * v + (1 - rho) * g**2
        expected -= lr * g / (np.sqrt(v) + eps)
        opt.step(params, g)
    np.testing.assert_allclose(params, expected, rtol=1e-12)


def test_adagrad_matches_formula():
    rng = np.random.RandomState(3)
    params = rng.normal(size=7)
    expected, G = params.copy(), np.zeros(7)
    lr, eps = 0.1, 1e-6
    opt = Adagrad(7, np.float64, lr, eps)
    for g in grads(rng, 6, 7):
        G += g**2
        expected -= lr * g / (np.sqrt(G) + eps)
        opt.step(params, g)
    np.testing.assert_allclose(params, expected, rtol=1e-12)


def test_adamw_decays_weights_not_biases_then_steps_like_adam():
    """Loshchilov & Hutter: theta <- theta - lr * wd * theta, then Adam's step."""
    rng = np.random.RandomState(4)
    params = rng.normal(size=9)
    n_weights, lr, wd = 6, 0.01, 0.1
    adamw = AdamW(9, np.float64, lr, weight_decay=wd, n_decayed=n_weights)
    adam, expected = Adam(9, np.float64, lr), params.copy()
    for g in grads(rng, 5, 9):
        expected[:n_weights] *= 1 - lr * wd
        adam.step(expected, g)
        adamw.step(params, g)
    np.testing.assert_allclose(params, expected, rtol=1e-12)
    untouched = AdamW(9, np.float64, lr, weight_decay=0.0)
    p1, p2 = np.ones(9), np.ones(9)
    untouched.step(p1, np.ones(9))
    Adam(9, np.float64, lr).step(p2, np.ones(9))
    np.testing.assert_array_equal(p1, p2)


@pytest.mark.parametrize("Optimizer", [RMSprop, Adagrad, AdamW])
def test_new_optimizers_keep_float32(Optimizer):
    params = np.ones(4, dtype=np.float32)
    Optimizer(4, np.float32).step(params, np.full(4, 0.5, dtype=np.float32))
    assert params.dtype == np.float32 and (params < 1).all()


def test_cosine_schedule():
    schedule = CosineAnnealing(eta_min=0.01)
    rates = [schedule(0.1, e, max_iter=10) for e in range(12)]
    assert rates[0] == pytest.approx(0.1) and rates[5] == pytest.approx(0.055)
    assert rates[10] == rates[11] == pytest.approx(0.01)
    assert all(a >= b for a, b in zip(rates, rates[1:]))


def test_step_schedule_defaults_to_thirds_of_max_iter():
    rates = [StepDecay()(1.0, e, max_iter=9) for e in range(10)]
    assert rates == pytest.approx([1] * 3 + [0.1] * 3 + [0.01] * 3 + [0.001])


def test_get_schedule():
    assert isinstance(get_schedule("cosine"), CosineAnnealing)
    assert isinstance(get_schedule("step"), StepDecay)
    assert get_schedule("constant") is None and get_schedule("adaptive") is None
    custom = StepDecay(5, 0.5)
    assert get_schedule(custom) is custom


def test_cosine_annealing_follows_T_max_not_max_iter():
    schedule = CosineAnnealing(T_max=2, eta_min=0.01)
    rates = [schedule(0.1, epoch, max_iter=100) for epoch in range(4)]
    np.testing.assert_allclose(rates, [0.1, 0.055, 0.01, 0.01])
    # T_max=1 anneals in a single epoch; max_iter=1 does the same by default.
    assert CosineAnnealing(T_max=1)(0.1, 1, max_iter=100) == 0.0
    assert CosineAnnealing()(0.1, 1, max_iter=1) == 0.0


def test_step_decay_default_step_is_a_third_of_max_iter_rounded_down():
    schedule = StepDecay(gamma=0.5)
    # max_iter=10: steps of 3 epochs (not 10 / 3); max_iter=3: steps of 1.
    rates = [schedule(1.0, epoch, max_iter=10) for epoch in range(7)]
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    assert [schedule(1.0, epoch, max_iter=3) for epoch in range(3)] == [
        1.0,
        0.5,
        0.25,
    ]


def test_schedule_repr_shows_its_arguments():
    assert repr(CosineAnnealing(T_max=5)) == "CosineAnnealing(T_max=5, eta_min=0.0)"
    assert repr(StepDecay(gamma=0.5)) == "StepDecay(step_size=None, gamma=0.5)"


def test_adaptive_sgd_prints_sklearns_messages(capsys):
    opt = SGD(1, np.float64, 1e-5, lr_schedule="adaptive")
    assert opt.trigger_stopping("Stalled.", verbose=True) is False
    assert opt.trigger_stopping("Stalled.", verbose=True) is False
    assert opt.trigger_stopping("Stalled.", verbose=True) is True
    assert capsys.readouterr().out.splitlines() == [
        "Stalled. Setting learning rate to 0.000002",
        "Stalled. Setting learning rate to 0.000000",
        "Stalled. Learning rate too small. Stopping.",
    ]
    assert opt.trigger_stopping("Stalled.", verbose=False) is True
    assert capsys.readouterr().out == ""


def test_adaptive_sgd_stops_at_a_rate_of_exactly_1e_6():
    assert SGD(1, np.float64, 1e-6, lr_schedule="adaptive").trigger_stopping("", False)
    assert not SGD(1, np.float64, 2e-6, lr_schedule="adaptive").trigger_stopping(
        "", False
    )


def test_adaptive_sgd_of_a_stack_divides_only_the_stalled_models_rate():
    stacked = SGD.stack(
        [SGD(2, np.float64, rate, lr_schedule="adaptive") for rate in (1e-2, 1e-3)]
    )
    assert stacked.trigger_stopping("", False, model=1) is False
    assert [stacked.model(k).learning_rate for k in (0, 1)] == [1e-2, 1e-3 / 5]
    small = SGD.stack(
        [SGD(2, np.float64, rate, lr_schedule="adaptive") for rate in (1e-2, 1e-6)]
    )
    assert small.trigger_stopping("", False, model=1) is True
    assert small.trigger_stopping("", False, model=0) is False


@pytest.mark.parametrize(
    "Optimizer, defaults",
    [
        (SGD, dict(learning_rate_init=0.1, momentum=0.9, nesterov=True, power_t=0.5)),
        (Adam, dict(learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8)),
        (AdamW, dict(learning_rate_init=0.001, beta_1=0.9, weight_decay=0.01)),
        (RMSprop, dict(learning_rate_init=0.001, rho=0.9, epsilon=1e-8)),
        (Adagrad, dict(learning_rate_init=0.01, epsilon=1e-8)),
    ],
)
def test_optimizer_defaults_and_state_dtype(Optimizer, defaults):
    """The documented defaults (scikit-learn's for SGD and Adam), and state
    kept in the parameters' dtype."""
    opt = Optimizer(4, np.float32)
    for name, value in defaults.items():
        assert getattr(opt, name) == value, name
    params = np.ones(4, dtype=np.float32)
    opt.step(params, np.full(4, 0.5, dtype=np.float32))
    assert opt.buffers and params.dtype == np.float32
    for name in opt.buffers:
        assert getattr(opt, name).dtype == np.float32, name
    assert opt._scratch.dtype == np.float32


def test_stacked_schedules_follow_each_models_own_rate():
    """invscaling per model (Python's pow), and an adaptive division of one
    model's rate when all models started from the same rate."""
    single = SGD(2, np.float64, 0.1, lr_schedule="invscaling", power_t=0.5)
    single.iteration_ends(99)
    assert type(single.learning_rate) is float and single.learning_rate == 0.01
    stacked = SGD.stack(
        [SGD(2, np.float64, r, lr_schedule="invscaling") for r in (0.1, 0.2)]
    )
    stacked.iteration_ends(99)
    assert stacked.learning_rate.shape == (2, 1)
    assert [stacked.model(k).learning_rate for k in (0, 1)] == [0.01, 0.02]
    same = SGD.stack([SGD(3, np.float64, 0.1, lr_schedule="adaptive") for _ in "ab"])
    assert type(same.learning_rate) is float
    assert same.trigger_stopping("", False, model=1) is False
    assert same.learning_rate.shape == (2, 1)
    assert [same.model(k).learning_rate for k in (0, 1)] == [0.1, 0.02]


def test_stacked_adamw_steps_each_model_as_its_own_fit():
    rng = np.random.RandomState(5)
    params, grad = rng.normal(size=(2, 6)), rng.normal(size=(2, 6))
    singles = [
        AdamW(6, np.float64, 0.01, weight_decay=wd, n_decayed=4) for wd in (0.0, 0.5)
    ]
    stacked = AdamW.stack(singles)
    expected = params.copy()
    for k, opt in enumerate(singles):
        opt.step(expected[k], grad[k])
    stacked.step(params, grad)
    np.testing.assert_array_equal(params, expected)


def test_stacked_adam_with_per_model_betas_in_float32():
    rng = np.random.RandomState(6)
    params = rng.normal(size=(2, 5)).astype(np.float32)
    singles = [Adam(5, np.float32, 0.01, 0.9, b2) for b2 in (0.999, 0.99)]
    stacked = Adam.stack(singles)
    assert stacked._scratch.dtype == np.float32
    expected = params.copy()
    for _ in range(3):
        grad = rng.normal(size=(2, 5)).astype(np.float32)
        for k, opt in enumerate(singles):
            opt.step(expected[k], grad[k])
        stacked.step(params, grad)
    np.testing.assert_array_equal(params, expected)
    alone = stacked.model(1)  # an independent copy of model 1's state
    alone.step(params[1], np.ones(5, dtype=np.float32))
    np.testing.assert_array_equal(stacked.model(0)._M, singles[0]._M)
    np.testing.assert_array_equal(stacked.model(1)._M, singles[1]._M)


def test_optimizer_repr_shows_settings_and_per_model_values():
    assert repr(SGD(3, np.float64)) == (
        "SGD(learning_rate=0.1, momentum=0.9, nesterov=True, lr_schedule='constant')"
    )
    stacked = Adam.stack([Adam(3, np.float64, 0.1), Adam(3, np.float64, 0.2)])
    assert repr(stacked) == (
        "Adam(learning_rate=[0.1, 0.2], beta_1=0.9, beta_2=0.999, epsilon=1e-08, t=0)"
    )


def test_optimizer_details_a_fit_never_reaches():
    """Non-default epsilon reaches AdamW's Adam step; the printed new rate is
    a fifth of the old; a 0-d hyperparameter is used as a float; a float32
    stack with per-model rates steps each model in float32 as its own fit."""
    assert AdamW(3, np.float64, epsilon=1e-3).epsilon == 1e-3
    opt = SGD(1, np.float64, 1e-3, lr_schedule="adaptive")
    assert Adam(1, np.float32)._factor(np.float64(0.5)) == 0.5
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as out:
        opt.trigger_stopping("m.", verbose=True)
    assert out.getvalue() == "m. Setting learning rate to 0.000200\n"
    rng = np.random.RandomState(7)
    params = rng.normal(size=(2, 4)).astype(np.float32)
    singles = [SGD(4, np.float32, rate, momentum=0.5) for rate in (0.1, 0.3)]
    stacked, expected = SGD.stack(singles), params.copy()
    for _ in range(3):
        grad = rng.normal(size=(2, 4)).astype(np.float32)
        for k, single in enumerate(singles):
            single.step(expected[k], grad[k])
        stacked.step(params, grad)
    np.testing.assert_array_equal(params, expected)
