"""Where customer data comes from: files (CSV, Parquet), a database (sql/) and the synthetic
generator, each behind one interface, and the data rules every source's rows pass."""
