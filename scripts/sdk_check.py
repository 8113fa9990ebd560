#!/usr/bin/env python3
"""Drive the obtui obshell agents with the real obshell Python SDK (PyPI obshell==0.0.9), unchanged.

scripts/sdk_check sets everything up (venv, build, simulator) and runs this. By hand:
    python3 -m venv target/sdk-venv && target/sdk-venv/bin/pip install obshell==0.0.9
    cargo run --example obshell_sim -- --listen 127.0.0.1:2886 --password rootpass --speed 20
    target/sdk-venv/bin/python scripts/sdk_check.py --password rootpass \\
        --cluster 127.0.0.1:2886 --single 127.0.0.1:2889 --single 127.0.0.1:2890

--cluster is the cluster agent's port, --single each SINGLE agent's (as the simulator prints
them: `obshell 127.0.0.1:2889 SINGLE`). Each check prints one line; exit status 0 when every
check passes. The SDK's own 3 s poll interval is kept: nothing in it is patched.
"""

import argparse
import sys
import time

try:
    import requests
    from obshell import ClientSet, OBShellHandleError, TaskExecuteFailedError
    from obshell.auth import PasswordAuth
except ImportError:  # pragma: no cover
    sys.exit("obshell SDK not installed: pip install obshell==0.0.9")

FAILURES = []
FAIL_NODE = "Wait remote start finish"


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (f"  ({detail})" if detail and not cond else ""), flush=True)
    if not cond:
        FAILURES.append(name)
    return cond


def val(x):
    """SDK enums (identity, state) compare by their value."""
    return getattr(x, "value", x)


def expect_error(name, fn, err_code):
    try:
        fn()
    except OBShellHandleError as e:
        check(name, e.err_code == err_code, f"got {e.err_code}: {e.message}")
        return
    except Exception as e:  # noqa: BLE001 - report anything unexpected as a failed check
        check(name, False, f"raised {type(e).__name__}: {e}")
        return
    check(name, False, "no error raised")


def host_port(s):
    host, _, port = s.rpartition(":")
    return host.strip("[]"), int(port)


def wait_ready(addrs, seconds):
    """Poll every agent's /api/v1/info until it answers, within a deadline."""
    deadline = time.monotonic() + seconds
    for host, port in addrs:
        while True:
            try:
                if requests.get(f"http://{host}:{port}/api/v1/info", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"agent {host}:{port} not ready after {seconds} s")
            time.sleep(0.1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cluster", required=True, help="host:port of the cluster agent")
    ap.add_argument("--single", action="append", default=[], help="host:port of a SINGLE agent (twice)")
    ap.add_argument("--password", default="aaAA11__")
    ap.add_argument("--ready-timeout", type=float, default=60)
    args = ap.parse_args()
    if len(args.single) < 2:
        sys.exit("give two --single agents")
    host, port = host_port(args.cluster)
    singles = [host_port(s) for s in args.single[:2]]
    wait_ready([(host, port)] + singles, args.ready_timeout)

    c = ClientSet(host, port, PasswordAuth(args.password)).v1

    # --- plain routes and the encrypted header ----------------------------------------------
    st = c.get_status()
    check("get_status: CLUSTER AGENT, obState 3",
          val(st.agent.identity) == "CLUSTER AGENT" and st.ob_state == 3,
          f"{st.agent.identity} {st.ob_state}")
    inf = c.get_info()
    check("get_info: CLUSTER AGENT with a version", val(inf.identity) == "CLUSTER AGENT" and bool(inf.version),
          f"{inf.identity} {inf.version}")
    ob = c.get_ob_info()
    check("get_ob_info (encrypted header): cluster and 3 agents", bool(ob.cluster) and len(ob.agents) == 3,
          f"{len(ob.agents)} agents")
    zones = {a.zone for a in ob.agents}
    check("get_unfinished_dags: nothing running", c.get_unfinished_dags() == [])
    for sh, sp in singles:
        si = ClientSet(sh, sp, PasswordAuth(args.password)).v1.get_info()
        check(f"get_info on {sh}:{sp}: SINGLE at its own address",
              val(si.identity) == "SINGLE" and si.ip == sh and si.port == sp,
              f"{si.identity} {si.ip}:{si.port}")

    # --- scale out a SINGLE agent ---------------------------------------------------------------
    (t1h, t1p), (t2h, t2p) = singles
    dag = c.scale_out(t1h, t1p, "zone1", {"mysql_port": "2881", "rpc_port": "2882", "memory_limit": "16G"})
    check("scale_out (encrypted body): 'Cluster scale out' DAG created",
          dag.name == "Cluster scale out" and val(dag.state) in ("READY", "RUNNING"), f"{dag.name} {dag.state}")
    check("get_dag: max_stage 9 for an existing zone", c.get_dag(dag.generic_id).max_stage == 9)
    done = c.wait_dag_succeed(dag.generic_id)
    check("wait_dag_succeed: SUCCEED at the last stage",
          done.is_succeed() and done.stage == done.max_stage, f"{done.state} {done.stage}/{done.max_stage}")
    check("every sub_task has an execute_agent and a log",
          all(n.sub_tasks[0].execute_agent and n.sub_tasks[0].task_logs for n in done.nodes))
    t1 = ClientSet(t1h, t1p, PasswordAuth(args.password)).v1
    check("the scaled-out agent now reports CLUSTER AGENT in zone1",
          val(t1.get_info().identity) == "CLUSTER AGENT" and t1.get_info().zone == "zone1")
    ob = c.get_ob_info()
    check("the cluster lists the new agent",
          any(a.ip == t1h and a.port == t1p for a in ob.agents), f"{[(a.ip, a.port) for a in ob.agents]}")
    expect_error("scale_out of an agent already in the cluster is refused",
                 lambda: c.scale_out(t1h, t1p, "zone1", {"rpc_port": "2882"}),
                 "Agent.Identify.NotSupportOperation")
    expect_error("operate_dag RETRY on a SUCCEED DAG is refused",
                 lambda: c.operate_dag(done.generic_id, "RETRY"), "Task.Dag.Operator.RetryNotFailedDag")

    # --- a scale-out made to fail, then RETRY -------------------------------------------------
    r = requests.post(f"http://{host}:{port}/sim/fail-subtask", json={"name": FAIL_NODE}, timeout=5)
    check("fail a node through the agent's /sim/fail-subtask", r.status_code == 200, r.text)
    new_zone = "zone9"
    dag = c.scale_out(t2h, t2p, new_zone, {"mysql_port": "2891", "rpc_port": "2892"})
    check("get_dag: max_stage 11 for a new zone", c.get_dag(dag.generic_id).max_stage == 11 and new_zone not in zones)
    try:
        c.wait_dag_succeed(dag.generic_id)
        check("wait_dag_succeed raises on the injected failure", False, "DAG succeeded")
    except TaskExecuteFailedError as e:
        msg = str(e)
        check("wait_dag_succeed: TaskExecuteFailedError with the failed sub_task's last log",
              "Cluster scale out" in msg and "ERROR: [" in msg, msg)
    failed = c.get_dag(dag.generic_id)
    names = [n.name for n in failed.nodes if val(n.state) == "FAILED"]
    check("the failed DAG stopped at the injected node", val(failed.state) == "FAILED" and names == [FAIL_NODE],
          f"{failed.state} {names}")
    requests.delete(f"http://{host}:{port}/sim/fail-subtask", timeout=5)
    check("operate_dag RETRY on the failed DAG", c.operate_dag(dag.generic_id, "RETRY") is True)
    done = c.wait_dag_succeed(dag.generic_id)
    check("after RETRY: SUCCEED", done.is_succeed() and done.stage == done.max_stage,
          f"{done.state} {done.stage}/{done.max_stage}")
    t2 = ClientSet(t2h, t2p, PasswordAuth(args.password)).v1
    check("the second agent joined the new zone",
          val(t2.get_info().identity) == "CLUSTER AGENT" and t2.get_info().zone == new_zone)

    # --- CANCEL a running DAG -----------------------------------------------------------------
    dag = c.scale_out("10.186.1.50", 2886, "zone1", {"mysql_port": "2881", "rpc_port": "2882"})
    check("operate_dag CANCEL on a running DAG", c.operate_dag(dag.generic_id, "CANCEL") is True)
    try:
        c.wait_dag_succeed(dag.generic_id)
        check("wait_dag_succeed after CANCEL raises", False, "DAG succeeded")
    except TaskExecuteFailedError as e:
        check("wait_dag_succeed after CANCEL: 'canceled'", "canceled" in str(e), str(e))
    expect_error("CANCEL on a finished DAG is refused",
                 lambda: c.operate_dag(dag.generic_id, "CANCEL"), "Task.Dag.Operator.CancelFinishedDag")

    # --- refusals -----------------------------------------------------------------------------
    expect_error("get_dag of an unknown id: 404", lambda: c.get_dag("1999"), "Task.NotFound")
    bad = ClientSet(host, port, PasswordAuth("wrong-password")).v1
    expect_error("a wrong password is refused (401)", bad.get_ob_info,
                 "Security.Authentication.IncorrectOceanbasePassword")

    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed: " + "; ".join(FAILURES))
        return 1
    print("all SDK checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
