"""Two releases of a segmentation side by side: who is new, gone or returning, where the
returning customers moved, which segments are the same group (matched), how centres and
validity indices drifted, and what changed in data, configuration and code. `compare`
computes a `Changes` record (`records`); `document` writes and checks changes.json."""
