#!/usr/bin/env bash
# Prints the test classpath (compiling first) for running benchmark mains and JMH from the shell.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/test-classpath.txt >&2
echo "target/test-classes:target/classes:$(cat target/test-classpath.txt)"
