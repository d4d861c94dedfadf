"""`cirrus worker` node health end to end (spec §4 node health fields, §8 tasks): real Redis,
real `cirrus edge` processes as nodes, real workers.

- a stopped edge goes active=0 after the fail threshold and `cdn:cname:dirty` is published;
  started again, it comes back after the success threshold;
- with two workers, each health period is enqueued and run exactly once, and the other
  worker takes over the schedule when the leader stops;
- ACME tasks are left queued by this build; SIGTERM exits 0, also while Redis is down;
- end to end with `cirrus dns`: the stopped node leaves the steering answer and comes back.
"""
import collections
import json
import time

from harness import wait_until
from dns_fixtures import addresses, dns_master, fqdn, put_domain  # noqa: F401  (fixture)
from worker_fixtures import put_node, worker_stack  # noqa: F401  (fixture)


def node(r, node_id):
    return r.hgetall(f"cdn:node:{node_id}")


def health_tasks(r):
    """Every cname.node_health task record, as dicts."""
    out = []
    for key in r.scan_iter("cdn:task:*", count=1000):
        rec = r.hgetall(key)
        if rec.get("name") == "cname.node_health":
            out.append(rec)
    return out


def test_stopped_node_goes_inactive_and_comes_back(worker_stack):
    r = worker_stack.redis.client()
    edge_a = worker_stack.edge("127.0.0.2", "edge-a")
    edge_b = worker_stack.edge("127.0.0.3", "edge-b")
    put_node(r, "node-a", "127.0.0.2")
    put_node(r, "node-b", "127.0.0.3")
    put_node(r, "node-off", "127.0.0.4", enabled=False)
    pubsub = r.pubsub()
    pubsub.subscribe("cdn:cname:dirty")
    wait_until(lambda: pubsub.get_message(timeout=0.1), 5, "subscription confirmed")

    worker = worker_stack.worker()
    wait_until(lambda: int(node(r, "node-b").get("succs", 0)) >= 1, 10, "first probe of node-b")
    assert node(r, "node-a")["active"] == "1"
    assert node(r, "node-off")["last_check"] == "0", "a disabled node is never probed"
    assert pubsub.get_message(timeout=0.2) is None, "no publish without a transition"

    assert edge_b.proc.stop() == 0
    wait_until(lambda: node(r, "node-b")["active"] == "0", 15, "node-b inactive")
    b = node(r, "node-b")
    assert int(b["fails"]) >= 2 and b["succs"] == "0"
    assert b["last_error"], b
    assert int(b["last_check"]) > 0
    message = wait_until(lambda: pubsub.get_message(timeout=0.2), 5, "cdn:cname:dirty")
    assert message["channel"] == "cdn:cname:dirty"
    assert node(r, "node-a")["active"] == "1"
    assert int(node(r, "node-a")["fails"]) == 0

    edge_b = worker_stack.edge("127.0.0.3", "edge-b-again")
    wait_until(lambda: node(r, "node-b")["active"] == "1", 15, "node-b active again")
    b = node(r, "node-b")
    assert int(b["succs"]) >= 2 and b["fails"] == "0" and b["last_error"] == ""
    wait_until(lambda: pubsub.get_message(timeout=0.2), 5, "cdn:cname:dirty on recovery")
    assert node(r, "node-off")["last_check"] == "0"

    assert worker.metric('cirrus_worker_node_transitions_total{to="down"}') == 1
    assert worker.metric('cirrus_worker_node_transitions_total{to="up"}') == 1
    assert worker.metric('cirrus_worker_health_probes_total{result="fail"}') >= 2
    assert worker.metric('cirrus_task_total{queue="health",name="cname.node_health",'
                         'outcome="succeeded"}') >= 3
    assert worker.metric("cirrus_worker_scheduler_leader") == 1
    assert worker.proc.stop() == 0
    assert edge_a.proc.alive()
    pubsub.close()


def test_two_workers_run_each_period_once_and_hand_over(worker_stack):
    r = worker_stack.redis.client()
    worker_stack.edge("127.0.0.2", "edge-a")
    put_node(r, "node-a", "127.0.0.2")
    # An ACME task as the API enqueues it, for a domain that does not exist (any more): one of
    # the two workers takes it, once, and skips it.
    r.hset("cdn:task:acme1", mapping={"queue": "acme", "name": "acme.issue_certificate",
                                      "args": '{"domain":"a.test"}', "status": "queued",
                                      "attempts": "0", "created_at": "1", "updated_at": "1"})
    r.xadd("cdn:tasks:acme", {"task": "acme1", "name": "acme.issue_certificate"})

    w1 = worker_stack.worker("worker-1")
    w2 = worker_stack.worker("worker-2")
    wait_until(lambda: len(health_tasks(r)) >= 5, 15, "five health periods")
    leaders = [w for w in (w1, w2) if w.metric("cirrus_worker_scheduler_leader") == 1]
    assert len(leaders) == 1, "exactly one scheduler leader"
    leader, other = leaders[0], (w2 if leaders[0] is w1 else w1)

    assert leader.proc.stop() == 0  # releases the lease: the other takes over at once
    stop_tasks = len(health_tasks(r))
    wait_until(lambda: other.metric("cirrus_worker_scheduler_leader") == 1, 10, "takeover")
    wait_until(lambda: len(health_tasks(r)) >= stop_tasks + 3, 15, "periods after the takeover")
    assert other.proc.stop() == 0

    tasks = health_tasks(r)
    # Each period's task is stamped with the period's second; none appears twice.
    per_period = collections.Counter(int(t["created_at"]) for t in tasks)
    duplicates = {p: n for p, n in per_period.items() if n > 1}
    assert not duplicates, f"periods fired twice: {duplicates}"
    # Every task ran exactly once and succeeded (no leftovers once both workers stopped,
    # except possibly the very last period, enqueued just before the last stop).
    statuses = collections.Counter(t["status"] for t in tasks)
    assert statuses["succeeded"] >= len(tasks) - 1, statuses
    assert all(t["attempts"] in ("0", "1") for t in tasks), [t["attempts"] for t in tasks]
    assert r.xlen("cdn:tasks:health:dead") == 0

    acme = r.hgetall("cdn:task:acme1")
    assert acme["status"] == "succeeded" and acme["attempts"] == "1", acme
    assert json.loads(acme["result"]) == {"domain": "a.test", "skipped": "domain deleted"}
    assert r.xlen("cdn:tasks:acme") == 0


def test_worker_exits_zero_on_sigterm_while_redis_is_down(worker_stack):
    worker = worker_stack.worker()
    worker_stack.redis.stop()
    time.sleep(1.5)  # the loops are now retrying against a dead Redis
    assert worker.proc.alive(), worker.proc.output()
    assert worker.healthy()
    worker_stack.redis.start()
    r = worker_stack.redis.client()
    put_node(r, "node-a", "127.0.0.2")  # nothing listens there
    wait_until(lambda: int(node(r, "node-a").get("fails", 0)) >= 1, 15,
               "health checks resumed after the outage")
    worker_stack.redis.stop()
    assert worker.proc.stop() == 0


def test_stopped_node_leaves_the_dns_answer(worker_stack, dns_master):
    """End to end: edge stops -> worker marks its node inactive -> cirrus dns drops it."""
    r = worker_stack.redis.client()
    worker_stack.edge("127.0.0.2", "edge-a")
    edge_b = worker_stack.edge("127.0.0.3", "edge-b")
    put_node(r, "node-a", "127.0.0.2")
    put_node(r, "node-b", "127.0.0.3")
    master = dns_master()
    put_domain(r, "www.example.com")
    name = fqdn("www.example.com")
    both = {"127.0.0.2", "127.0.0.3"}
    wait_until(lambda: addresses(master.port, name) == both, 10, "both nodes in the answer")

    worker = worker_stack.worker()
    assert edge_b.proc.stop() == 0
    wait_until(lambda: addresses(master.port, name) == {"127.0.0.2"}, 15,
               "the stopped node left the answer")
    worker_stack.edge("127.0.0.3", "edge-b-again")
    wait_until(lambda: addresses(master.port, name) == both, 15, "the node is back in the answer")
    assert worker.proc.stop() == 0
