package options

// Usage is the tool's help: every command, the flags they share, how
// the base is chosen, and the exit codes.
const Usage = `ccu-purge: purge from Akamai's cache exactly what a deploy changed.

Usage:
  ccu-purge plan     --from REV|--state FILE [--to REV] [--output text|json]
                                                                  show what would be purged
  ccu-purge purge    --from REV|--state FILE [--to REV] [--dry-run] [--report FILE]
  ccu-purge validate [--config FILE]                              check the config, list every problem
  ccu-purge explain PATH...                                       which rule a path meets, and what it purges
  ccu-purge status ID|progressUri [--timeout 1m]                  CCU v2 only: a purge's status (Fast Purge has none)
  ccu-purge queue [default|emergency] [--timeout 1m]              CCU v2 only: a queue's length
  ccu-purge simulator [--dir DIR] [--script LIST]                 run the local CCU simulator (simulator --help)
  ccu-purge demo [--repo DIR]                                     plan and purge the bundled example (built in DIR if missing)
  ccu-purge version | help

Common flags:
  --repo DIR        repository (default ".", parents are searched)
  --config FILE     rules (default .ccu-purge.yml at the repository root;
                    in a bare repository, read from the --to commit)
  --edgerc FILE     Akamai credentials (default $AKAMAI_EDGERC, else ~/.edgerc);
                    without --edgerc or AKAMAI_EDGERC, AKAMAI_CCU_* or
                    AKAMAI_* variables are read first
  --section NAME    .edgerc section (default $AKAMAI_EDGERC_SECTION, else
                    "ccu", then "default")
  --ca-cert FILE    also trust this CA certificate (e.g. the simulator's)
  --verbose         log each request (never credentials)

Choosing the base (plan and purge), first that applies:
  --from REV        the commit the edge serves now
  --state FILE      the last commit purged on the network, recorded in FILE
                    by the last run that purged everything (also
                    CCU_PURGE_STATE); pull and merge requests skip it
  the CI context    GitHub push/pull_request/merge_group, GitLab, Jenkins
  on_unknown_base   when none names a usable base: fail, cpcode or all

Config settings (flags > CCU_PURGE_* variables > the file):
  --api, --network, --action, --queue, --threshold, --on-unknown-base,
  --fetch, --unmatched   e.g. --network staging or CCU_PURGE_NETWORK=staging

purge flags:
  --dry-run         print what would be sent, send nothing (no credentials needed)
  --report FILE     JSON report: every request, purged and notPurged objects
  --junit FILE      JUnit XML report, a test case per request (Jenkins' junit
                    step, GitLab's artifacts:reports:junit)
  --dotenv FILE     the outputs as KEY=value lines (GitLab's dotenv report)
  --wait            wait until purges take effect (v2: poll; Fast Purge: estimatedSeconds)
  --timeout 10m     time budget for retries, pacing, queue waits and --wait
  --concurrency 8   requests in flight
  --delay 0         wait before purging, e.g. 30s, so origins finish syncing
  --batch-size 500  objects per request (also for plan); Fast Purge CP codes
                    go at most 300 a request (the account's bucket)

Examples:
  ccu-purge plan --from v1.4.0
  ccu-purge purge --from "$LAST_DEPLOYED" --to HEAD --report purge-report.json
  ccu-purge purge --state .ccu-purge-state.json   # after a first run with --from

Exit codes: 0 success or nothing to purge, 1 a purge failed,
2 usage, config or input error (nothing was sent).
`
