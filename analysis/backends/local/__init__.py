"""The local backend (`clustering.backend: sklearn`): numpy and scikit-learn on this machine."""
