# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""The training engine in this process: pipelines, runtime, fit's callbacks (tiny models)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

# The test session installs the cpu extra: a missing TensorFlow is a failure, not a skip.
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlc_common.data import pipeline, set_epoch  # noqa: E402
from dlc_common.data.synthetic import markov_sequences, spirals, split  # noqa: E402
from dlc_common.run import runtime  # noqa: E402
from dlc_common.run.train import fit, read_history  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def passes(dataset: tf.data.Dataset, count: int) -> list[list[int]]:
    return [[int(v) for batch in dataset for v in batch[0].numpy()] for _ in range(count)]


def test_shuffle_order_is_a_function_of_seed_and_epoch() -> None:
    x = np.arange(50)
    data = (x, x * 2)
    first = passes(pipeline(data, batch_size=8, training=True, seed=3), 3)
    for order in first:
        assert sorted(order) == list(range(50))  # every element once per epoch
    assert first[0] != first[1] != first[2]
    # A fresh pipeline told it starts at epoch 2 (a resumed run) sees epoch 2's order.
    resumed = pipeline(data, batch_size=8, training=True, seed=3)
    set_epoch(2)
    assert passes(resumed, 1)[0] == first[2]
    assert passes(pipeline(data, batch_size=8, training=True, seed=4), 1)[0] != first[0]
    # Evaluation pipelines keep the order.
    assert passes(pipeline(data, batch_size=8, training=False), 1)[0] == list(range(50))
    batches = [b[1].numpy() for b in pipeline(data, batch_size=8, training=True, seed=3)]
    assert [len(b) for b in batches] == [8] * 6 + [2]
    assert all((b % 2 == 0).all() for b in batches)  # features and labels stay paired


def test_pipeline_maps_shards_and_reads_datasets() -> None:
    x = np.arange(40, dtype=np.float32)
    context = tf.distribute.InputContext(
        num_input_pipelines=2, input_pipeline_id=1, num_replicas_in_sync=2
    )
    sharded = pipeline(
        (x,),
        batch_size=8,
        training=True,
        preprocess=lambda v: (v + 1000,),
        map_fn=lambda v: (v * 2,),
        input_context=context,
    )
    values = sorted(float(v) for (batch,) in sharded for v in batch.numpy())
    assert values == [2 * (1000 + v) for v in range(1, 40, 2)]  # worker 1's half, mapped
    assert {len(batch) for (batch,) in sharded} <= {4}  # global batch 8 over 2 replicas
    named = pipeline({"a": x, "b": -x}, batch_size=8, training=True, seed=2)
    for batch in named:
        assert set(batch) == {"a", "b"} and np.array_equal(batch["a"], -batch["b"])
    source = tf.data.Dataset.range(30)
    streamed = pipeline(source, batch_size=10, training=True, seed=1, shuffle_buffer=30)
    assert sorted(int(v) for batch in streamed for v in batch.numpy()) == list(range(30))


def test_synthetic_data_is_seeded() -> None:
    x, y = spirals(300, classes=3, seed=1)
    assert x.shape == (300, 2) and set(y.tolist()) == {0, 1, 2}
    assert np.array_equal(spirals(300, classes=3, seed=1)[0], x)
    assert not np.array_equal(spirals(300, classes=3, seed=2)[0], x)
    inputs, targets, entropy = markov_sequences(50, length=10, vocab=6, seed=0)
    assert inputs.shape == targets.shape == (50, 10)
    assert np.array_equal(inputs[:, 1:], targets[:, :-1])
    assert 0 < entropy < np.log(6)
    parts = split(x, y, validation=0.2, test=0.1)
    assert [len(p[0]) for p in (parts.train, parts.validation, parts.test)] == [210, 60, 30]


def test_runtime_seed_precision_strategy() -> None:
    runtime.seed_everything(5)
    a = (np.random.rand(), float(tf.random.uniform([])))
    runtime.seed_everything(5)
    assert (np.random.rand(), float(tf.random.uniform([]))) == a
    assert runtime.resolve_precision("auto") == "float32"  # no GPU here
    try:
        assert runtime.set_precision("mixed_bfloat16") == "mixed_bfloat16"
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    finally:
        runtime.set_precision("float32")
    with pytest.raises(ValueError, match="precision"):
        runtime.resolve_precision("half")
    assert runtime.make_strategy().num_replicas_in_sync == 1
    assert any(d["type"] == "CPU" for d in runtime.devices())


def tiny_model() -> keras.Model:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(True))
    return model


class Interrupt(Exception):
    pass


class InterruptAfter(keras.callbacks.Callback):
    def __init__(self, epoch: int) -> None:
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if epoch + 1 == self.epoch:
            raise Interrupt


def test_fit_resumes_and_history_appends(tmp_path: Path) -> None:
    runtime.seed_everything(0)
    x, y = spirals(64, seed=0)
    data = pipeline((x, y), batch_size=16, training=True)
    with pytest.raises(Interrupt):
        fit(
            tiny_model,
            data,
            epochs=5,
            run_dir=tmp_path,
            verbose=0,
            backup_seconds=0,
            callbacks=[InterruptAfter(3)],
        )
    assert [r["epoch"] for r in read_history(tmp_path / "history.jsonl")] == [1, 2, 3]
    assert [p.name for p in (tmp_path / "backup").iterdir()] == ["epoch-000003"]
    # A damaged newer backup (a disk that filled up, say) is skipped for the good one.
    (tmp_path / "backup" / "epoch-000004").mkdir()
    (tmp_path / "backup" / "epoch-000004" / "model.weights.h5").write_bytes(b"garbage")
    result = fit(tiny_model, data, epochs=5, run_dir=tmp_path, verbose=0)
    assert result.completed and result.initial_epoch == 3
    assert [r["epoch"] for r in result.history] == [1, 2, 3, 4, 5]
    assert not (tmp_path / "backup").exists()  # removed once training really finished

    # keep_backup: the final state stays, so that a restart skips the training it finished.
    kept = tmp_path / "kept"
    fit(tiny_model, data, epochs=2, run_dir=kept, verbose=0, keep_backup=True)
    assert [p.name for p in (kept / "backup").iterdir()] == ["epoch-000002"]
    again = fit(tiny_model, data, epochs=2, run_dir=kept, verbose=0)
    assert again.completed and again.initial_epoch == 2 and len(again.history) == 2


def dropout_model() -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(2),
        ]
    )
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(True))
    return model


def test_resume_restores_random_layers(tmp_path: Path) -> None:
    x, y = spirals(256, seed=0)

    def train(run_dir: Path, interrupt: bool) -> list:
        runtime.seed_everything(0)
        data = pipeline((x, y), batch_size=32, training=True)
        if interrupt:
            with pytest.raises(Interrupt):
                fit(
                    dropout_model,
                    data,
                    epochs=4,
                    run_dir=run_dir,
                    verbose=0,
                    backup_seconds=0,
                    callbacks=[InterruptAfter(2)],
                )
            runtime.seed_everything(0)  # a new process starts from the same seed
            data = pipeline((x, y), batch_size=32, training=True)
        return fit(dropout_model, data, epochs=4, run_dir=run_dir, verbose=0).model.get_weights()

    straight = train(tmp_path / "straight", interrupt=False)
    resumed = train(tmp_path / "resumed", interrupt=True)
    assert all(np.array_equal(a, b) for a, b in zip(straight, resumed, strict=True))


def test_fit_stops_cleanly_on_a_signal(tmp_path: Path) -> None:
    class Signal(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if epoch == 1:
                os.kill(os.getpid(), signal.SIGUSR1)

    x, y = spirals(64, seed=0)
    data = pipeline((x, y), batch_size=16, training=True)
    result = fit(tiny_model, data, epochs=6, run_dir=tmp_path, verbose=0, callbacks=[Signal()])
    assert result.stopped_by_signal == signal.SIGUSR1 and not result.completed
    assert [r["epoch"] for r in result.history] == [1, 2]
    # The default throttle (30 s) skipped the per-epoch backups; the signal forced one.
    assert [p.name for p in (tmp_path / "backup").iterdir()] == ["epoch-000002"]
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL  # handler restored
    resumed = fit(tiny_model, data, epochs=6, run_dir=tmp_path, verbose=0)
    assert resumed.completed and resumed.initial_epoch == 2


def test_fit_nan_guard_and_bad_models(tmp_path: Path) -> None:
    x, y = spirals(64, seed=0)
    x[5, 0] = np.nan
    data = pipeline((x, y), batch_size=16, training=False)
    result = fit(tiny_model, data, epochs=4, run_dir=tmp_path, verbose=0)
    assert result.diverged and not result.completed
    assert read_history(tmp_path / "history.jsonl")[0]["loss"] is None
    uncompiled = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not compiled"):
        fit(uncompiled, data, epochs=1, run_dir=None)


def test_mirrored_strategy_on_two_cpu_devices(tmp_path: Path) -> None:
    # Logical devices must be set before TensorFlow starts: a fresh process.
    script = textwrap.dedent(f"""
        import json, tensorflow as tf, keras
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        from dlc_common.data import pipeline
        from dlc_common.data.synthetic import spirals
        from dlc_common.run.train import fit
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        def build():
            model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
            model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(True))
            return model
        x, y = spirals(64)
        result = fit(build, pipeline((x, y), batch_size=16, training=True), epochs=2,
                     run_dir={str(tmp_path)!r}, strategy=strategy, verbose=0)
        print(json.dumps([strategy.num_replicas_in_sync, result.completed,
                          type(result.model.weights[0]).__name__]))
        """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    replicas, completed, _ = json.loads(out.stdout.strip().splitlines()[-1])
    assert (replicas, completed) == (2, True)


def test_a_damaged_backup_is_skipped_for_an_older_one_and_none_readable_is_a_clear_error(
    tmp_path: Path,
) -> None:
    from dlc_common.run.train import BackupError

    x, y = spirals(64, seed=0)
    data = pipeline((x, y), batch_size=16, training=True)
    fit(tiny_model, data, epochs=3, run_dir=tmp_path, backup_seconds=0, keep_backup=True)
    (good,) = (tmp_path / "backup").iterdir()
    newer = tmp_path / "backup" / "epoch-000004"
    newer.mkdir()
    (newer / "model.weights.h5").write_bytes(b"not an HDF5 file")
    (newer / "rng.npz").write_bytes(b"not a zip file")
    resumed = fit(tiny_model, data, epochs=5, run_dir=tmp_path, verbose=0, keep_backup=True)
    assert resumed.initial_epoch == 3 and resumed.completed
    for backup in (tmp_path / "backup").iterdir():
        (backup / "model.weights.h5").write_bytes(b"damaged")
    with pytest.raises(BackupError, match=r"every backup is damaged .*start over with --run-dir"):
        fit(tiny_model, data, epochs=6, run_dir=tmp_path, verbose=0)
    assert good.name == "epoch-000003"


def test_a_history_with_damaged_bytes_reads_up_to_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_bytes(b'{"epoch": 1, "loss": 0.5}\n{"epoch": 2, "lo\xff\xfess": 0.4\n')
    assert read_history(path) == [{"epoch": 1, "loss": 0.5}]
