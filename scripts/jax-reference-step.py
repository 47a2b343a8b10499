#!/usr/bin/env python3
"""Reference only (not used by dvae or its tests): the `dvae bench` training step written as the
fastest honest JAX we could write, to compare the two on the same machine in the same window.

Same step as `runBenchmark`: 784-200-200 softplus encoder with linear mu/logvar heads (50 latent),
50-200-200-784 softplus decoder with Bernoulli logits, batch 100, K = M = 1, salt-and-pepper 0.05
on the encoder's input (the decoder scores the clean x), DVAE objective, Adam lr 1e-3 in dvae's
form (bias corrections folded into the step size and epsilon); data 1000 random binary images of
density 0.13 cycled in order.

What makes it fast (each a choice a JAX user would make):
- the whole update (batch slice, key split, corruption, sampling, forward, backward, Adam) is one
  `jax.jit`; parameters, both moments, the step count and the key are donated, so XLA updates
  them in place; the data stay on the device and each step slices its batch inside the jit;
- the random numbers come from `jax_default_prng_impl` (default `unsafe_rbg`, XLA's
  RngBitGenerator, much cheaper than threefry); the corruption needs one uniform per pixel
  (u < p hits, and u < p/2 of those are salt), the sampling one normal per latent unit;
- `--scan N` runs N steps per call inside `lax.scan` (no Python dispatch between them).

It times two steps, each in its own compiled function: `noise` (the DVAE step above, what
`dvae bench` runs) and `clean` (the same with no corruption: the noise-free step, the strictest
comparison, since dvae's step includes its corruption).

Threads, as dvae uses them (`--threads N`: N workers, each one BLAS thread): this script pins
itself to N CPUs (sched_setaffinity before jax is imported, which sizes XLA's intra-op thread
pool from the CPUs it may run on) and, for N = 1, also turns off XLA's multi-threaded Eigen
(`--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1`). Check with `--threads`
and the `threads` line it prints.

    python3 -m venv /work/jaxenv && /work/jaxenv/bin/pip install jax
    /work/jaxenv/bin/python scripts/jax-reference-step.py [--threads 2] [--steps 300] [--repeats 3]

For AVX2 kernels on an AVX-512 CPU: XLA_FLAGS=--xla_cpu_max_isa=AVX2. Prints examples/second of
each repeat and the best for each step, `step GFLOP/s` with dvae's flop count, and the CPU time
per step (all threads); `--json` prints one JSON object at the end.
"""
import argparse
import json
import os
import sys
import time

STEP_FLOPS = 0.2228e9  # trainingStepFlops(benchmarkModelConfig, batch: 100), as in `dvae bench`


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=300, help="timed steps per repeat")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                    help="CPUs (and XLA threads) to use; default: the CPUs this process may run on")
    ap.add_argument("--prng", default="unsafe_rbg", choices=["threefry2x32", "rbg", "unsafe_rbg"],
                    help="jax_default_prng_impl")
    ap.add_argument("--scan", type=int, default=1, help="steps per jitted call (lax.scan)")
    ap.add_argument("--steps-kind", default="noise,clean", help="which steps to time: noise, clean or both")
    ap.add_argument("--json", action="store_true")
    return ap.parse_args()


ARGS = parse()
# Pin before jax is imported: XLA sizes its intra-op thread pool from the schedulable CPUs.
_cpus = sorted(os.sched_getaffinity(0))
if ARGS.threads < 1 or ARGS.threads > len(_cpus):
    sys.exit(f"jax-reference-step.py: --threads {ARGS.threads}: this process may run on {len(_cpus)} CPUs")
os.sched_setaffinity(0, set(_cpus[:ARGS.threads]))
if ARGS.threads == 1:
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

jax.config.update("jax_default_prng_impl", ARGS.prng)

BATCH, P_NOISE = 100, 0.05
B1, B2, LR, EPS = 0.9, 0.999, 1e-3, 1e-8


def glorot(key, n_in, n_out):
    limit = (6.0 / (n_in + n_out)) ** 0.5
    return jax.random.uniform(key, (n_in, n_out), jnp.float32, -limit, limit)


def init(key):
    keys = jax.random.split(key, 7)
    p = {}
    for i, (a, b) in enumerate([(784, 200), (200, 200)]):
        p[f"e{i}"] = (glorot(keys[i], a, b), jnp.zeros(b, jnp.float32))
    p["mu"] = (glorot(keys[2], 200, 50), jnp.zeros(50, jnp.float32))
    p["lv"] = (0.1 * glorot(keys[3], 200, 50), jnp.zeros(50, jnp.float32))
    for i, (a, b) in enumerate([(50, 200), (200, 200), (200, 784)]):
        p[f"d{i}"] = (glorot(keys[4 + i], a, b), jnp.zeros(b, jnp.float32))
    return p


def make_loss(noise):
    def loss(p, x, key):
        k1, k2 = jax.random.split(key)
        if noise:
            # salt-and-pepper: with probability p the pixel becomes 0 or 1 (each p/2); one uniform.
            u = jax.random.uniform(k1, x.shape)
            xt = jnp.where(u < P_NOISE, (u < 0.5 * P_NOISE).astype(jnp.float32), x)
        else:
            xt = x
        h = xt
        for name in ("e0", "e1"):
            w, b = p[name]
            h = jax.nn.softplus(h @ w + b)
        mu = h @ p["mu"][0] + p["mu"][1]
        lv = h @ p["lv"][0] + p["lv"][1]
        eps = jax.random.normal(k2, mu.shape)
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
    return loss


def make_step(noise, data, scan):
    grad = jax.grad(make_loss(noise))
    batches = data.shape[0] // BATCH

    def one(state, _):
        p, m, v, t, key = state
        key, sub = jax.random.split(key)
        x = lax.dynamic_slice_in_dim(data, (t % batches) * BATCH, BATCH)
        g = grad(p, x, sub)
        t = t + 1
        # dvae's Adam (Adam.coefficients): bias corrections folded into the step size and epsilon.
        tf = t.astype(jnp.float32)
        c1, c2 = 1 - B1 ** tf, 1 - B2 ** tf
        alpha, eps_hat = LR * jnp.sqrt(c2) / c1, EPS * jnp.sqrt(c2)
        m = jax.tree_util.tree_map(lambda m, g: B1 * m + (1 - B1) * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: B2 * v + (1 - B2) * g * g, v, g)
        p = jax.tree_util.tree_map(lambda p, m, v: p - alpha * m / (jnp.sqrt(v) + eps_hat), p, m, v)
        return (p, m, v, t, key), None

    def steps(state):
        if scan == 1:
            return one(state, None)[0]
        return lax.scan(one, state, None, length=scan)[0]

    return jax.jit(steps, donate_argnums=0)


def time_step(kind, data, key):
    p = init(key)
    zeros = jax.tree_util.tree_map(jnp.zeros_like, p)
    state = (p, zeros, jax.tree_util.tree_map(jnp.zeros_like, p), jnp.int32(0), jax.random.key(7))
    step = make_step(kind == "noise", data, ARGS.scan)
    calls = max(1, ARGS.steps // ARGS.scan)
    for _ in range(max(2, 30 // ARGS.scan)):  # warm-up (includes compilation)
        state = step(state)
    jax.block_until_ready(state)
    rates = []
    for r in range(ARGS.repeats):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            state = step(state)
        jax.block_until_ready(state)
        seconds = time.perf_counter() - start
        n = calls * ARGS.scan
        cpu_ms = (time.process_time() - cpu) * 1e3 / n
        rate = n * BATCH / seconds
        rates.append(rate)
        if not ARGS.json:
            print(f"{kind} repeat {r + 1}: {rate:.0f} examples/s, step {STEP_FLOPS * n / seconds / 1e9:.1f} GFLOP/s, "
                  f"{cpu_ms:.2f} CPU-ms per step (all threads)", flush=True)
    return rates


def main():
    data = (jax.random.uniform(jax.random.key(1), (1000, 784)) < 0.13).astype(jnp.float32)
    threads = len(os.sched_getaffinity(0))
    result = {"jax": jax.__version__, "threads": threads, "prng": ARGS.prng, "scan": ARGS.scan,
              "xla_flags": os.environ.get("XLA_FLAGS", "")}
    if not ARGS.json:
        print(f"jax {jax.__version__}, {threads} thread(s), prng {ARGS.prng}, {ARGS.scan} step(s) per call, "
              f"XLA_FLAGS='{result['xla_flags']}'", flush=True)
    for kind in ARGS.steps_kind.split(","):
        rates = time_step(kind.strip(), data, jax.random.key(0))
        result[kind.strip()] = {"examples_per_second": rates, "best": max(rates)}
        if not ARGS.json:
            print(f"{kind.strip()} best: {max(rates):.0f} examples/s", flush=True)
    if ARGS.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
