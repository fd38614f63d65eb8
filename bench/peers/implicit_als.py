"""The batch ALS peer of the recommendations benchmark: implicit's AlternatingLeastSquares
(PyPI `implicit`, Hu/Koren/Volinsky confidence-weighted ALS) trained on the same first 90% of
the interactions that pushflow's models train on, then scored on the very same test
interactions, in the same order, with the same exclusions.

Input: the interactions exported by bench/recsBench.ts, one per line in time order:
`user,item,confidence,label` with dense integer ids and label train|scored|revisit|ignored.

Variants (--retrain-every, --fold-in):
  frozen:             fit once on the prefix; a user unknown then gets no recommendation.
  retrain every N:    refit on everything seen so far after every N test interactions.
  fold-in:            additionally recompute the user's factors from their current history at
                      each request (the least-squares solve of implicit's recalculate_user, done
                      here in numpy: implicit's own recommend() recomputes Y^T Y on every call),
                      the best a batch model can do for users that appear after its last fit.
Scoring is the dot product with every item the last fit knew (items that appeared later cannot
be recommended: that is what a batch model misses).
Prints one JSON line: HR@K, NDCG@K, Recall@20 overall and for users with history, recommend
latency p50/p99 in ms, fit time.
"""

import argparse
import json
import math
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from scipy.sparse import csr_matrix
from implicit.cpu.als import AlternatingLeastSquares


def read(path):
    users, items, weights, labels = [], [], [], []
    with open(path) as f:
        for line in f:
            u, i, w, label = line.rstrip("\n").split(",")
            users.append(int(u))
            items.append(int(i))
            weights.append(float(w))
            labels.append(label)
    return users, items, weights, labels


class Metrics:
    def __init__(self, k):
        self.k, self.count, self.hits, self.gain, self.hits20 = k, 0, 0, 0.0, 0

    def add(self, rank):
        self.count += 1
        if rank < 0:
            return
        if rank < self.k:
            self.hits += 1
            self.gain += 1 / math.log2(rank + 2)
        if rank < 20:
            self.hits20 += 1

    def summary(self):
        n = max(1, self.count)
        return {"count": self.count, "hr": self.hits / n, "ndcg": self.gain / n, "recall20": self.hits20 / n}


def factors_of(model):
    user_factors = np.asarray(model.user_factors)
    item_factors = np.asarray(model.item_factors)
    return user_factors, item_factors, item_factors.T.astype(np.float64) @ item_factors.astype(np.float64)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("interactions")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--factors", type=int, default=32)
    parser.add_argument("--regularization", type=float, default=0.01)
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--max-confidence", type=float, default=10.0)
    parser.add_argument("--retrain-every", type=int, default=0)
    parser.add_argument("--fold-in", action="store_true")
    parser.add_argument("--exclude-seen", action="store_true")
    args = parser.parse_args()

    users, items, weights, labels = read(args.interactions)
    depth = max(args.k, 20)
    # Each user's history so far: item -> confidence (repeated events add up, capped, as in pushflow).
    history = {}

    def learn(u, i, w):
        row = history.setdefault(u, {})
        row[i] = min(row.get(i, 0.0) + w, args.max_confidence)

    def fit():
        n_users = max(history) + 1
        n_items = max(max(r) for r in history.values() if r) + 1
        rows, cols, data = [], [], []
        for u, row in history.items():
            for i, w in row.items():
                rows.append(u)
                cols.append(i)
                data.append(w)
        matrix = csr_matrix((np.array(data, dtype=np.float32), (rows, cols)), shape=(n_users, n_items))
        model = AlternatingLeastSquares(
            factors=args.factors, regularization=args.regularization, alpha=args.alpha,
            iterations=args.iterations, random_state=42, calculate_training_loss=False, num_threads=1,
        )
        started = time.perf_counter()
        model.fit(matrix, show_progress=False)
        return model, n_users, n_items, time.perf_counter() - started

    first_test = next(j for j, label in enumerate(labels) if label != "train")
    for j in range(first_test):
        learn(users[j], items[j], weights[j])
    model, n_users, n_items, fit_seconds = fit()
    fits, fit_total = 1, fit_seconds
    # Users the last fit knew (with a trained row); others have no factors unless folded in.
    fitted_users = set(history)
    user_factors, item_factors, gram = factors_of(model)

    def fold_in(known):
        """The user's factors from their current history, as implicit's recalculate_user solves
        them: (YtY + Y_u^T (C_u - I) Y_u + reg I) x = Y_u^T C_u 1, with C = alpha * confidence."""
        cols = np.fromiter(known.keys(), dtype=np.int64, count=len(known))
        confidence = args.alpha * np.fromiter(known.values(), dtype=np.float64, count=len(known))
        y = item_factors[cols].astype(np.float64)
        a = gram + args.regularization * np.eye(gram.shape[0]) + y.T @ ((confidence - 1)[:, None] * y)
        return np.linalg.solve(a, y.T @ confidence).astype(np.float32)

    overall, with_history = Metrics(args.k), Metrics(args.k)
    latencies = []
    updates = 0
    for j in range(first_test, len(labels)):
        u, i, w, label = users[j], items[j], weights[j], labels[j]
        if label == "ignored":
            continue
        if label == "scored":
            row = history.get(u, {})
            known = {c: v for c, v in row.items() if c < n_items}
            started = time.perf_counter()
            rank = -1
            can_score = len(known) > 0 if args.fold_in else u in fitted_users
            if can_score:
                vector = fold_in(known) if args.fold_in else user_factors[u]
                scores = item_factors @ vector
                if args.exclude_seen:
                    scores[np.fromiter(known.keys(), dtype=np.int64, count=len(known))] = -np.inf
                top = np.argpartition(-scores, depth)[:depth] if len(scores) > depth else np.arange(len(scores))
                ids = top[np.argsort(-scores[top], kind="stable")]
                ids = ids[np.isfinite(scores[ids])]
                hits = np.nonzero(ids == i)[0]
                rank = int(hits[0]) if len(hits) else -1
            latencies.append((time.perf_counter() - started) * 1000)
            overall.add(rank)
            if len(row) > 0:
                with_history.add(rank)
        learn(u, i, w)
        updates += 1
        if args.retrain_every > 0 and updates % args.retrain_every == 0:
            model, n_users, n_items, fit_seconds = fit()
            fits += 1
            fit_total += fit_seconds
            fitted_users = set(history)
            user_factors, item_factors, gram = factors_of(model)

    latencies.sort()
    pick = lambda p: latencies[min(len(latencies) - 1, max(0, math.ceil(p / 100 * len(latencies)) - 1))] if latencies else 0
    print(json.dumps({
        "model": "implicit-als",
        "variant": ("retrain every %d" % args.retrain_every if args.retrain_every else "frozen") + (" + fold-in" if args.fold_in else ""),
        "all": overall.summary(),
        "withHistory": with_history.summary(),
        "latencyMs": {"p50": pick(50), "p99": pick(99)},
        "fits": fits,
        "fitSeconds": round(fit_total, 2),
        "params": {"factors": args.factors, "regularization": args.regularization, "alpha": args.alpha, "iterations": args.iterations},
    }))


if __name__ == "__main__":
    main()
