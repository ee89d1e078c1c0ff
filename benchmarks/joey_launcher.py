"""Run Joey NMT's own entry point, with two adjustments made from outside its code.

    <joey venv>/bin/python benchmarks/joey_launcher.py train CONFIG.yaml [joeynmt options]

Used by benchmarks/bench.py inside the virtual environment where joeynmt 2.3.0 is installed
(never the project's):

- torch 2.13's ReduceLROnPlateau no longer takes ``verbose=``, which joeynmt 2.3.0 passes;
  the launcher hands joeynmt a subclass that drops that one argument.
- joeynmt seeds only after building the model; the launcher seeds torch, numpy and random
  first, so repeated runs start from the same weights.
"""

import random
import sys

import numpy
import torch
import torch.optim.lr_scheduler as schedulers


class _Plateau(schedulers.ReduceLROnPlateau):
    def __init__(self, *args, **kwargs):
        kwargs.pop("verbose", None)
        super().__init__(*args, **kwargs)


def main() -> None:
    import joeynmt.builders
    from joeynmt.__main__ import main as joey_main

    joeynmt.builders.ReduceLROnPlateau = _Plateau
    random.seed(42)
    numpy.random.seed(42)
    torch.manual_seed(42)
    sys.argv = ["joeynmt", *sys.argv[1:]]
    joey_main()


if __name__ == "__main__":
    main()
