"""A literal Python port of the training loop of the JavaScript demo paintlr grew from (the seed): an oracle.

It keeps the seed's structure on purpose: dense one-hot samples with a prepended
bias input, scores per sample, the cost checked on log epochs only, and one
update per parameter summed over every sample. O(n^2) per epoch: tiny images only.
"""


def seed_train(samples, labels, params, *, learning_rate=0.05, max_cost=0.05, epochs=10,
               log_cost=100, log_callback=None):
    """Train `params` (a list, bias first) on labels[i][0] exactly as the seed does."""
    max_epochs = epochs
    epoch = 0
    m = len(samples)
    lr = learning_rate / m
    cost_frac = 1 / (2 * m)
    samples = [[1.0, *sample] for sample in samples]

    def score(sample):
        return sum(p * x for p, x in zip(params, sample))

    while epoch < max_epochs:
        epoch += 1
        scores = [score(sample) for sample in samples]
        if log_cost > 0 and epoch % log_cost == 1:
            error_squared = sum((s - labels[i][0]) ** 2 for i, s in enumerate(scores))
            cost = cost_frac * error_squared
            if cost != cost:
                raise ArithmeticError("Cost exploded")
            if cost < max_cost:
                break
            if log_callback:
                log_callback(epoch, cost)
        errors = [s - labels[i][0] for i, s in enumerate(scores)]
        params = [
            param - lr * sum(error * samples[row][col] for row, error in enumerate(errors))
            for col, param in enumerate(params)
        ]
    return params, epoch


def one_hot(n):
    """The seed's training samples for an n-pixel image: row i is the unit vector e_i."""
    return [[1.0 if j == i else 0.0 for j in range(n)] for i in range(n)]
