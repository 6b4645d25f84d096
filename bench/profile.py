#!/usr/bin/env python3
"""Counters and JFR samples behind bench/profile.sh.

  profile.py snapshot OUT.json PID DB VHOST   what the relay, PostgreSQL and RabbitMQ have counted so far
  profile.py diff A.json B.json C.json EVENTS LABEL  per-event costs from A on (JSON on stdout): CPU,
                                              threads and RSS until B (the phase's end), counters until C
                                              (taken once PostgreSQL and RabbitMQ reported them)
  profile.py jfr RECORDING.jfr JFR_TOOL DIFF.json   where the relay's CPU and allocations went (its Java
                                              threads' CPU of the phase's diff shared out by JFR samples)
  profile.py table PHASES.json                the Markdown tables of the phases' diffs and JFR stages
  profile.py servers                          CPU ms so far of RabbitMQ and of PostgreSQL: "BEAM_MS POSTGRES_MS"

PostgreSQL is read as its superuser (su postgres), so the monitoring's own statements are not counted
among the relay's: pg_stat_statements rows are taken for the relay's role only.
"""
import collections
import json
import os
import pwd
import re
import subprocess
import sys
import time
import urllib.request
import base64

RABBIT_API = "http://127.0.0.1:15672/api"
TICKS = os.sysconf("SC_CLK_TCK")


def uid_of(user):
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return 0


RABBITMQ_UID = uid_of("rabbitmq")
POSTGRES_UID = uid_of("postgres")


def psql(db, sql):
    out = subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", 'psql -qtAX -d "$0" -c "$1"', db, sql],
                         check=True, capture_output=True, text=True).stdout.strip()
    return json.loads(out) if out else None


def rabbit(path):
    request = urllib.request.Request(RABBIT_API + path)
    request.add_header("Authorization", "Basic " + base64.b64encode(b"guest:guest").decode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def proc_ticks(stat_path, reaped=False):
    """The process's name and CPU ticks (utime, stime); with reaped, also those of its children that
    exited (cutime, cstime): a PostgreSQL backend's CPU moves to the postmaster's when it ends."""
    with open(stat_path) as f:
        text = f.read()
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    return name, int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)


def thread_group(name):
    """Threads of one kind under one name: digits and pool suffixes dropped."""
    name = re.sub(r"[-#_ ]?\d+", "", name)
    return name.strip("-#_ ") or "?"


def server_ticks():
    """CPU ticks so far of the machine's RabbitMQ (its user's beam, not other nodes that come and go) and
    of every PostgreSQL process (backends, WAL writer, checkpointer...): the servers' own CPU. Another
    benchmark beside this one adds its share."""
    beam = postgres = 0
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                name, ticks = proc_ticks(f"/proc/{p}/stat", reaped=True)
                uid = os.stat(f"/proc/{p}").st_uid
            except (FileNotFoundError, ProcessLookupError, ValueError):
                continue
            if name.startswith("beam") and uid == RABBITMQ_UID:
                beam += ticks
            elif name.startswith("postgres") and uid == POSTGRES_UID:
                postgres += ticks
    return beam, postgres


def servers():
    beam, postgres = server_ticks()
    print(beam * 1000 // TICKS, postgres * 1000 // TICKS)


def snapshot(out, pid, db, vhost):
    _, cpu = proc_ticks(f"/proc/{pid}/stat")
    threads = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name, ticks = proc_ticks(f"/proc/{pid}/task/{tid}/stat")
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        threads[thread_group(name)] += ticks
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                status[key] = int(value.split()[0])
    pg_db = psql(db, f"""SELECT row_to_json(d) FROM (SELECT xact_commit, xact_rollback, tup_inserted, tup_updated,
        tup_deleted, tup_fetched, tup_returned, blks_hit, blks_read FROM pg_stat_database WHERE datname = '{db}') d""")
    # A partitioned table's counters are its partitions' (V51), summed under its name; each partition
    # has its own indexes, so the index entries are summed per partition too.
    pg_tables = psql(db, """SELECT coalesce(json_object_agg(name, json_build_object('ins', ins, 'upd', upd,
        'hot', hot, 'del', del, 'indexes', indexes, 'entries', entries)), '{}')
        FROM (SELECT coalesce(pg_partition_root(relid), relid)::regclass::text AS name, sum(n_tup_ins) AS ins,
                     sum(n_tup_upd) AS upd, sum(n_tup_hot_upd) AS hot, sum(n_tup_del) AS del, max(ix) AS indexes,
                     sum((n_tup_ins + n_tup_upd - n_tup_hot_upd) * ix) AS entries
                FROM (SELECT t.*, (SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid) AS ix
                        FROM pg_stat_user_tables t) t
               GROUP BY 1) tables""")
    statements = psql(db, f"""SELECT coalesce(json_object_agg(queryid, json_build_object('calls', calls,
        'ms', total_exec_time, 'rows', rows, 'query', left(regexp_replace(query, '\\s+', ' ', 'g'), 300))), '{{}}')
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '{db}')
        AND userid = (SELECT oid FROM pg_roles WHERE rolname = 'relay')""")
    stats = rabbit(f"/vhosts/{vhost}").get("message_stats", {})
    channels = len(rabbit(f"/vhosts/{vhost}/channels"))
    beam, postgres = server_ticks()
    snap = {"t": time.time(), "cpu_ticks": cpu, "threads": threads, "rss_kb": status.get("VmRSS"),
            "hwm_kb": status.get("VmHWM"), "pg_db": pg_db, "pg_tables": pg_tables, "statements": statements,
            "rabbit": {k: v for k, v in stats.items() if isinstance(v, int)}, "channels": channels,
            "beam_ticks": beam, "postgres_ticks": postgres}
    with open(out, "w") as f:
        json.dump(snap, f)


def diff(a_path, b_path, c_path, events, label):
    a, timed, b = (json.load(open(p)) for p in (a_path, b_path, c_path))
    n = max(float(events), 1.0)
    per = lambda x: x / n
    statements = []
    for qid, s in b["statements"].items():
        calls = s["calls"] - a["statements"].get(qid, {}).get("calls", 0)
        if calls > 0:
            ms = s["ms"] - a["statements"].get(qid, {}).get("ms", 0)
            statements.append({"query": s["query"], "per_event": per(calls), "ms_per_event": per(ms)})
    statements.sort(key=lambda s: -s["per_event"])
    tables = {}
    for name, t in b["pg_tables"].items():
        before = a["pg_tables"].get(name, {"ins": 0, "upd": 0, "hot": 0, "del": 0, "entries": 0})
        upd, hot, ins = t["upd"] - before["upd"], t["hot"] - before["hot"], t["ins"] - before["ins"]
        if upd or ins:
            # Every inserted row and every non-HOT update adds an entry to each of the table's indexes.
            tables[name] = {"inserts": per(ins), "updates": per(upd), "hot_updates": per(hot),
                            "indexes": t["indexes"], "index_entries": per(t["entries"] - before.get("entries", 0))}
    threads = {k: (v - a["threads"].get(k, 0)) * 1000.0 / TICKS / n for k, v in timed["threads"].items()}
    rabbit_ops = {k: per(b["rabbit"].get(k, 0) - a["rabbit"].get(k, 0))
                  for k in ("publish", "confirm", "deliver", "deliver_get", "ack", "redeliver", "return_unroutable")}
    seconds = timed["t"] - a["t"]
    result = {
        "label": label, "events": int(n), "seconds": seconds,
        "cpu_ms_per_event": (timed["cpu_ticks"] - a["cpu_ticks"]) * 1000.0 / TICKS / n,
        # The JIT compilers' share shrinks as the relay warms up: without it, runs of different warmth compare.
        "cpu_ms_per_event_without_jit": (timed["cpu_ticks"] - a["cpu_ticks"]) * 1000.0 / TICKS / n
        - sum(v for k, v in threads.items() if "CompilerThre" in k),
        "beam_cpu_ms_per_event": (timed["beam_ticks"] - a["beam_ticks"]) * 1000.0 / TICKS / n,
        "postgres_cpu_ms_per_event": (timed.get("postgres_ticks", 0) - a.get("postgres_ticks", 0)) * 1000.0 / TICKS / n,
        "threads_ms_per_event": dict(sorted(((k, v) for k, v in threads.items() if v > 0.001), key=lambda kv: -kv[1])),
        "commits_per_event": per(b["pg_db"]["xact_commit"] - a["pg_db"]["xact_commit"]),
        "statements_per_event": sum(s["per_event"] for s in statements),
        "statements": statements[:12],
        "tables": tables,
        "rabbit_per_event": rabbit_ops,
        "channels": b["channels"],
        "rss_mb": timed["rss_kb"] / 1024.0, "peak_rss_mb": timed["hwm_kb"] / 1024.0,
    }
    json.dump(result, sys.stdout)


# A sample belongs to the stage of the innermost of its frames that names one of the relay's steps
# (STAGES), or else of the innermost frame of a library that wraps them (LIBRARIES), in list order.
STAGES = [
    ("DeliveryClaim.", "delivery: claim (SQL)"),
    ("AttemptRecorder.", "delivery: record attempt (SQL)"),
    ("DeliveryClient.", "delivery: HTTP POST"),
    ("WebhookRequest.", "delivery: build and sign"),
    ("PayloadTransformer.", "delivery: transform"),
    ("EndpointAuthentication.", "delivery: endpoint auth"),
    ("ResponseClassifier.", "delivery: classify"),
    ("WorkQueueAcks.", "delivery: ack"),
    ("WorkMessageReader.", "delivery: read message"),
    ("InFlightLimiter.", "delivery: in-flight caps"),
    ("EndpointRateLimiter.", "delivery: rate limit"),
    ("FifoOrder.", "delivery: fifo"),
    ("CircuitBreaker.", "delivery: circuit breaker"),
    ("RetryPolicy.", "delivery: retry policy"),
    ("ApiKeyAuthenticator.", "ingest: API key"),
    ("IngestRateLimiter.", "ingest: quota"),
    ("IngestRequestParser.", "ingest: parse"),
    ("EventTypeCheck.", "ingest: type check (SQL)"),
    ("ConflictSafeIdempotentRepository.", "ingest: idempotency record (SQL)"),
    ("EventStore.", "ingest: store event (SQL)"),
    ("AcceptedEventResponder.", "ingest: answer"),
    ("WorkMessages.", "ingest: work messages"),
    ("WorkPublisher.", "publish + confirm"),
    ("ConfirmedPublisher.", "publish + confirm"),
    ("DispatchMarker.", "ingest: mark dispatching (SQL)"),
    ("OutboxSweeper.", "outbox sweep"),
    ("org.springframework.transaction.", "transaction begin/commit"),
    ("org.springframework.jdbc.datasource.", "transaction begin/commit"),
    ("ObjectHelper.typeCoerce", "Camel: enum == 'TEXT' in Simple predicates"),
]
LIBRARIES = [
    ("org.apache.camel.telemetry", "Camel: tracing (OpenTelemetry)"),
    ("org.apache.camel.opentelemetry", "Camel: tracing (OpenTelemetry)"),
    ("io.opentelemetry", "Camel: tracing (OpenTelemetry)"),
    ("io.micrometer", "metrics (Micrometer)"),
    ("org.apache.camel.component.micrometer", "metrics (Micrometer)"),
    ("org.apache.camel.language.simple", "Camel: Simple expressions"),
    ("org.apache.camel.component.bean", "Camel: bean binding"),
    ("org.apache.camel.support.builder", "Camel: Simple expressions"),
    ("org.apache.camel", "Camel: routing"),
    ("org.springframework.security", "Spring Security (console)"),
    ("org.springframework.amqp.rabbit.listener.", "RabbitMQ listener container"),
    ("com.rabbitmq.client", "RabbitMQ client I/O"),
    ("org.springframework.amqp", "RabbitMQ client I/O"),
    ("org.springframework.web", "Tomcat + Spring MVC"),
    ("org.apache.catalina", "Tomcat + Spring MVC"),
    ("org.apache.coyote", "Tomcat + Spring MVC"),
    ("org.apache.tomcat", "Tomcat + Spring MVC"),
    ("org.postgresql", "PostgreSQL driver (other)"),
    ("com.zaxxer.hikari", "PostgreSQL driver (other)"),
]

# Threads of the JVM itself (JIT compilers, garbage collectors, JFR): CPU that no Java sample shows.
JVM_THREADS = re.compile(r"^(C\d? ?CompilerThre|C CompilerThre|GC Thread|G. Conc|G. Refine|G. Service|G. Main Marker|VM Thread|VM Periodic|JFR|Sweeper|Common-Cleaner|Attach Listener)")

def frame_name(frame):
    method = frame["method"]
    cls = method["type"]["name"].replace("/", ".")
    return f"{cls}.{method['name']}"


def stage_of(frames):
    names = [frame_name(frame) for frame in frames]
    for markers in (STAGES, LIBRARIES):
        for name in names:
            for marker, stage in markers:
                if marker in name:
                    return stage
    return "other (JDK)"


def library_of(name):
    parts = name.split(".")
    return ".".join(parts[:3]) if parts[0] in ("org", "com", "io", "dev") else ".".join(parts[:2])


def jfr(recording, jfr_tool, diff_path):
    phase = json.load(open(diff_path))
    events = phase["events"]
    # The samples show the Java threads only: their share is scaled to the CPU of those threads.
    cpu_ms_per_event = sum(v for k, v in phase["threads_ms_per_event"].items() if not JVM_THREADS.match(k))
    raw = subprocess.run([jfr_tool, "print", "--json", "--stack-depth", "96", "--events",
                          "jdk.ExecutionSample,jdk.ObjectAllocationSample,jdk.GarbageCollection", recording],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(raw)["recording"]["events"]
    n = max(float(events), 1.0)
    cpu_by_stage, alloc_by_stage = collections.Counter(), collections.Counter()
    top_self, alloc_class = collections.Counter(), collections.Counter()
    lib_by_stage = collections.defaultdict(collections.Counter)
    samples = 0
    allocated = 0.0
    gc_ms = 0.0
    gcs = 0
    for e in data:
        values = e["values"]
        if e["type"] == "jdk.GarbageCollection":
            gcs += 1
            d = values.get("duration", "0")
            gc_ms += parse_duration_ms(d)
            continue
        trace = values.get("stackTrace") or {}
        frames = trace.get("frames") or []
        if not frames:
            continue
        stage = stage_of(frames)
        if e["type"] == "jdk.ExecutionSample":
            samples += 1
            cpu_by_stage[stage] += 1
            top = frame_name(frames[0])
            top_self[top] += 1
            lib_by_stage[stage][library_of(top)] += 1
        else:
            weight = float(values.get("weight", 0))
            allocated += weight
            alloc_by_stage[stage] += weight
            cls = values.get("objectClass", {}).get("name", "?")
            alloc_class[cls.replace("/", ".")] += weight
    stages = []
    for stage, count in cpu_by_stage.most_common():
        share = count / samples
        libs = ", ".join(f"{lib} {c * 100 // count}%" for lib, c in lib_by_stage[stage].most_common(3))
        stages.append({"stage": stage, "share": share, "cpu_ms_per_event": share * float(cpu_ms_per_event),
                       "kb_per_event": alloc_by_stage[stage] / 1024.0 / n, "top_code": libs})
    for stage, weight in alloc_by_stage.items():
        if stage not in cpu_by_stage:
            stages.append({"stage": stage, "share": 0.0, "cpu_ms_per_event": 0.0,
                           "kb_per_event": weight / 1024.0 / n, "top_code": ""})
    json.dump({"samples": samples, "java_cpu_ms_per_event": cpu_ms_per_event,
               "jvm_cpu_ms_per_event": phase["cpu_ms_per_event"] - cpu_ms_per_event, "kb_per_event": allocated / 1024.0 / n, "gc_count": gcs,
               "gc_pause_ms_per_event": gc_ms / n, "stages": stages,
               "top_methods": [{"method": m, "share": c / samples} for m, c in top_self.most_common(15)],
               "top_allocations": [{"class": c, "kb_per_event": w / 1024.0 / n} for c, w in alloc_class.most_common(8)]},
              sys.stdout)


def parse_duration_ms(text):
    # jfr --json writes ISO-8601 durations such as "PT0.001234S"
    m = re.match(r"PT(?:(\d+)M)?([\d.]+)S", str(text))
    return (int(m.group(1) or 0) * 60 + float(m.group(2))) * 1000 if m else 0.0


def table(phases_path):
    phases = json.load(open(phases_path))
    out = []
    kinds = collections.OrderedDict()
    for p in phases:
        kinds.setdefault(p["label"].split(" #")[0], []).append(p["diff"])
    median = lambda values: sorted(values)[len(values) // 2]
    out.append("| phase (median of its rounds) | relay CPU ms per event | without the JIT compilers | PG statements per event "
               "| PG commits per event | RabbitMQ publish + deliver + ack per event | relay RSS MB |")
    out.append("|---|---|---|---|---|---|---|")
    for kind, diffs in kinds.items():
        rabbit_ops = [sum(d["rabbit_per_event"][k] for k in ("publish", "deliver", "ack")) for d in diffs]
        out.append(f"| {kind} | {median([d['cpu_ms_per_event'] for d in diffs]):.3f} "
                   f"| {median([d['cpu_ms_per_event_without_jit'] for d in diffs]):.3f} "
                   f"| {median([d['statements_per_event'] for d in diffs]):.2f} | {median([d['commits_per_event'] for d in diffs]):.2f} "
                   f"| {median(rabbit_ops):.2f} | {max(d['peak_rss_mb'] for d in diffs):.0f} |")
    out.append("")
    out.append("| phase | rate | relay CPU ms per event (without the JIT compilers) | PG statements per event | PG commits per event "
               "| index entries per event (deliveries, events, attempts) | RabbitMQ publish / confirm / deliver / ack per event "
               "| alloc KB per event | relay RSS MB (peak) |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for p in phases:
        d, j = p["diff"], p.get("jfr") or {}
        r = d["rabbit_per_event"]
        idx = " / ".join(f"{d['tables'].get(t, {}).get('index_entries', 0):.1f}" for t in ("deliveries", "events", "attempts"))
        out.append(f"| {p['label']} | {p['rate']} | {d['cpu_ms_per_event']:.3f} ({d['cpu_ms_per_event_without_jit']:.3f}) | {d['statements_per_event']:.2f} "
                   f"| {d['commits_per_event']:.2f} | {idx} | {r['publish']:.2f} / {r['confirm']:.2f} / "
                   f"{r['deliver']:.2f} / {r['ack']:.2f} | {j.get('kb_per_event', 0):.0f} "
                   f"| {d['rss_mb']:.0f} ({d['peak_rss_mb']:.0f}) |")
    # The details of each kind's last (warmest) round.
    last = {p["label"].split(" #")[0]: p for p in phases}
    for p in last.values():
        d, j = p["diff"], p.get("jfr")
        one = {"events": "event", "deliveries": "delivery"}.get(p["unit"], p["unit"])
        out.append("")
        out.append(f"**{p['label']}** ({d['events']} {p['unit']}; RabbitMQ's own CPU {d['beam_cpu_ms_per_event']:.3f} ms per "
                   f"{one}; PostgreSQL's own CPU {d.get('postgres_cpu_ms_per_event', 0):.3f} ms; relay threads, CPU ms per {one}: "
                   + ", ".join(f"{k} {v:.3f}" for k, v in list(d["threads_ms_per_event"].items())[:6]) + ")")
        out.append("")
        out.append("| PostgreSQL statement | calls per event | ms per event |")
        out.append("|---|---|---|")
        for s in d["statements"][:6]:
            q = s["query"].replace("|", "\\|")
            out.append(f"| `{q[:110]}` | {s['per_event']:.2f} | {s['ms_per_event']:.3f} |")
        for name, t in d["tables"].items():
            if name in ("deliveries", "events", "attempts", "idempotency_keys"):
                out.append(f"| (table {name}: {t['inserts']:.2f} inserts, {t['updates']:.2f} updates of which "
                           f"{t['hot_updates']:.2f} HOT, {t['indexes']} indexes) | | |")
        if j:
            out.append("")
            out.append(f"| stage (JFR, {j['samples']} samples; GC {j['gc_count']}x) | share of Java CPU | ms per event | alloc KB per event | hottest code |")
            out.append("|---|---|---|---|---|")
            for s in j["stages"][:12]:
                out.append(f"| {s['stage']} | {s['share'] * 100:.1f}% | {s['cpu_ms_per_event']:.3f} "
                           f"| {s['kb_per_event']:.1f} | {s['top_code']} |")
    print("\n".join(out))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"snapshot": snapshot, "diff": diff, "jfr": jfr, "table": table, "servers": servers}[command](*args)
