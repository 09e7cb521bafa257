# SPDX-FileCopyrightText: {{ dlc().copyright }}
# SPDX-License-Identifier: GPL-3.0-or-later
"""The model and the data: shapes, determinism, and a model that learns."""

from __future__ import annotations

import numpy as np
from dlc_common.config import Config
from dlc_common.run.runtime import seed_everything

from {{ dlc().package_name }} import experiment


def batches(dataset) -> tuple[np.ndarray, np.ndarray]:
    """All examples of a batched dataset as two arrays."""
    features, labels = zip(*dataset.as_numpy_iterator(), strict=True)
    return np.concatenate(features), np.concatenate(labels)


def test_data_splits_are_disjoint_and_fixed_by_the_data_seed(smoke: Config) -> None:
    first, second = experiment.load_data(smoke, seed=0), experiment.load_data(smoke, seed=1)
    train, test = batches(first.train), batches(first.test)
    assert len(train[0]) and len(test[0])
    assert not {tuple(row) for row in train[0]} & {tuple(row) for row in test[0]}
    # The run's seed changes the order of the training data, never the data themselves.
    other = batches(second.train)
    assert sorted(map(tuple, train[0])) == sorted(map(tuple, other[0]))
    np.testing.assert_array_equal(batches(second.test)[0], test[0])


def test_model_maps_a_batch_to_class_probabilities(smoke: Config) -> None:
    model = experiment.build_model(smoke)
    features, _ = next(experiment.load_data(smoke, seed=0).train.as_numpy_iterator())
    probabilities = np.asarray(model(features))
    assert probabilities.shape == (len(features), smoke["data.classes"])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_model_learns(smoke: Config) -> None:
    seed_everything(0)
    data = experiment.load_data(smoke, seed=0)
    model = experiment.build_model(smoke)
    before = model.evaluate(data.train, return_dict=True, verbose=0)["loss"]
    model.fit(data.train, epochs=5, verbose=0, shuffle=False)  # the pipeline shuffles
    after = model.evaluate(data.train, return_dict=True, verbose=0)["loss"]
    assert after < before
