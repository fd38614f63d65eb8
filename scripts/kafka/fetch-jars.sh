#!/usr/bin/env bash
# Fetches the jars of a Kafka 3.9.1 broker from Maven Central into .cache/kafka/libs (repo-relative),
# for the integration tests' single-node KRaft broker (test/support/kafkaBroker.ts).
# Idempotent: a marker written after a complete copy makes later runs return at once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
libs="$root/.cache/kafka/libs"
# The marker holds a hash of the POM, so editing the POM (e.g. a version bump) refetches.
# test/support/kafkaBroker.ts checks for the marker, so it is written last.
stamp="$(sha256sum "$here/pom.xml" | cut -c1-16)"
marker="$root/.cache/kafka/libs.complete"

if [[ -f "$marker" && "$(cat "$marker")" == "$stamp" ]]; then
  echo "kafka jars: already in $libs"
  exit 0
fi

command -v mvn >/dev/null || { echo "fetch-jars: mvn not found (apt-get install maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch-jars: java not found (a JDK 11+ is needed)" >&2; exit 1; }

echo "kafka jars: fetching into $libs (the first fetch takes a minute or two)"
rm -rf "$libs" "$marker"
mkdir -p "$libs"
# Maven -q still prints ANSI resets on success; show its output only when it fails.
if ! out="$(mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies 2>&1)"; then
  echo "$out" >&2
  echo "fetch-jars: mvn dependency:copy-dependencies failed" >&2
  exit 1
fi

# A sanity check before declaring the copy complete: the broker's own jar and the log backend.
for jar in "kafka_2.13-3.9.1.jar" "reload4j-1.2.25.jar" "slf4j-reload4j-1.7.36.jar"; do
  [[ -f "$libs/$jar" ]] || { echo "fetch-jars: $jar missing from $libs" >&2; exit 1; }
done
echo "$stamp" >"$marker"
echo "kafka jars: $(ls "$libs" | wc -l) jars in $libs"
