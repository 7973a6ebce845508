"""The names and default values of paintlr's settings: where the command line and the runs read them.

numpy-free on purpose: the command line builds its flags from these without
importing the numerics, so `paintlr --help` starts at once.
"""

from __future__ import annotations

MODELS = ("linear", "logistic")  # regression of the colours, or a classifier of palette colours
FEATURES = ("onehot", "xy", "poly", "fourier", "cosine")  # onehot: the seed's design, no feature map
OPTIMIZERS = ("gd", "sgd", "momentum", "nesterov")  # momentum: heavy ball
ENGINES = ("auto", "exact", "iterate")  # exact: GD and momentum jump to any epoch in closed form
SOLVERS = ("gd", "lstsq")  # train by gradient descent, or write the least-squares optimum
INITS = ("zeros", "mean", "random")

SIZE = 256  # pixels on the long side of the working image
BACKGROUND = "white"  # under transparent pixels
SEED_LEARNING_RATE = 0.05  # the seed demo's rate on its one-hot design
MOMENTUM = 0.9  # heavy ball's (and Nesterov's) beta
BEST = "best"  # --learning-rate best, --momentum best: from the Gram matrix's extreme eigenvalues
BATCH_SIZE = 1  # per-sample SGD
DEFAULT_MAX_COST = 1e-4  # 37 dB: the picture is hard to tell from the photo
OPTIMUM_MARGIN = 1.1  # a design that cannot reach DEFAULT_MAX_COST stops at 1.1 x its optimum (0.4 dB)
MAX_EPOCHS = 10**9  # linear regression
EPOCHS_LIMIT = 10**15  # the most --max-epochs takes: far past any run, and still exact as a float
LOGISTIC_MAX_EPOCHS = 10**6
CLASSIFY_EPOCHS = 10_000  # a classify run's budget: logistic GD may never settle (separable classes)
MAX_CLASSES = 20  # classify refuses more: a y of many values is a continuous target, not classes
LOGISTIC_RATE_FRACTION = 0.75  # logistic's default rate as a share of its stable limit
DEFAULT_PALETTE = 8  # colours

EXAMPLES = ("points", "admissions", "iris")  # tables bundled in paintlr/data for fit and classify
FIT_SIZE = (960, 540)  # pixels of a fit or classify frame

# A run's status at a frame, the one vocabulary of every run (fit, classify, learn, sweep): still
# going; ended at its threshold (or the optimum); ended on its epoch budget short of it; blown up.
RUNNING, CONVERGED, STOPPED, DIVERGED = "running", "converged", "stopped", "diverged"
STATUS_WORDS = {RUNNING: "running", CONVERGED: "converged", STOPPED: "stopped at the epoch limit",
                DIVERGED: "diverged"}  # each status as a title or summary says it

FRAMES = 60
MAX_FRAMES = 2000  # no run draws more frames than this
FPS = 20.0
MAX_FPS = 100.0
MIN_FPS = 0.002  # 500 s a frame: GIF stores at most 655.35 s
MAX_SCALE = 64
MAX_FRAME_PIXELS = 1 << 26  # 67 megapixels (8192 x 8192) in one written frame
QUALITY = 90  # lossy WebP and JPEG; "lossless" keeps every pixel (JPEG: 100)

DEGREE = 30
MAX_DEGREE = 90  # 4,185 polynomial features: a Gram matrix eigh still finishes on
N_FEATURES = 3072
MAX_N_FEATURES = 8192
SIGMA = 16.0  # cycles per image width
MAX_RENDER_SIZE = 8192
