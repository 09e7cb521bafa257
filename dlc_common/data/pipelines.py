# SPDX-FileCopyrightText: 2026 Latently Deep Learning Certificate maintainers
# SPDX-License-Identifier: GPL-3.0-or-later
"""tf.data input pipelines in the order of TensorFlow's performance guide.

``pipeline`` does: per-worker shard, preprocess, cache, seeded shuffle, parallel map, batch,
prefetch. For data in memory the shuffle order of epoch ``e`` depends only on ``(seed, e)``,
not on how many epochs this process has already iterated, so a run resumed at epoch ``e``
sees exactly the batches an uninterrupted run sees. ``dlc_common.run.train.fit`` tells pipelines
the epoch; with plain ``keras.Model.fit`` each new pass over the data counts as the next epoch.

Importing this module imports TensorFlow.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

# isort: off
import dlc_common.quiet  # noqa: F401  (must run before TensorFlow is imported)
import tensorflow as tf

# isort: on

__all__ = ["pipeline", "set_epoch"]

AUTOTUNE = tf.data.AUTOTUNE
_CLOCKS: weakref.WeakSet[_EpochClock] = weakref.WeakSet()


class _EpochClock:
    """The epoch a training pipeline is in; a new pass over the data moves it on by one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0

    def take(self) -> int:
        with self._lock:
            epoch, self._next = self._next, self._next + 1
        return epoch

    def set(self, epoch: int) -> None:
        with self._lock:
            self._next = epoch


def set_epoch(epoch: int) -> None:
    """Tell every live training pipeline that its next pass over the data is epoch ``epoch``."""
    for clock in list(_CLOCKS):
        clock.set(epoch)


def _in_memory(source: Any) -> Any | None:
    """The source as a structure of tensors if it is arrays in memory, else None."""
    if isinstance(source, tf.data.Dataset):
        return None
    if isinstance(source, list):
        source = tuple(source)
    return tf.nest.map_structure(tf.convert_to_tensor, source)


def _length(tensors: Any) -> int:
    lengths = {int(t.shape[0]) for t in tf.nest.flatten(tensors)}
    if len(lengths) != 1:
        raise ValueError(f"pipeline: the arrays differ in length: {sorted(lengths)}")
    return lengths.pop()


def pipeline(
    source: Any,
    *,
    batch_size: int,
    training: bool,
    seed: int = 0,
    preprocess: Callable[..., Any] | None = None,
    map_fn: Callable[..., Any] | None = None,
    cache: bool | str = True,
    shuffle_buffer: int | None = None,
    drop_remainder: bool = False,
    input_context: tf.distribute.InputContext | None = None,
) -> tf.data.Dataset:
    """A batched, prefetched dataset from arrays (a tuple or dict of them) or a tf.data.Dataset.

    ``preprocess`` is deterministic work done once and cached; ``map_fn`` runs on every
    element every epoch, after the shuffle (augmentation). ``cache`` is True (memory), a file
    path, or False. Training data from arrays is shuffled completely, in an order that depends
    only on ``(seed, epoch)``; a tf.data.Dataset source is shuffled with tf.data's buffer
    (``shuffle_buffer``, default 10000) and reshuffled each epoch, so only array sources give
    a resumed run exactly the batches of an uninterrupted one. With ``input_context`` (from
    ``strategy.distribute_datasets_from_function``) the data is sharded per worker and
    ``batch_size`` is the global batch, divided among the replicas.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size: expected a positive integer, got {batch_size}")
    options = tf.data.Options()
    options.deterministic = True  # parallel map and batch keep element order
    tensors = _in_memory(source)
    dataset = tf.data.Dataset.from_tensor_slices(tensors) if tensors is not None else source
    if input_context is not None:
        # Shard first, so that each worker reads and preprocesses only its own part.
        dataset = dataset.shard(input_context.num_input_pipelines, input_context.input_pipeline_id)
        batch_size = input_context.get_per_replica_batch_size(batch_size)
        options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
        if tensors is not None:
            tensors = dataset.batch(_length(tensors)).get_single_element()
    if preprocess is not None:
        dataset = dataset.map(preprocess, num_parallel_calls=AUTOTUNE, deterministic=True)
        if tensors is not None and cache is True:
            # Preprocess once, into memory: the cache, in a form the shuffle can index.
            tensors = dataset.batch(max(_length(tensors), 1)).get_single_element()
            dataset = tf.data.Dataset.from_tensor_slices(tensors)
        else:
            tensors = None
    if training and tensors is not None and shuffle_buffer is None:
        # In memory already: cache() would only copy it again.
        return _permuted(tensors, seed, batch_size, map_fn, drop_remainder).with_options(options)
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    if training:
        dataset = dataset.shuffle(
            shuffle_buffer or 10_000, seed=seed, reshuffle_each_iteration=True
        )
    if map_fn is not None:
        dataset = dataset.map(map_fn, num_parallel_calls=AUTOTUNE, deterministic=True)
    dataset = dataset.batch(
        batch_size, drop_remainder=drop_remainder, num_parallel_calls=AUTOTUNE, deterministic=True
    )
    return dataset.prefetch(AUTOTUNE).with_options(options)


def _permuted(
    tensors: Any,
    seed: int,
    batch_size: int,
    map_fn: Callable[..., Any] | None,
    drop_remainder: bool,
) -> tf.data.Dataset:
    """Batches of in-memory data in an order that is a function of (seed, epoch) only."""
    size = _length(tensors)
    clock = _EpochClock()
    _CLOCKS.add(clock)

    def one_epoch(_: tf.Tensor) -> tf.data.Dataset:
        # Runs once per pass, when the pass starts: passes take consecutive epochs, and
        # dlc_common.run.train.fit sets the first one to the epoch a (resumed) fit starts at.
        epoch = tf.py_function(clock.take, [], tf.int64)
        key = tf.stack([tf.constant(seed, tf.int64), epoch])
        order = tf.random.experimental.stateless_shuffle(tf.range(size, dtype=tf.int64), key)
        return tf.data.Dataset.from_tensor_slices(order)

    def gather(index: tf.Tensor) -> Any:
        return tf.nest.map_structure(lambda t: tf.gather(t, index), tensors)

    indices = tf.data.Dataset.from_tensors(tf.constant(0, tf.int64)).flat_map(one_epoch)
    # flat_map forgets the size; Keras needs it for progress bars and steps per epoch.
    indices = indices.apply(tf.data.experimental.assert_cardinality(size))
    if map_fn is None:
        # No per-element work: gather whole batches at once, far cheaper than element by element.
        batches = indices.batch(batch_size, drop_remainder=drop_remainder)
        dataset = batches.map(gather, num_parallel_calls=AUTOTUNE, deterministic=True)
    else:
        dataset = indices.map(gather, num_parallel_calls=AUTOTUNE, deterministic=True)
        dataset = dataset.map(map_fn, num_parallel_calls=AUTOTUNE, deterministic=True)
        dataset = dataset.batch(
            batch_size,
            drop_remainder=drop_remainder,
            num_parallel_calls=AUTOTUNE,
            deterministic=True,
        )
    return dataset.prefetch(AUTOTUNE)
