"""Runs that yield frames: paintings, sweeps, the line fit and the classification, their clocks, the
recipe that turns settings into a run, and the forecast.
"""
