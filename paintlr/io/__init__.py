"""Inputs: images and tables read, checked and brought to floats."""
