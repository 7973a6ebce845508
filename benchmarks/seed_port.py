"""A literal Python port of the training loop of the JavaScript demo paintlr grew from (the seed).

Kept deliberately naive: samples are lists of lists, every epoch scores every
sample against all n + 1 weights and then updates every weight by summing over
every sample, so an epoch costs O(n^2) time and the samples O(n^2) memory. The
seed learns one output (labels[i][0]); a colour image is three such models.
"""

from __future__ import annotations

import math


class CostExploded(ArithmeticError):
    pass


class SeedLinearRegressionModel:
    def __init__(self, n_params: int):
        self.params = [0.0] * n_params

    def score(self, inputs, has_bias=False):
        if not has_bias:
            inputs = [1, *inputs]
        return sum(param * x for param, x in zip(self.params, inputs, strict=True))

    def train(self, samples, labels, config):
        max_epochs = config.get("epochs") or 10
        epoch = 0
        max_cost = config.get("maxCost") or 0.05
        learning_rate = config.get("learningRate") or 0.05
        log_cost = config.get("logCost") or 100
        log_callback = config.get("logCallback") or (lambda info: None)
        m = len(samples)

        lr = learning_rate / m
        cost_frac = 1 / (2 * m)

        # Add zeroth bias input
        samples = [[1, *sample] for sample in samples]

        while epoch < max_epochs:
            epoch += 1
            scores = [self.score(sample, True) for sample in samples]

            if log_cost > 0 and epoch % log_cost == 1:
                error_squared = 0
                for i, score in enumerate(scores):
                    diff = score - labels[i][0]
                    error_squared += diff * diff
                cost = cost_frac * error_squared
                if math.isnan(cost):
                    raise CostExploded("Cost exploded")
                if cost < max_cost:
                    break
                log_callback({"model": self, "cost": cost, "epoch": epoch})

            errors = [score - labels[i][0] for i, score in enumerate(scores)]
            self.params = [
                param - lr * sum(error * samples[row][col] for row, error in enumerate(errors))
                for col, param in enumerate(self.params)
            ]
        return epoch


def one_hot_samples(n: int) -> list[list[int]]:
    """The seed's trainingX: n one-hot rows of length n."""
    rows = []
    for i in range(n):
        row = [0] * n
        row[i] = 1
        rows.append(row)
    return rows


def train_rgb(samples, channels, epochs: int, learning_rate: float = 0.05) -> None:
    """Three (or one) seed models, one per colour channel, as the seed would need."""
    for labels in channels:
        model = SeedLinearRegressionModel(len(samples) + 1)
        model.train(samples, labels, {"epochs": epochs, "learningRate": learning_rate,
                                      "maxCost": 1e-300})
