"""Runs that yield frames: paintings, sweeps, the line fit and the classification, their clocks;
the recipe that turns settings into a run (every default and refusal), the forecast, the advice
(warnings) and the info report, the same for the command line and the Python API.
"""
