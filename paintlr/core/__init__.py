"""The mathematics: numerics, closed-form trajectories, designs, their spectra and the best settings,
the palette. numpy only, no I/O.
"""
