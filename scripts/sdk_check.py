#!/usr/bin/env python3
"""Drive the obtui obshell simulator with the real obshell Python SDK (PyPI obshell==0.0.9).

Setup:
    python3 -m venv /tmp/sdkvenv && /tmp/sdkvenv/bin/pip install obshell==0.0.9
Start the simulator (any of):
    obtui sim ...                                    # once the obshell routes are mounted there
    cargo run --example obshell_sim -- --port 2886 --password rootpass --speed 20 \
        --fail-node "Wait remote start finish"
Run:
    /tmp/sdkvenv/bin/python scripts/sdk_check.py --port 2886 --password rootpass \
        --fail-node "Wait remote start finish"

--fail-node must name the node the simulator was told to fail (or be omitted when none was):
the first scale-out then fails there once, and RETRY finishes it. Exit status 0 when every
check passes; each check prints one line.
"""

import argparse
import sys
import time
from unittest import mock

try:
    from obshell import ClientSet, OBShellHandleError, TaskExecuteFailedError
    from obshell.auth import PasswordAuth
except ImportError:  # pragma: no cover
    sys.exit("obshell SDK not installed: pip install obshell==0.0.9")

REAL_SLEEP = time.sleep
FAILURES = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (f"  ({detail})" if detail and not cond else ""))
    if not cond:
        FAILURES.append(name)


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2886)
    ap.add_argument("--password", default="aaAA11__")
    ap.add_argument("--fail-node", default="")
    ap.add_argument("--target", default="10.186.1.4", help="IP of the agent to scale out")
    ap.add_argument("--zone", default="zone1")
    args = ap.parse_args()

    c = ClientSet(args.host, args.port, PasswordAuth(args.password)).v1

    st = c.get_status()
    check("get_status: CLUSTER AGENT, obState 3",
          val(st.agent.identity) == "CLUSTER AGENT" and st.ob_state == 3,
          f"{st.agent.identity} {st.ob_state}")

    inf = c.get_info()
    check("get_info: identity and version", val(inf.identity) == "CLUSTER AGENT" and bool(inf.version))

    ob = c.get_ob_info()
    check("get_ob_info (encrypted header): cluster and agents", bool(ob.cluster) and len(ob.agents) >= 3,
          f"{len(ob.agents)} agents")

    dags = c.get_unfinished_dags()
    check("get_unfinished_dags: nothing running", dags == [], f"{len(dags)} dags")

    dag = c.scale_out(args.target, 2886, args.zone,
                      {"mysql_port": "2881", "rpc_port": "2882", "memory_limit": "16G"})
    check("scale_out (encrypted body): DAG created",
          dag.name == "Cluster scale out" and val(dag.state) in ("READY", "RUNNING"),
          f"{dag.name} {dag.state}")
    d = c.get_dag(dag.generic_id)
    zones = {getattr(a, "zone", None) for a in ob.agents}
    want = 9 if args.zone in zones else 11
    check(f"get_dag: max_stage {want} ({'existing' if want == 9 else 'new'} zone)", d.max_stage == want,
          f"max_stage {d.max_stage}")

    # wait_dag_succeed sleeps a fixed 3 s per poll; shorten it (time.sleep is patched globally).
    with mock.patch("obshell.service.client_v1.time.sleep", lambda s: REAL_SLEEP(0.05)):
        if args.fail_node:
            try:
                c.wait_dag_succeed(dag.generic_id)
                check("wait_dag_succeed: injected failure raises", False, "DAG succeeded")
            except TaskExecuteFailedError as e:
                msg = str(e)
                check("wait_dag_succeed: TaskExecuteFailedError with the failed sub_task's log",
                      "ERROR: [" in msg and "Cluster scale out" in msg, msg)
            failed = c.get_dag(dag.generic_id)
            names = [n.name for n in failed.nodes if val(n.state) == "FAILED"]
            check("failed DAG: the named node failed", names == [args.fail_node], f"{names}")
            check("operate_dag RETRY on the failed DAG", c.operate_dag(dag.generic_id, "RETRY") is True)
        done = c.wait_dag_succeed(dag.generic_id)

    check("wait_dag_succeed: SUCCEED at the last stage",
          done.is_succeed() and done.stage == done.max_stage, f"{done.state} {done.stage}/{done.max_stage}")
    check("every sub_task has an execute_agent",
          all(n.sub_tasks[0].execute_agent for n in done.nodes))

    expect_error("operate_dag RETRY on a SUCCEED DAG is refused",
                 lambda: c.operate_dag(done.generic_id, "RETRY"),
                 "Task.Dag.Operator.RetryNotFailedDag")
    expect_error("get_dag of an unknown id: 404", lambda: c.get_dag("1999"), "Task.NotFound")

    bad = ClientSet(args.host, args.port, PasswordAuth("wrong-password")).v1
    expect_error("wrong password: 401", bad.get_ob_info,
                 "Security.Authentication.IncorrectOceanbasePassword")

    ob = c.get_ob_info()
    check("the new agent joined the cluster",
          any(a.ip == args.target for a in ob.agents), f"{[a.ip for a in ob.agents]}")

    # CANCEL a running DAG: the SDK reports "Task <name> canceled." from the node's operator.
    second = args.target.rsplit(".", 1)[0] + "." + str((int(args.target.rsplit(".", 1)[1]) + 1) % 250 + 2)
    dag2 = c.scale_out(second, 2886, args.zone, {"mysql_port": "2881", "rpc_port": "2882"})
    check("operate_dag CANCEL on a running DAG", c.operate_dag(dag2.generic_id, "CANCEL") is True)
    with mock.patch("obshell.service.client_v1.time.sleep", lambda s: REAL_SLEEP(0.05)):
        try:
            c.wait_dag_succeed(dag2.generic_id)
            check("wait_dag_succeed after CANCEL raises", False, "DAG succeeded")
        except TaskExecuteFailedError as e:
            check("wait_dag_succeed after CANCEL: 'canceled'", "canceled" in str(e), str(e))
    expect_error("CANCEL on a finished DAG is refused",
                 lambda: c.operate_dag(dag2.generic_id, "CANCEL"),
                 "Task.Dag.Operator.CancelFinishedDag")

    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
