# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The compiled loop (fit(epochs_per_call=N)) and trials side by side (fit_trials).

The reference is keras.Model.fit on the same model, data and seed. The compiled loop runs
each step as the model's own train_step, the same ops in the same order as fit's train
function, so the tests ask for bit-identical weights and losses (op determinism on, as in
the engine's deterministic profile), not a tolerance.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlc_common.data import pipeline  # noqa: E402
from dlc_common.data.synthetic import spirals  # noqa: E402
from dlc_common.run import runtime, stop  # noqa: E402
from dlc_common.run.train import fit, fit_trials, read_history  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def deterministic() -> Iterator[None]:
    # Process-wide, as in the engine's deterministic profile (tasks.py does the same in its
    # process); a global seed stays set afterwards, which unseeded random ops then need.
    runtime.enable_determinism()
    yield
    keras.utils.set_random_seed(0)


def symmetry() -> tuple[np.ndarray, np.ndarray]:
    x = np.array(list(itertools.product([0, 1], repeat=6)), dtype="float32")
    return x, np.all(x == x[:, ::-1], axis=1).astype("float32")[:, None]


def sigmoid_net() -> keras.Model:
    model = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(2, "sigmoid"), keras.layers.Dense(1, "sigmoid")]
    )
    model.compile(keras.optimizers.SGD(0.5, momentum=0.9), "mse", metrics=["binary_accuracy"])
    return model


def dropout_net() -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(8, "relu"),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(2),
        ]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(True), metrics=["accuracy"])
    return model


def lstm_net() -> keras.Model:
    model = keras.Sequential([keras.Input((3, 2)), keras.layers.LSTM(3), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def same(a: keras.Model, b: keras.Model) -> bool:
    pairs = zip(a.get_weights(), b.get_weights(), strict=True)
    return all(np.array_equal(u, v) for u, v in pairs)


def keras_fit(
    build: Callable[[], keras.Model], seed: int, data: object, epochs: int, **kwargs: object
) -> tuple[keras.Model, list[float]]:
    keras.utils.set_random_seed(seed)
    model = build()
    args = data if isinstance(data, tuple) else (data,)
    history = model.fit(*args, epochs=epochs, verbose=0, shuffle=False, **kwargs)
    return model, history.history["loss"]


def spiral_data(seed: int) -> object:
    x, y = spirals(40, seed=0)
    return pipeline((x, y), batch_size=16, training=True, seed=seed)  # shuffled per epoch


rng = np.random.default_rng(0)
SEQUENCES = (
    rng.normal(size=(6, 3, 2)).astype("float32"),
    rng.normal(size=(6, 1)).astype("float32"),
)
CASES = {
    # full-batch sweeps: one step per epoch, the case keras steps_per_execution cannot help
    "full batch": (sigmoid_net, symmetry(), {"batch_size": 64}),
    "batches in order, short last one": (sigmoid_net, symmetry(), {"batch_size": 24}),
    "online LSTM, one sequence per update": (lstm_net, SEQUENCES, {"batch_size": 1}),
}


@pytest.mark.parametrize("case", CASES)
def test_the_compiled_loop_gives_keras_fits_weights_and_losses(case: str) -> None:
    build, data, kwargs = CASES[case]
    reference, losses = keras_fit(build, 1, data, 7, **kwargs)
    keras.utils.set_random_seed(1)
    result = fit(build, data, epochs=7, run_dir=None, epochs_per_call=3, verbose=0, **kwargs)
    assert same(result.model, reference)
    assert [row["loss"] for row in result.history] == losses
    assert [row["epoch"] for row in result.history] == list(range(1, 8))
    assert result.completed and not result.diverged


def test_a_shuffled_pipeline_with_dropout_is_iterated_in_the_graph_in_fits_order() -> None:
    reference, losses = keras_fit(dropout_net, 2, spiral_data(5), 5)
    keras.utils.set_random_seed(2)
    result = fit(dropout_net, spiral_data(5), epochs=5, run_dir=None, epochs_per_call=2)
    assert same(result.model, reference)
    assert [row["loss"] for row in result.history] == losses
    assert {"accuracy", "loss", "epoch", "seconds"} == set(result.history[0])


class Interrupt(Exception):
    pass


class InterruptAt(keras.callbacks.Callback):
    def __init__(self, epoch: int) -> None:
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if epoch + 1 == self.epoch:
            raise Interrupt


def test_a_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(tmp_path: Path) -> None:
    def run(run_dir: Path, callbacks: list) -> object:
        keras.utils.set_random_seed(3)  # a new process starts from the same seed
        return fit(
            dropout_net,
            spiral_data(3),
            epochs=9,
            run_dir=run_dir,
            epochs_per_call=3,
            backup_seconds=0,
            callbacks=callbacks,
            verbose=0,
        )

    straight = run(tmp_path / "straight", [])
    with pytest.raises(Interrupt):
        run(tmp_path / "resumed", [InterruptAt(5)])  # in the second chunk's callbacks
    # Backups happen at chunk boundaries only: the last one is after epoch 3.
    assert [p.name for p in (tmp_path / "resumed" / "backup").iterdir()] == ["epoch-000003"]
    resumed = run(tmp_path / "resumed", [])
    assert resumed.initial_epoch == 3 and resumed.completed
    assert [r["epoch"] for r in resumed.history] == list(range(1, 10))
    assert [r["loss"] for r in resumed.history] == [r["loss"] for r in straight.history]
    assert same(resumed.model, straight.model)


def test_a_stop_signal_stops_at_the_chunk_boundary_with_a_backup(tmp_path: Path) -> None:
    class Signal(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if epoch == 1:
                os.kill(os.getpid(), signal.SIGUSR1)

    x, y = symmetry()
    kwargs = {"epochs": 12, "run_dir": tmp_path, "epochs_per_call": 4, "verbose": 0}
    keras.utils.set_random_seed(4)
    result = fit(sigmoid_net, (x, y), callbacks=[Signal()], **kwargs)
    assert result.stopped_by_signal == signal.SIGUSR1 and not result.completed
    # Epochs 3 and 4 ran in the same call as epoch 2: the chunk ends, then the run stops.
    assert [r["epoch"] for r in result.history] == [1, 2, 3, 4]
    assert [p.name for p in (tmp_path / "backup").iterdir()] == ["epoch-000004"]
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL
    resumed = fit(sigmoid_net, (x, y), **kwargs)
    assert resumed.completed and resumed.initial_epoch == 4
    reference, _ = keras_fit(sigmoid_net, 4, (x, y), 12, batch_size=64)
    assert same(resumed.model, reference)


def test_a_nan_loss_stops_at_its_own_epoch_inside_a_chunk(tmp_path: Path) -> None:
    x, y = symmetry()
    x[3, 0] = np.nan
    result = fit(sigmoid_net, (x, y), epochs=20, run_dir=tmp_path, epochs_per_call=10)
    assert result.diverged and not result.completed
    assert [r["loss"] for r in result.history] == [None]  # epoch 1 only, not the chunk's 10
    assert not (tmp_path / "backup").exists()


def test_stop_when_stops_at_the_same_epoch_as_under_keras_fit(tmp_path: Path) -> None:
    x, y = symmetry()

    def solved(logs: dict) -> object:
        return logs["loss"] < 0.115

    # keras fit reads a tuple passed as its x as the inputs alone: give it a dataset.
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
    runs = []
    for per_call, data in ((None, batches), (25, (x, y))):
        keras.utils.set_random_seed(5)
        runs.append(
            fit(
                sigmoid_net,
                data,
                epochs=300,
                run_dir=tmp_path / str(per_call),
                epochs_per_call=per_call,
                stop_when=solved,
                verbose=0,
            )
        )
    keras_run, compiled = runs
    assert compiled.criterion_met and compiled.completed
    assert 1 < len(compiled.history) < 300  # the criterion fell inside a chunk, not on its edge
    assert len(compiled.history) % 25 != 0
    assert keras_run.criterion_met and len(keras_run.history) == len(compiled.history)
    assert [r["stop_when"] for r in compiled.history][-2:] == [0.0, 1.0]
    assert same(keras_run.model, compiled.model)


def test_each_trial_equals_its_seed_trained_alone() -> None:
    seeds = [11, 12, 13]
    results = fit_trials(
        dropout_net, [spiral_data(s) for s in seeds], seeds=seeds, epochs=4, epochs_per_call=3
    )
    for seed, result in zip(seeds, results, strict=True):
        alone, losses = keras_fit(dropout_net, seed, spiral_data(seed), 4)
        assert same(result.model, alone), seed
        assert [r["loss"] for r in result.history] == losses
        assert result.completed
    assert not same(results[0].model, results[1].model)  # independent initialisations


def test_a_trial_that_stops_early_leaves_the_others_unchanged(tmp_path: Path) -> None:
    x, y = symmetry()
    easy = (x, np.zeros_like(y))  # a variant of the same shapes that is solved sooner
    nan = (np.where(np.arange(64)[:, None] == 3, np.nan, x).astype("float32"), y)
    data = [(x, y), easy, nan, (x, y)]
    seeds = [21, 22, 23, 24]
    dirs = [tmp_path / str(s) for s in seeds]

    def solved(logs: dict) -> object:
        return logs["loss"] < 0.01

    results = fit_trials(sigmoid_net, data, seeds=seeds, epochs=60, run_dirs=dirs, stop_when=solved)
    lengths = [len(r.history) for r in results]
    assert lengths[0] == lengths[3] == 60 and 1 < lengths[1] < 60 and lengths[2] == 1
    assert results[1].criterion_met and results[1].completed
    assert results[2].diverged and not results[2].completed
    for k in (0, 1, 3):
        alone, losses = keras_fit(
            sigmoid_net,
            seeds[k],
            data[k],
            60 if k != 1 else lengths[1],
            batch_size=64,
        )
        assert same(results[k].model, alone), k
        assert [r["loss"] for r in read_history(dirs[k] / "history.jsonl")] == losses


def test_trials_stop_on_a_signal_with_backups_and_resume_to_the_same_weights(
    tmp_path: Path,
) -> None:
    seeds = [31, 32]

    def run(name: str) -> list:
        dirs = [tmp_path / name / str(s) for s in seeds]
        data = [spiral_data(s) for s in seeds]
        return fit_trials(
            dropout_net, data, seeds=seeds, epochs=6, run_dirs=dirs, epochs_per_call=2
        )

    straight = run("straight")
    with stop.catch():  # a command that caught SIGTERM before training began
        os.kill(os.getpid(), signal.SIGTERM)
        stopped = run("resumed")
    for k, result in enumerate(stopped):
        assert result.stopped_by_signal == signal.SIGTERM and not result.completed
        assert [r["epoch"] for r in result.history] == [1, 2]  # the first chunk boundary
        backups = tmp_path / "resumed" / str(seeds[k]) / "backup"
        assert [p.name for p in backups.iterdir()] == ["epoch-000002"]
    resumed = run("resumed")
    for before, after in zip(straight, resumed, strict=True):
        assert after.completed and after.initial_epoch == 2
        assert [r["loss"] for r in after.history] == [r["loss"] for r in before.history]
        assert same(before.model, after.model)


def test_variants_of_the_same_shapes_train_side_by_side() -> None:
    x, y = symmetry()

    def variant(rate: float) -> Callable[[], keras.Model]:
        def build() -> keras.Model:
            model = sigmoid_net()
            model.compile(keras.optimizers.SGD(rate, momentum=0.9), "mse")
            return model

        return build

    rates = [0.1, 2.0]
    results = fit_trials([variant(r) for r in rates], [(x, y)] * 2, seeds=[7, 7], epochs=30)
    for rate, result in zip(rates, results, strict=True):
        alone, _ = keras_fit(variant(rate), 7, (x, y), 30, batch_size=64)
        assert same(result.model, alone), rate
    assert not same(results[0].model, results[1].model)


def test_bad_input_to_fit_trials_names_the_argument() -> None:
    x, y = symmetry()
    with pytest.raises(ValueError, match="seeds: expected at least one seed"):
        fit_trials(sigmoid_net, [], seeds=[], epochs=1)
    with pytest.raises(ValueError, match="data_per_trial: expected one entry per seed"):
        fit_trials(sigmoid_net, [(x, y)], seeds=[1, 2], epochs=1)
    with pytest.raises(ValueError, match=r"data_per_trial: .* same number of steps"):
        fit_trials(sigmoid_net, [(x, y), (x[:32], y[:32])], seeds=[1, 2], epochs=1)
    widths = iter([2, 3])

    def varying() -> keras.Model:
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(next(widths))])
        model.compile("sgd", "mse")
        return model

    with pytest.raises(ValueError, match="builder: the model of seed 2 has other weight shapes"):
        fit_trials(varying, [(x, y), (x, y)], seeds=[1, 2], epochs=1)

    def uncompiled() -> keras.Model:
        return keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])

    with pytest.raises(ValueError, match="builder: expected one builder or one per seed"):
        fit_trials([sigmoid_net] * 3, [(x, y)] * 2, seeds=[1, 2], epochs=1)
    with pytest.raises(ValueError, match="builder: the model of seed 1 is not compiled"):
        fit_trials(uncompiled, [(x, y)], seeds=[1], epochs=1)
    with pytest.raises(TypeError, match=r"epochs_per_call .* no validation_data"):
        fit(sigmoid_net, (x, y), epochs=1, run_dir=None, epochs_per_call=2, validation_data=(x, y))
