"""The `kmeans-report` command as a file `spark-submit` can run (it takes a .py file, not a
module or a console script):

    spark-submit --master local[2] "$(python -m kmeans_report.report.spark_submit)" build --config report.yml

Run as a module, it prints its own path; run as that file (which is what spark-submit does),
it is the command line, with the arguments that follow the file.
"""

import os
import sys

if __name__ == "__main__":
    if __package__:  # python -m kmeans_report.report.spark_submit: where is this file?
        print(__file__)
        sys.exit(0)
    # Run as a plain file, Python puts this file's folder (report/) first on sys.path,
    # where its modules would shadow top-level ones of the same name; the package is
    # imported from where it is installed instead.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    from kmeans_report.report.cli import main

    sys.exit(main())
