"""newsflow's library: one module or package per stage, plain functions over batches.

Nothing here imports Prefect; ``flows/`` wires these stages into flows.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsflow")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
