#!/usr/bin/env python3
"""Reference only (not used by dvae or its tests): the `dvae bench` training step written with
jax.jit, to compare the two on the same machine, back to back.

Same step as `runBenchmark`: 784-200-200 softplus encoder with linear mu/logvar heads (50 latent),
50-200-200-784 softplus decoder with Bernoulli logits, batch 100, K = M = 1, salt-and-pepper 0.05
on the encoder's input (the decoder scores the clean x), DVAE objective, Adam lr 1e-3; data 1000
random binary images of density 0.13 cycled in order. The whole step (corruption, sampling, forward,
backward, Adam) is one jitted function.

    pip install jax && python3 scripts/jax-reference-step.py [--steps 200] [--repeats 3]
Prints examples/second of each repeat and the best, `step GFLOP/s` with dvae's flop count, and the
CPU time per step (all threads; a steadier measure than wall time on a shared machine). For one
thread: XLA_FLAGS="--xla_cpu_multi_thread_eigen=false" taskset -c 0.
"""
import argparse
import time

import jax
import jax.numpy as jnp

STEP_FLOPS = 0.2228e9  # trainingStepFlops(benchmarkModelConfig, batch: 100), as in `dvae bench`


def glorot(key, n_in, n_out):
    limit = (6.0 / (n_in + n_out)) ** 0.5
    return jax.random.uniform(key, (n_in, n_out), jnp.float32, -limit, limit)


def init(key):
    sizes_enc = [(784, 200), (200, 200)]
    sizes_dec = [(50, 200), (200, 200), (200, 784)]
    keys = jax.random.split(key, 8)
    p = {}
    for i, (a, b) in enumerate(sizes_enc):
        p[f"e{i}"] = (glorot(keys[i], a, b), jnp.zeros(b, jnp.float32))
    p["mu"] = (glorot(keys[2], 200, 50), jnp.zeros(50, jnp.float32))
    p["lv"] = (0.1 * glorot(keys[3], 200, 50), jnp.zeros(50, jnp.float32))
    for i, (a, b) in enumerate(sizes_dec):
        p[f"d{i}"] = (glorot(keys[4 + i], a, b), jnp.zeros(b, jnp.float32))
    return p


def loss(p, x, key):
    k1, k2, k3 = jax.random.split(key, 3)
    # salt-and-pepper 0.05: with probability 0.05 replace the pixel by 0 or 1 (each with prob. 1/2)
    hit = jax.random.uniform(k1, x.shape) < 0.05
    salt = (jax.random.uniform(k2, x.shape) < 0.5).astype(jnp.float32)
    xt = jnp.where(hit, salt, x)
    h = xt
    for name in ("e0", "e1"):
        w, b = p[name]
        h = jax.nn.softplus(h @ w + b)
    mu = h @ p["mu"][0] + p["mu"][1]
    lv = h @ p["lv"][0] + p["lv"][1]
    eps = jax.random.normal(k3, mu.shape)
    z = mu + jnp.exp(0.5 * lv) * eps
    h = z
    for name in ("d0", "d1"):
        w, b = p[name]
        h = jax.nn.softplus(h @ w + b)
    logits = h @ p["d2"][0] + p["d2"][1]
    loglik = jnp.sum(x * logits - jax.nn.softplus(logits), axis=1)
    # log p(z) - log q(z|x~) with eps fixed: 1/2 sum(lv + eps^2 - z^2)
    kl_term = 0.5 * jnp.sum(lv + eps * eps - z * z, axis=1)
    return -jnp.mean(loglik + kl_term)


def adam_init(p):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, p)
    return zeros, zeros, 0


@jax.jit
def step(p, m, v, t, x, key):
    g = jax.grad(loss)(p, x, key)
    t = t + 1
    b1, b2, lr, eps = 0.9, 0.999, 1e-3, 1e-8
    m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
    v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
    c1, c2 = 1 - b1 ** t, 1 - b2 ** t
    p = jax.tree_util.tree_map(lambda p, m, v: p - lr * (m / c1) / (jnp.sqrt(v / c2) + eps), p, m, v)
    return p, m, v, t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    key = jax.random.PRNGKey(0)
    data = (jax.random.uniform(jax.random.PRNGKey(1), (1000, 784)) < 0.13).astype(jnp.float32)
    batches = [data[i * 100:(i + 1) * 100] for i in range(10)]
    p = init(key)
    m, v, _ = adam_init(p)
    t = jnp.float32(0)
    for s in range(20):  # warm-up (includes compilation)
        key, sub = jax.random.split(key)
        p, m, v, t = step(p, m, v, t, batches[s % 10], sub)
    jax.block_until_ready(p)
    best = 0.0
    for r in range(args.repeats):
        start, cpu = time.perf_counter(), time.process_time()
        for s in range(args.steps):
            key, sub = jax.random.split(key)
            p, m, v, t = step(p, m, v, t, batches[s % 10], sub)
        jax.block_until_ready(p)
        seconds = time.perf_counter() - start
        cpu_ms = (time.process_time() - cpu) * 1e3 / args.steps
        eps = args.steps * 100 / seconds
        best = max(best, eps)
        print(f"repeat {r + 1}: {eps:.0f} examples/s, step {STEP_FLOPS * args.steps / seconds / 1e9:.2f} GFLOP/s, "
              f"{cpu_ms:.2f} CPU-ms per step (all threads)")
    print(f"jax {jax.__version__} best: {best:.0f} examples/s")


if __name__ == "__main__":
    main()
