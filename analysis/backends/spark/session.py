"""The Spark session for the Spark backend: the master checked before any JVM starts, the JVM's
own output kept in a log file, and Spark's failures as one-paragraph `SparkError`s.

PySpark is imported inside the functions, so importing this module costs nothing on the
scikit-learn path.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

from ...config import SparkOptions
from ...errors import DataError

MASTER_TIMEOUT = 5.0  # seconds to wait for a standalone / Kubernetes master to answer
# Spark logs at WARN to the terminal by default; the report's own errors say what went wrong.
LOG4J2 = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
"""


class SparkError(DataError):
    """Spark cannot run the analysis as configured (names the key, path or column)."""


def first_line(exc: BaseException) -> str:
    """The first line of a (Py4J / Spark) error: its message without the JVM stack trace."""
    text = str(getattr(exc, "desc", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def check_master(master: str) -> None:
    """Fail fast, with the host named, when a standalone or Kubernetes master is unreachable
    (Spark itself retries for about a minute and then stops with a stack trace)."""
    match = re.match(r"^(spark|k8s)://(.+)$", master)
    if match is None:
        if not re.match(r"^(local(\[[0-9*]+(,[0-9]+)?\])?|local-cluster\[\d+,\d+,\d+\]|yarn)$",
                        master):
            raise SparkError(
                f"spark.master {master!r} is not a Spark master URL; use local[*], local[N], "
                "spark://HOST:PORT, yarn or k8s://https://HOST:PORT"
            )
        return
    for address in match.group(2).split(","):
        host_port = re.sub(r"^https?://", "", address).split("/")[0]
        host, _, port = host_port.rpartition(":")
        if not host or not port.isdigit():
            raise SparkError(f"spark.master {master!r}: {address!r} has no HOST:PORT")
        try:
            socket.create_connection((host, int(port)), timeout=MASTER_TIMEOUT).close()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SparkError(
                f"spark.master {master!r}: cannot reach {host}:{port} ({reason}); check that "
                "the Spark master is running and reachable from this machine"
            ) from None


def submitted_master() -> str | None:
    """The master spark-submit gave this driver (`--master`, or its spark-defaults.conf) when
    spark-submit started it: its JVM is already running and handed Python the gateway port.
    None otherwise, and then no JVM is started here."""
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        return None
    from pyspark import SparkConf, SparkContext

    SparkContext._ensure_initialized()  # connects to spark-submit's JVM (starts none)
    return SparkConf().get("spark.master", None)


def session_master(opts: SparkOptions, submitted: str | None) -> str | None:
    """The master to build the session with, or None to keep the one spark-submit gave.
    Outside spark-submit it is `spark.master` (default local[*]). Under spark-submit its
    master stands (the config's default must not turn a `--master yarn` run into a local
    one); a `spark.master` written in the config must then be the same, or nothing runs."""
    if submitted is None:
        return opts.master
    if "master" in opts.model_fields_set and opts.master != submitted:
        raise SparkError(
            f"spark.master {opts.master!r} differs from the master spark-submit gave "
            f"({submitted!r}); remove spark.master from the config (spark-submit's is used) or "
            "make the two the same"
        )
    return None


JVM_LOG = Path(tempfile.gettempdir()) / f"kmeans-report-spark-{os.getpid()}.log"


@contextlib.contextmanager
def jvm_output_to(path: Path):
    """Start the JVM with its stdout and stderr going to `path`: its banner and log lines
    belong in a log file, not between the report's own messages."""
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(path, "ab") as log:
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def start_session(opts: SparkOptions):
    """The Spark session for the analysis: an active one is reused (a notebook, a test),
    otherwise one is started with its master (`session_master`), `spark.app_name` and
    `spark.conf`."""
    import warnings

    # PySpark warns about pandas versions it has not been tested with; the checks here
    # (the results against the local path) are what this tool relies on.
    warnings.filterwarnings("ignore", message="PySpark does not yet", category=FutureWarning)
    warnings.filterwarnings("ignore", message="The copy keyword is deprecated", module="pyspark")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError(
            "clustering.backend: spark needs PySpark, which is not installed; install it (the "
            "spark extra) in the kmeans-report checkout: pip install -e '.[spark]' (it also "
            "needs Java 17 or later)"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    submitted = submitted_master()
    master = session_master(opts, submitted)
    if master is not None:
        check_master(master)
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise SparkError(
            "clustering.backend: spark needs Java 17 or later, and no `java` is on PATH (nor "
            "JAVA_HOME set); install a JRE (Debian: openjdk-17-jre-headless)"
        )
    log_config = Path(tempfile.gettempdir()) / "kmeans-report-log4j2.properties"
    log_config.write_text(LOG4J2, encoding="utf-8")
    conf = {str(k): str(v) for k, v in opts.conf.items()}
    java_options = f"-Dlog4j.configurationFile={log_config.as_uri()}"
    for key in ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"):
        conf[key] = f"{conf[key]} {java_options}" if key in conf else java_options
    conf.setdefault("spark.ui.showConsoleProgress", "false")
    conf.setdefault("spark.ui.enabled", "false")
    conf.setdefault("spark.sql.execution.arrow.pyspark.enabled", "true")
    # The analysis shuffles only per-cluster aggregates: a few partitions are plenty.
    conf.setdefault("spark.sql.shuffle.partitions", "16")
    builder = SparkSession.builder.appName(opts.app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        with jvm_output_to(JVM_LOG):
            spark = builder.getOrCreate()
    except Exception as exc:  # Py4J / JVM start-up failures: name the master, not the JVM
        raise SparkError(
            f"cannot start Spark with spark.master {master or submitted!r}: {first_line(exc)} "
            f"(Spark's own output: {JVM_LOG})"
        ) from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark
