"""The passes over all rows, per backend: local (numpy and scikit-learn, one machine) and
spark/ (DataFrames and MLlib, where the data is). The recipe (analysis.pipeline) runs
everything that works on a bounded sample on the driver, whatever the backend."""
