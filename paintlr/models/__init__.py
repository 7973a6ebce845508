"""The estimators: the one descent loop, the optimizers, linear and logistic regression."""
