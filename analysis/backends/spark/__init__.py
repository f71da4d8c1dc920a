"""The Spark backend (`clustering.backend: spark`): the session, the customer table read and
checked in Spark, the clustering space, the Data page's aggregates, MLlib passes over all
rows and the assignments Spark writes. PySpark is imported inside functions only."""
