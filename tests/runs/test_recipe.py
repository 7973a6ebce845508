"""runs.recipe: the painting settings describe, the refusals, the frame scale, a sweep's paintings."""

import numpy as np
import pytest

from paintlr.errors import OptionError
from paintlr.runs.painting import Painting
from paintlr.runs.palette_painting import PalettePainting
from paintlr.runs.recipe import MODEL_TABLE, frame_scale, make_painting, sweep_painting
from paintlr.settings import BATCH_SIZE, FRAMES, MODELS, MOMENTUM

TARGET = np.random.default_rng(5).random((8, 10, 3))


@pytest.mark.parametrize("model, kind", [("linear", Painting), ("logistic", PalettePainting)])
def test_each_model_makes_its_painting(model, kind):
    painting, notes = make_painting(TARGET, model=model)
    assert type(painting) is kind and notes == []
    assert MODEL_TABLE[model].painting is kind
    assert tuple(MODEL_TABLE) == MODELS


def test_settings_reach_the_painting():
    painting, _ = make_painting(TARGET, learning_rate=0.3, max_epochs=77, optimizer="momentum", momentum=0.5)
    assert (painting.learning_rate, painting.max_epochs, painting.model.momentum) == (0.3, 77, 0.5)
    palette, _ = make_painting(TARGET, model="logistic", palette=3, soft=True, init="mean")
    assert len(palette.palette) == 3 and palette.soft  # the linear-only init is left out


def test_best_is_worked_out_from_the_design():
    painting, _ = make_painting(TARGET, learning_rate="best")
    assert 0 < painting.learning_rate < painting.max_stable_learning_rate


def test_a_lowered_feature_count_is_a_note():
    _, notes = make_painting(TARGET, features="cosine", n_features=1000)
    assert len(notes) == 1


@pytest.mark.parametrize("settings, option, words", [
    ({"model": "tree"}, "model", "model must be one of linear, logistic, not 'tree'"),
    ({"palette": 4}, "palette", "palette needs model logistic"),
    ({"soft": True}, "soft", "soft needs model logistic"),
    ({"model": "logistic", "learning_rate": "best"}, "learning_rate", "best is for the linear model"),
    ({"model": "logistic", "momentum": "best"}, "momentum", "momentum needs optimizer momentum or nesterov"),
    ({"model": "logistic", "render_size": 64}, "render_size", "is for the linear model"),
    ({"model": "logistic", "optimizer": "sgd"}, "optimizer", "batch gradient descent only (optimizer sgd)"),
    ({"model": "logistic", "engine": "iterate"}, "engine", "batch gradient descent only (engine iterate)"),
    ({"model": "logistic", "solver": "lstsq"}, "solver", "batch gradient descent only (solver lstsq)"),
])
def test_each_refusal_names_its_setting_and_the_problem(settings, option, words):
    with pytest.raises(OptionError) as caught:
        make_painting(TARGET, **settings)
    assert caught.value.option == option and words in str(caught.value)


@pytest.mark.parametrize("settings, option, words", [
    ({"momentum": MOMENTUM}, "momentum", "{momentum} needs {optimizer} momentum or nesterov"),
    ({"batch_size": BATCH_SIZE, "optimizer": "momentum"}, "batch_size", "{batch_size} needs {optimizer} sgd"),
    ({"degree": 5}, "degree", "{degree} needs {features} poly"),
    ({"n_features": 64, "features": "poly"}, "n_features", "{n_features} needs {features} fourier or cosine"),
    ({"sigma": 3, "features": "cosine"}, "sigma", "{sigma} needs {features} fourier"),
    ({"seed": 0, "features": "cosine"}, "seed",
     "{seed} needs {init} random, {optimizer} sgd, {features} fourier or {model} logistic"),
    ({"burst": 10, "frames": 30}, "frames", "{frames} cannot go with {burst}"),
])
def test_a_setting_that_cannot_change_the_run_is_refused_naming_what_it_needs(settings, option, words):
    with pytest.raises(OptionError) as caught:
        make_painting(TARGET, **settings)
    assert caught.value.option == option and caught.value.template.startswith(words)
    assert caught.value.names_itself()


@pytest.mark.parametrize("settings", [
    {"optimizer": "nesterov", "momentum": 0.5}, {"optimizer": "sgd", "batch_size": 4, "seed": 1},
    {"features": "poly", "degree": 5}, {"features": "fourier", "sigma": 3, "n_features": 64, "seed": 2},
    {"features": "cosine", "n_features": 64}, {"init": "random", "seed": 3}, {"burst": 10},
    {"model": "logistic", "palette": 3, "soft": True, "seed": 4},
])
def test_a_setting_that_changes_the_run_is_taken(settings):
    painting, _ = make_painting(TARGET, max_epochs=5, **settings)
    assert painting.frames == FRAMES  # the default, resolved in the library


def test_frame_scale_enlarges_only_what_the_painting_does_not_draw_at_size():
    one_hot, _ = make_painting(TARGET, output_size=40)
    assert frame_scale(one_hot, 40, 2) == 40 / 10 * 2  # pixels as blocks, by the outputs
    drawn, _ = make_painting(TARGET, features="xy", output_size=40)
    assert drawn.render is not None and frame_scale(drawn, 40, 2) == 2  # drawn at 40 px by the painting
    palette, _ = make_painting(TARGET, model="logistic", features="xy", output_size=40)
    assert frame_scale(palette, 40, 3) == 40 / 10 * 3
    assert frame_scale(one_hot, None, 3) == 3


RUN = {"learning_rate": 0.5, "optimizer": "gd", "design": None, "momentum": 0.9, "init": "zeros",
       "seed": None, "batch_size": 1, "max_cost": None, "max_epochs": 50, "frames": 5, "engine": "auto"}


def test_sweep_painting_makes_each_models_painting():
    linear = sweep_painting()(TARGET, **RUN)
    assert type(linear) is Painting and linear.learning_rate == 0.5
    palette = sweep_painting("logistic", palette=3, soft=True)(TARGET, **RUN)
    assert type(palette) is PalettePainting and len(palette.palette) == 3 and palette.soft


def test_sweep_painting_refuses_as_make_painting_does():
    with pytest.raises(OptionError, match="palette needs model logistic"):
        sweep_painting("linear", palette=3)
    with pytest.raises(OptionError, match="model must be one of"):
        sweep_painting("tree")
    with pytest.raises(OptionError, match=r"optimizer sgd"):
        sweep_painting("logistic")(TARGET, **{**RUN, "optimizer": "sgd"})


def test_a_setting_no_painting_takes_is_still_an_error():
    with pytest.raises(TypeError):
        sweep_painting()(TARGET, **RUN, colour="red")
