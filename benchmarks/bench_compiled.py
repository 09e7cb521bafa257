# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""Small models at the speed of the hardware: keras fit, the compiled loop, K trials at once.

Three small models, each trained by plain ``keras.Model.fit``, by ``dlc_common.run.train.fit``
with ``epochs_per_call`` (the compiled loop) and by ``fit_trials`` with K=10 seeds side by
side in one graph:

(a) a 6-2-1 sigmoid network on the 64 six-bit mirror-symmetry patterns, full-batch sweeps,
    summed squared error, SGD with momentum (one update per epoch);
(b) an online-learning LSTM on short sequences: one update per sequence (batch size 1);
(c) the template's stub MLP on two spirals, shuffled mini-batches of 32, Adam.

Times are marginal: the time of a long run less that of a short one, over the extra epochs,
so that building and tracing (printed apart as set-up) do not hide the per-epoch cost. Each
figure is the fastest of ``--repeats`` runs (interference only ever adds time). Memory: the
growth of the process's resident set while training K=10 trials, per trial. Goals (issue 17):
compiled loop at least 20x faster than fit on (a) and (b); K=10 side by side at least 5x
faster than 10 sequential trials; no case slower than fit. Figures only, never a pass/fail.

Run with ``nox -s bench`` or ``python benchmarks/bench_compiled.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

K = 10


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def _rss_mb() -> float:
    """The resident set of this process now, in MB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _marginal(
    run: Callable[[int], Any], short: int, long: int, repeats: int
) -> tuple[float, float]:
    """(seconds per epoch beyond ``short`` epochs, set-up seconds) of ``run(epochs)``."""
    shorts, longs = [], []
    for _ in range(repeats):
        shorts.append(_timed(lambda: run(short)))
        longs.append(_timed(lambda: run(long)))
    per_epoch = max(min(longs) - min(shorts), 1e-9) / (long - short)  # never 0: a ratio
    return per_epoch, max(min(shorts) - short * per_epoch, 0.0)


def case(
    name: str,
    unit: str,
    updates_per_epoch: int,
    build: Callable[..., Any],
    data: Callable[[int], Any],
    epochs: dict[str, tuple[int, int]],
    per_call: int,
    repeats: int,
    steps_per_execution: int | None = None,
    goal_compiled: float | None = None,
) -> None:
    """Print one model's figures: per epoch (or update) for every engine, ratios, memory."""
    import keras

    from dlc_common.run.train import fit, fit_trials

    def plain(count: int, spe: int | None = None) -> None:
        keras.utils.set_random_seed(0)
        model = build() if spe is None else build(spe)
        train = data(0)
        args = train if isinstance(train, tuple) else (train,)
        kwargs = {"batch_size": len(args[0])} if isinstance(train, tuple) else {}
        model.fit(*args, epochs=count, verbose=0, shuffle=False, **kwargs)

    def compiled(count: int) -> None:
        keras.utils.set_random_seed(0)
        fit(build, data(0), epochs=count, run_dir=None, epochs_per_call=per_call, verbose=0)

    def side_by_side(count: int) -> None:
        fit_trials(
            build,
            [data(s) for s in range(K)],
            seeds=range(K),
            epochs=count,
            epochs_per_call=per_call,
        )

    scale = updates_per_epoch if unit == "update" else 1
    figures = {}
    figures["keras fit"] = _marginal(plain, *epochs["fit"], repeats)
    if steps_per_execution:
        figures[f"keras fit, steps_per_execution={steps_per_execution}"] = _marginal(
            lambda n: plain(n, steps_per_execution), *epochs["fit"], repeats
        )
    figures["compiled loop"] = _marginal(compiled, *epochs["compiled"], repeats)
    figures[f"K={K} side by side"] = _marginal(side_by_side, *epochs["compiled"], repeats)
    # Memory after the warm-up above: the growth while K trials are built, trained and kept.
    before = _rss_mb()
    kept = fit_trials(
        build,
        [data(s) for s in range(K)],
        seeds=range(K),
        epochs=epochs["compiled"][0],
        epochs_per_call=per_call,
    )
    grown = (_rss_mb() - before) / len(kept)
    base = figures["keras fit"][0]
    print(f"({name}) {updates_per_epoch} update(s) per epoch")
    for label, (per_epoch, setup) in figures.items():
        share = " per trial" if label.startswith("K=") else ""
        if share:
            per_epoch /= K
        print(
            f"  {label}: {1e6 * per_epoch / scale:.1f} us per {unit}{share} "
            f"(set-up {setup:.2f} s{' for all ' + str(K) if share else ''}), "
            f"{base / per_epoch:.1f}x fit"
        )
    alone, _ = figures["compiled loop"]
    together = figures[f"K={K} side by side"][0] / K
    if goal_compiled is not None:
        ratio = base / alone
        verdict = _met(ratio >= goal_compiled)
        print(f"  goal: compiled loop >= {goal_compiled:.0f}x fit: {ratio:.1f}x, {verdict}")
    # 10 sequential trials cost 10 single runs (each with its own set-up, not counted here).
    print(
        f"  goal: K={K} side by side >= 5x faster than {K} sequential trials: "
        f"{base / together:.1f}x sequential keras fit ({_met(base / together >= 5)}), "
        f"{alone / together:.1f}x sequential compiled loops ({_met(alone / together >= 5)})"
    )
    slower = [
        label
        for label, (t, _) in figures.items()
        if (t / K if label.startswith("K=") else t) > base
    ]
    which = f" ({', '.join(slower)})" if slower else ""
    print(f"  goal: no case slower than fit: {_met(not slower)}{which}")
    print(f"  memory: resident set grew {grown:.1f} MB per trial while training {K} side by side")


def symmetry_case(repeats: int) -> None:
    """(a) the 6-2-1 mirror-symmetry network, full-batch sweeps."""
    import keras
    import numpy as np

    x = np.array(list(itertools.product([0, 1], repeat=6)), dtype="float32")
    y = np.all(x == x[:, ::-1], axis=1).astype("float32")[:, None]

    def build(spe: int = 1) -> keras.Model:
        init = keras.initializers.RandomUniform(-0.3, 0.3)
        layers = [
            keras.layers.Dense(u, "sigmoid", kernel_initializer=init, bias_initializer=init)
            for u in (2, 1)
        ]
        model = keras.Sequential([keras.Input((6,)), *layers])
        # Summed squared error over cases, SGD with momentum: the 1986 procedure.
        model.compile(
            keras.optimizers.SGD(0.1, momentum=0.9),
            keras.losses.MeanSquaredError(reduction="sum"),
            steps_per_execution=spe,
        )
        return model

    case(
        "a: 6-2-1 symmetry, full-batch sweeps",
        "sweep",
        1,
        build,
        lambda s: (x, y),
        {"fit": (20, 220), "compiled": (500, 5500)},
        500,
        repeats,
        goal_compiled=20,
    )


def lstm_case(repeats: int) -> None:
    """(b) an LSTM learning online: one update per sequence."""
    import keras
    import numpy as np

    from dlc_common.data import pipeline

    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(32, 5, 1)).astype("float32")
    y = x.sum(axis=1) % 2  # parity of five bits

    def build(spe: int = 1) -> keras.Model:
        model = keras.Sequential(
            [keras.Input((5, 1)), keras.layers.LSTM(8), keras.layers.Dense(1, "sigmoid")]
        )
        model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy", steps_per_execution=spe)
        return model

    def data(seed: int) -> Any:
        return pipeline((x, y), batch_size=1, training=True, seed=seed)

    case(
        "b: online LSTM, 32 sequences of 5 steps",
        "update",
        32,
        build,
        data,
        {"fit": (2, 7), "compiled": (10, 60)},
        10,
        repeats,
        steps_per_execution=32,
        goal_compiled=20,
    )


def stub_case(repeats: int) -> None:
    """(c) the template's stub MLP, shuffled mini-batches."""
    import keras

    from dlc_common.data import pipeline
    from dlc_common.data.synthetic import spirals

    x, y = spirals(640, classes=2, seed=0)

    def build(spe: int = 1) -> keras.Model:
        inputs = keras.Input((2,))
        h = keras.layers.Dense(32, "relu")(keras.layers.Dense(32, "relu")(inputs))
        model = keras.Model(inputs, keras.layers.Dense(2, "softmax")(h))
        model.compile(
            keras.optimizers.Adam(0.01),
            "sparse_categorical_crossentropy",
            metrics=["accuracy"],
            steps_per_execution=spe,
        )
        return model

    def data(seed: int) -> Any:
        return pipeline((x, y), batch_size=32, training=True, seed=seed)

    case(
        "c: stub MLP, 640 cases in batches of 32",
        "epoch",
        20,
        build,
        data,
        {"fit": (2, 12), "compiled": (5, 45)},
        5,
        repeats,
        steps_per_execution=20,
    )


def main() -> None:
    """Run the three cases and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=["a", "b", "c"])
    args = parser.parse_args()
    print(f"compiled loops on {os.cpu_count()} cores; figures are the best of {args.repeats}")
    for key, run in (("a", symmetry_case), ("b", lstm_case), ("c", stub_case)):
        if args.only in (None, key):
            run(args.repeats)


if __name__ == "__main__":
    main()
