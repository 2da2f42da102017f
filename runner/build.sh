#!/usr/bin/env bash
# Compiles the SQL runner against the Table API stand-in, runs its JUnit tests, and
# packages sluice-sql-runner.jar (the runner alone; real images compile it against the
# image's own Flink JARs, see Dockerfile).
# Usage: runner/build.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?usage: runner/build.sh OUT_DIR}")
junit=/usr/share/java/junit4.jar
hamcrest=/usr/share/java/hamcrest-core.jar
for jar in "$junit" "$hamcrest"; do
  [[ -f $jar ]] || { echo "runner/build.sh: $jar is missing; run scripts/install-deps.sh test" >&2; exit 1; }
done
rm -rf "$out" && mkdir -p "$out"/{standin,main,test}
javac --release 11 -Xlint:all -Werror -d "$out/standin" $(find "$here/standin" -name '*.java')
javac --release 11 -Xlint:all -Werror -cp "$out/standin" -d "$out/main" $(find "$here/src/main/java" -name '*.java')
jar --create --file "$out/sluice-sql-runner.jar" --main-class dev.sluice.runner.SqlRunner -C "$out/main" .
javac --release 11 -Xlint:all -Werror -cp "$out/standin:$out/main:$junit" -d "$out/test" \
  $(find "$here/src/test/java" -name '*.java')
tests=$(cd "$here/src/test/java" && find . -name '*Test.java' | sed 's|^\./||; s|\.java$||; s|/|.|g')
java -Dsluice.runner.testdata="$here/src/test/resources" \
  -cp "$out/standin:$out/main:$out/test:$junit:$hamcrest" org.junit.runner.JUnitCore $tests
