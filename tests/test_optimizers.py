"""Optimizer steps and schedules against hand-written update formulas."""

import numpy as np
import pytest

from sknumpynn.nn import SGD, Adam


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
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        # Kingma & Ba's "efficient" form: epsilon is added to sqrt(v), not sqrt(v_hat)
        lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        expected -= lr_t * m / (np.sqrt(v) + eps)
        opt.step(params, g)
        assert opt.t == t
    np.testing.assert_allclose(params, expected, rtol=1e-12)
    # Without epsilon the step is the textbook bias-corrected one.
    assert np.allclose(lr * m_hat / np.sqrt(v_hat), lr_t * m / np.sqrt(v))


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
    assert Adam(1, np.float64).trigger_stopping("m.", True)
    assert "m. Stopping." in capsys.readouterr().out


def test_steps_do_not_allocate_parameter_sized_arrays():
    import tracemalloc

    n = 1_000_000
    params, g = np.zeros(n), np.ones(n)
    for opt in (SGD(n, np.float64), Adam(n, np.float64)):
        opt.step(params, g)
        tracemalloc.start()
        opt.step(params, g)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < n * 8 / 10, (opt, peak)
