"""Model families: one registry (``base``), one module per family. Importing this package
registers the shipped families; see ``base.py`` for what a family declares."""

from seq2seq.core.families import attention, transformer, vanilla  # noqa: F401  (registers them)
from seq2seq.core.families.base import (
    Family,
    all_families,
    build,
    config_from_dict,
    get,
    make_config,
    names,
)

__all__ = ["Family", "all_families", "build", "config_from_dict", "get", "make_config", "names"]
