#!/usr/bin/env bash
# The scale benchmark of the PostgreSQL document store (docs/BENCHMARKS.md, "Document store
# at scale"): creates a fresh database, migrates and seeds it through the bench binary
# (crates/store-postgres/benches/scale.rs), checks that a sample reads back through
# PgStore, measures the list and status reads, then intake throughput against pgbench's
# single-row INSERT with the same number of connections. Prints the tables; drops the
# database at the end unless KEEP_DB=1.
#
# Needs a PostgreSQL server that `psql` and `pgbench` reach (PGHOST, PGPORT, PGUSER; trust
# or PGPASSWORD). Takes about 15 minutes on 2 cores. Never run by `cargo test` or .ci/run.
#
#   scripts/bench-scale.sh                      # 1,000,000 documents, 10,000 tenants
#   DOCUMENTS=100000 TENANTS=1000 scripts/bench-scale.sh   # a quicker, smaller run
set -euo pipefail

cd "$(dirname "$0")/.."
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
database="${BENCH_DATABASE:-einvoice_scale}"
documents="${DOCUMENTS:-1000000}"
tenants="${TENANTS:-10000}"
samples="${SAMPLES:-1000}"
seconds="${INTAKE_SECONDS:-20}"
connections="${CONNECTIONS:-2 8}"
export EINVOICE_BENCH_DATABASE_URL="postgres://${PGUSER}@${PGHOST}:${PGPORT}/${database}"

bench() { cargo bench --quiet -p einvoice-store-postgres --bench scale -- "$@"; }
load() { echo "load: $(uptime | sed 's/.*load average/load average/')"; }

nice cargo bench -p einvoice-store-postgres --bench scale --no-run
psql -q -d postgres -c "DROP DATABASE IF EXISTS ${database}" -c "CREATE DATABASE ${database}"
if [ "${KEEP_DB:-0}" != 1 ]; then
    trap 'psql -q -d postgres -c "DROP DATABASE IF EXISTS ${database}"' EXIT
fi

echo "== seed (${documents} documents, ${tenants} tenants)"; load
bench seed "${documents}" "${tenants}"
bench check

echo "== reads (${samples} calls per query and tenant class, warm cache)"; load
bench reads "${samples}"
load

echo "== intake against pgbench (${seconds} s each)"
script="$(mktemp)"
echo "INSERT INTO bench_single_row (note) VALUES ('intake');" > "${script}"
psql -q -d "${database}" -c "CREATE TABLE bench_single_row (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    note text NOT NULL)"
summary="| connections | pgbench single-row INSERT/s | intakes/s (document + 2 events + job) | ratio | load |"$'\n'"| --- | --- | --- | --- | --- |"
for n in ${connections}; do
    load
    tps="$(pgbench -n -f "${script}" -c "${n}" -j 2 -T "${seconds}" "${database}" \
        | sed -n 's/^tps = \([0-9.]*\).*/\1/p')"
    echo "pgbench: ${n} connections, ${tps} transactions per second"
    line="$(bench intake "${n}" "${seconds}")"
    echo "${line}"
    rate="$(echo "${line}" | sed -n 's/.* = \([0-9]*\) per second.*/\1/p')"
    ratio="$(awk -v a="${rate}" -v b="${tps}" 'BEGIN { printf "%.2f", a / b }')"
    summary+=$'\n'"| ${n} | ${tps%.*} | ${rate} | ${ratio} | $(uptime | sed 's/.*load average: //') |"
done
rm -f "${script}"
echo
echo "${summary}"
