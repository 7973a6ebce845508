"""A fresh interpreter's matplotlib import, first figure and first frames, for bench_tables.py.

    tables_child.py cold          the three matplotlib imports the figures need, nothing imported before
    tables_child.py JOB FOLDER    JOB (points, rows or admissions; rows.csv in FOLDER) as the CLI runs it:
                                  what cli.fit / cli.classify import before the figure, then the
                                  matplotlib imports on top of those, the table, the plan, the
                                  figure's construction and its first two draws

Prints one JSON object of seconds (`time.perf_counter` around each step).
"""

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402


def matplotlib_import() -> float:
    start = time.perf_counter()
    import matplotlib  # noqa: F401
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401

    return time.perf_counter() - start


def main() -> None:
    if sys.argv[1] == "cold":
        print(json.dumps({"mpl": matplotlib_import()}))
        return
    name, folder = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    import click  # noqa: F401
    import tables_jobs  # numpy, Pillow and the paintlr modules cli.fit / cli.classify import
    import tqdm  # noqa: F401

    import paintlr.cli  # noqa: F401
    t = {"imports": time.perf_counter() - start}
    t["mpl"] = matplotlib_import()  # on top of numpy and Pillow, as in the CLI
    from pathlib import Path

    job = tables_jobs.build(name, Path(folder), keep_states=False)
    t.update(table=job.times["table"], plan=job.times["plan"], figure=job.times["figure"])
    ticks = iter(job.states)
    if "reference" in job.times:  # classify: the palette's reference is the figure's first draw
        t["first_draw"] = job.times["reference"]
    else:
        start = time.perf_counter()
        job.figure.draw(next(ticks))
        t["first_draw"] = time.perf_counter() - start
    state = next(ticks)  # not timed: training, not drawing
    start = time.perf_counter()
    job.figure.draw(state)
    t["second_draw"] = time.perf_counter() - start
    t["total_in_process"] = time.perf_counter() - T0
    print(json.dumps(t))


if __name__ == "__main__":
    main()
