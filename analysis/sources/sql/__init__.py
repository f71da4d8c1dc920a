"""A database as a customer table (`data.source: sql`): its URL (url), connecting and the
driver's errors (connect), reading the configured rows (read), writing a table (write)."""
