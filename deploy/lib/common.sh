# Shared by the deploy scripts: installing what is missing, finding free ports.
# shellcheck shell=bash

# The JVM decodes file names with the locale's charset: without UTF-8, non-ASCII names in the
# repository could not be indexed.
export LC_ALL=C.UTF-8 LANG=C.UTF-8

# ensure_packages PKG...: installs the Debian packages that are not installed yet.
ensure_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ensure_java_maven: a JDK 17+ and Maven, from Debian when absent.
ensure_java_maven() {
    command -v javac >/dev/null 2>&1 || ensure_packages openjdk-17-jdk-headless
    command -v mvn >/dev/null 2>&1 || ensure_packages maven
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}

# wait_for DESCRIPTION SECONDS COMMAND...: retries COMMAND until it succeeds or time runs out.
wait_for() {
    local what=$1 seconds=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            echo "timed out after ${seconds}s waiting for $what" >&2
            return 1
        fi
        sleep 0.2
    done
}

# ensure_jar: builds target/mirrorgate.jar unless it is newer than every main source (run from the
# repository's top directory).
ensure_jar() {
    if [ ! -f target/mirrorgate.jar ] || [ -n "$(find src/main proto pom.xml -newer target/mirrorgate.jar -print -quit)" ]; then
        echo "building target/mirrorgate.jar ..." >&2
        mvn -q -B -ntp -DskipTests package >&2
    fi
}
