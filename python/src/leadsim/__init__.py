"""leadsim: read and plot the HDF5 results files of the leadsim Monte Carlo engine.

    import leadsim
    r = leadsim.load("quick.h5")
    r.summary, r.paired, r.orgs          # tidy pandas frames (docs/RESULTS.md)
    r.to_xarray()                        # statistics with one dimension per sweep axis
    r.crossover("distributed")           # where a mode starts beating the baseline
    r.regime("value", x="info_reach", y="decision_rate")  # best mode per grid cell

From the shell: python -m leadsim summary FILE, python -m leadsim plot FILE -o OUT.
"""

from .results import (FORMAT, FORMAT_VERSION, Histogram, Results, ResultsFormatError, load,
                      quantile_column, win_label)

__version__ = "0.1.0"
__all__ = ["FORMAT", "FORMAT_VERSION", "Histogram", "Results", "ResultsFormatError", "load",
           "quantile_column", "win_label", "__version__"]
