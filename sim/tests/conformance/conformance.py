"""Conformance suite: the official DataStax Python driver against ringbolt-sim.

Run by sim/tests/conformance.rs, which starts the `ringbolt-sim` binary and passes where it listens
through environment variables:

  RB_SIM_HOST, RB_SIM_PORT         the plain cluster (2 datacenters: dc1 x3, dc2 x2)
  RB_SIM_AUTH_HOST, RB_SIM_AUTH_PORT, RB_SIM_USER, RB_SIM_PASSWORD   a cluster with PasswordAuthenticator
  RB_SIM_TLS_HOST, RB_SIM_TLS_PORT, RB_SIM_TLS_CA                    a cluster behind TLS

Nothing here knows how the simulator is written: every expectation is what Cassandra 4.0 does.
"""

import datetime
import decimal
import ipaddress
import logging
import os
import ssl
import sys
import time
import unittest
import uuid

from cassandra import ConsistencyLevel, AuthenticationFailed
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.murmur3 import murmur3
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy
from cassandra.query import BatchStatement, BatchType, SimpleStatement
from cassandra.util import Duration

HOST = os.environ.get("RB_SIM_HOST", "127.0.0.1")
PORT = int(os.environ.get("RB_SIM_PORT", "9042"))


class WarningCollector(logging.Handler):
    """Collects warnings and errors the driver logs (metadata problems are logged, not raised)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(self.format(record))


COLLECTOR = WarningCollector()
logging.getLogger("cassandra").addHandler(COLLECTOR)
logging.getLogger("cassandra").setLevel(logging.WARNING)


def profile(local_dc="dc1"):
    return ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=local_dc)),
        consistency_level=ConsistencyLevel.LOCAL_ONE,
        request_timeout=20,
    )


def connect(protocol_version=5, **kwargs):
    cluster = Cluster(
        contact_points=[HOST],
        port=PORT,
        protocol_version=protocol_version,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile()},
        connect_timeout=10,
        control_connection_timeout=10,
        **kwargs,
    )
    return cluster, cluster.connect()


class ClusterTest(unittest.TestCase):
    """One shared v5 session for the data tests."""

    @classmethod
    def setUpClass(cls):
        cls.cluster, cls.session = connect(5)
        cls.session.execute(
            "CREATE KEYSPACE IF NOT EXISTS conf WITH replication = "
            "{'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}"
        )
        cls.session.set_keyspace("conf")

    @classmethod
    def tearDownClass(cls):
        cls.cluster.shutdown()


class TestConnect(unittest.TestCase):
    def check_version(self, version):
        cluster, session = connect(version)
        try:
            self.assertEqual(cluster.protocol_version, version)
            row = session.execute("SELECT release_version, data_center FROM system.local").one()
            self.assertTrue(row.release_version.startswith("4.0"), row.release_version)
            self.assertIn(row.data_center, ("dc1", "dc2"))
            hosts = cluster.metadata.all_hosts()
            self.assertEqual(len(hosts), 5, [str(h) for h in hosts])
            dcs = sorted(h.datacenter for h in hosts)
            self.assertEqual(dcs, ["dc1", "dc1", "dc1", "dc2", "dc2"])
        finally:
            cluster.shutdown()

    def test_v4(self):
        self.check_version(4)

    def test_v5(self):
        self.check_version(5)

    def test_unsupported_version_is_refused_then_downgraded(self):
        # Without a pinned version the driver starts high and downgrades on the server's
        # PROTOCOL_ERROR, as it does against Cassandra 4.0 (which speaks v3..v5).
        cluster = Cluster(contact_points=[HOST], port=PORT,
                          execution_profiles={EXEC_PROFILE_DEFAULT: profile()})
        try:
            cluster.connect()
            self.assertIn(cluster.protocol_version, (4, 5))
        finally:
            cluster.shutdown()


class TestMetadata(ClusterTest):
    def test_schema_loads_without_warnings(self):
        s = self.session
        s.execute("CREATE TYPE IF NOT EXISTS conf.address (street text, zip int, tags set<text>)")
        s.execute(
            "CREATE TABLE IF NOT EXISTS conf.meta_t (a int, b text, c timeuuid, d bigint static, "
            "e frozen<address>, f map<text, frozen<list<int>>>, PRIMARY KEY ((a, b), c)) "
            "WITH CLUSTERING ORDER BY (c DESC)"
        )
        COLLECTOR.records.clear()
        self.cluster.refresh_schema_metadata()
        ks = self.cluster.metadata.keyspaces["conf"]
        # The driver holds ReplicationFactor objects here; their str() is the replication factor.
        factors = {dc: str(rf) for dc, rf in ks.replication_strategy.dc_replication_factors_info.items()}
        self.assertEqual(factors, {"dc1": "2", "dc2": "1"})
        t = ks.tables["meta_t"]
        self.assertEqual([c.name for c in t.partition_key], ["a", "b"])
        self.assertEqual([c.name for c in t.clustering_key], ["c"])
        self.assertEqual(t.clustering_key[0].cql_type, "timeuuid")
        self.assertTrue(t.columns["d"].is_static)
        self.assertTrue(t.columns["c"].is_reversed)
        self.assertEqual(t.columns["f"].cql_type, "map<text, frozen<list<int>>>")
        self.assertIn("address", ks.user_types)
        self.assertEqual(ks.user_types["address"].field_names, ["street", "zip", "tags"])
        self.assertIn("system", self.cluster.metadata.keyspaces)
        self.assertIn("system_schema", self.cluster.metadata.keyspaces)
        # the exported schema is CQL the driver could print
        self.assertIn("CREATE TABLE conf.meta_t", t.export_as_string())
        tm = self.cluster.metadata.token_map
        self.assertIsNotNone(tm)
        self.assertEqual(len(tm.ring), 5 * 16)
        self.assertEqual(COLLECTOR.records, [])

    def test_schema_agreement(self):
        self.session.execute("CREATE TABLE IF NOT EXISTS conf.agree (k int PRIMARY KEY)")
        self.assertTrue(self.cluster.control_connection.wait_for_schema_agreement(wait_time=10))


class TestTypes(ClusterTest):
    def test_every_type_through_prepared_statements(self):
        s = self.session
        s.execute(
            "CREATE TABLE IF NOT EXISTS conf.all_types (k int PRIMARY KEY, a ascii, b bigint, c blob, "
            "d boolean, e date, f decimal, g double, h duration, i float, j inet, l smallint, "
            "m text, n time, o timestamp, p timeuuid, q tinyint, r uuid, s varint, "
            "t list<int>, u set<text>, v map<text, int>, w tuple<int, text>, x frozen<list<frozen<set<int>>>>)"
        )
        values = dict(
            k=1, a="ascii", b=-(2 ** 63), c=b"\x00\xff\x80", d=True,
            e=datetime.date(2024, 2, 29), f=decimal.Decimal("-12.3450"), g=1.5e300,
            h=Duration(1, 2, 3000000000), i=0.5, j="2001:db8::1", l=-32768, m="héllo ☃",
            n=datetime.time(23, 59, 59, 999999), o=datetime.datetime(2021, 1, 2, 3, 4, 5, 678000),
            p=uuid.UUID("e7f2a9d0-3a1b-11ee-be56-0242ac120002"), q=-128,
            r=uuid.UUID("6f8a7d3e-1c2b-4a5d-9e8f-0a1b2c3d4e5f"), s=2 ** 100 + 1,
            t=[3, 1, 2], u={"b", "a"}, v={"x": 1, "y": 2}, w=(7, "seven"), x=[{1, 2}, {3}],
        )
        cols = list(values)
        ins = s.prepare("INSERT INTO conf.all_types (%s) VALUES (%s)" % (", ".join(cols), ", ".join("?" * len(cols))))
        s.execute(ins, [values[c] for c in cols])
        sel = s.prepare("SELECT %s FROM conf.all_types WHERE k = ?" % ", ".join(cols))
        row = s.execute(sel, [1]).one()
        self.assertEqual(row.a, "ascii")
        self.assertEqual(row.b, -(2 ** 63))
        self.assertEqual(row.c, b"\x00\xff\x80")
        self.assertEqual(row.d, True)
        self.assertEqual(row.e.date(), datetime.date(2024, 2, 29))
        self.assertEqual(row.f, decimal.Decimal("-12.3450"))
        self.assertEqual(row.g, 1.5e300)
        self.assertEqual(row.h, Duration(1, 2, 3000000000))
        self.assertEqual(row.i, 0.5)
        self.assertEqual(ipaddress.ip_address(row.j), ipaddress.ip_address("2001:db8::1"))
        self.assertEqual(row.l, -32768)
        self.assertEqual(row.m, "héllo ☃")
        self.assertEqual(row.n.time(), datetime.time(23, 59, 59, 999999))
        self.assertEqual(row.o, datetime.datetime(2021, 1, 2, 3, 4, 5, 678000))
        self.assertEqual(row.p, values["p"])
        self.assertEqual(row.q, -128)
        self.assertEqual(row.r, values["r"])
        self.assertEqual(row.s, 2 ** 100 + 1)
        self.assertEqual(row.t, [3, 1, 2])
        self.assertEqual(sorted(row.u), ["a", "b"])
        self.assertEqual(dict(row.v), {"x": 1, "y": 2})
        self.assertEqual(tuple(row.w), (7, "seven"))
        self.assertEqual([set(x) for x in row.x], [{1, 2}, {3}])
        # null everywhere but the key
        s.execute(ins, [2] + [None] * (len(cols) - 1))
        row = s.execute(sel, [2]).one()
        self.assertTrue(all(getattr(row, c) is None for c in cols[1:]), row)

    def test_udt_round_trip(self):
        s = self.session
        s.execute("CREATE TYPE IF NOT EXISTS conf.point (x int, y int, label text)")
        s.execute("CREATE TABLE IF NOT EXISTS conf.shapes (id int PRIMARY KEY, p frozen<point>, ps list<frozen<point>>)")
        s.execute("INSERT INTO conf.shapes (id, p, ps) VALUES (1, {x: 1, y: 2, label: 'a'}, [{x: 3, y: 4, label: null}])")
        row = s.execute("SELECT p, ps FROM conf.shapes WHERE id = 1").one()
        self.assertEqual((row.p.x, row.p.y, row.p.label), (1, 2, "a"))
        self.assertEqual((row.ps[0].x, row.ps[0].y, row.ps[0].label), (3, 4, None))


class TestPaging(ClusterTest):
    def test_fetch_size_pages_every_row_once(self):
        s = self.session
        s.execute("CREATE TABLE IF NOT EXISTS conf.paged (p int, c int, v text, PRIMARY KEY (p, c))")
        ins = s.prepare("INSERT INTO conf.paged (p, c, v) VALUES (?, ?, ?)")
        for p in range(7):
            for c in range(300):
                s.execute(ins, (p, c, "v%d" % c))
        seen = []
        rs = s.execute(SimpleStatement("SELECT p, c FROM conf.paged", fetch_size=250))
        for row in rs:
            seen.append((row.p, row.c))
        self.assertEqual(len(seen), 2100)
        self.assertEqual(len(set(seen)), 2100)
        # within a partition rows come in clustering order; partitions in token order
        tokens = [murmur3(int(p).to_bytes(4, "big", signed=True)) for p, _ in seen[::300]]
        self.assertEqual(tokens, sorted(tokens))
        for i in range(0, 2100, 300):
            self.assertEqual([c for _, c in seen[i:i + 300]], list(range(300)))
        # paging state resumes exactly
        stmt = SimpleStatement("SELECT c FROM conf.paged WHERE p = 3", fetch_size=100)
        first = s.execute(stmt)
        page1 = [r.c for r in first.current_rows]
        second = s.execute(stmt, paging_state=first.paging_state)
        page2 = [r.c for r in second.current_rows]
        self.assertEqual(page1, list(range(100)))
        self.assertEqual(page2, list(range(100, 200)))


class TestWrites(ClusterTest):
    def test_batches(self):
        s = self.session
        s.execute("CREATE TABLE IF NOT EXISTS conf.batched (k int, c int, v text, PRIMARY KEY (k, c))")
        s.execute("CREATE TABLE IF NOT EXISTS conf.batch_counts (k int PRIMARY KEY, n counter)")
        ins = s.prepare("INSERT INTO conf.batched (k, c, v) VALUES (?, ?, ?)")
        b = BatchStatement(batch_type=BatchType.LOGGED)
        for c in range(10):
            b.add(ins, (1, c, "x"))
        b.add(SimpleStatement("DELETE FROM conf.batched WHERE k = 1 AND c = 0"))
        s.execute(b)
        rows = list(s.execute("SELECT c FROM conf.batched WHERE k = 1"))
        # a batch uses one timestamp: the delete and the insert of c = 0 tie, and a tombstone wins a tie
        self.assertEqual([r.c for r in rows], list(range(1, 10)))
        inc = s.prepare("UPDATE conf.batch_counts SET n = n + ? WHERE k = ?")
        cb = BatchStatement(batch_type=BatchType.COUNTER)
        cb.add(inc, (5, 1))
        cb.add(inc, (2, 1))
        s.execute(cb)
        self.assertEqual(s.execute("SELECT n FROM conf.batch_counts WHERE k = 1").one().n, 7)

    def test_lwt(self):
        s = self.session
        s.execute("CREATE TABLE IF NOT EXISTS conf.names (name text PRIMARY KEY, owner text)")
        r = s.execute("INSERT INTO conf.names (name, owner) VALUES ('neo', 'alice') IF NOT EXISTS")
        self.assertTrue(r.was_applied)
        r = s.execute("INSERT INTO conf.names (name, owner) VALUES ('neo', 'bob') IF NOT EXISTS")
        self.assertFalse(r.was_applied)
        self.assertEqual(r.one().owner, "alice")
        r = s.execute("UPDATE conf.names SET owner = 'carol' WHERE name = 'neo' IF owner = 'bob'")
        self.assertFalse(r.was_applied)
        self.assertEqual(r.one().owner, "alice")
        r = s.execute("UPDATE conf.names SET owner = 'carol' WHERE name = 'neo' IF owner = 'alice'")
        self.assertTrue(r.was_applied)
        r = s.execute("DELETE FROM conf.names WHERE name = 'nobody' IF EXISTS")
        self.assertFalse(r.was_applied)

    def test_counters(self):
        s = self.session
        s.execute("CREATE TABLE IF NOT EXISTS conf.hits (page text PRIMARY KEY, n counter)")
        up = s.prepare("UPDATE conf.hits SET n = n + ? WHERE page = ?")
        for _ in range(3):
            s.execute(up, (2, "home"))
        s.execute("UPDATE conf.hits SET n = n - 1 WHERE page = 'home'")
        self.assertEqual(s.execute("SELECT n FROM conf.hits WHERE page = 'home'").one().n, 5)

    def test_ttl(self):
        s = self.session
        s.execute("CREATE TABLE IF NOT EXISTS conf.sessions (id int PRIMARY KEY, v text)")
        s.execute("INSERT INTO conf.sessions (id, v) VALUES (1, 'a') USING TTL 1000")
        ttl = s.execute("SELECT TTL(v) AS t, WRITETIME(v) AS w FROM conf.sessions WHERE id = 1").one()
        self.assertTrue(990 <= ttl.t <= 1000, ttl.t)
        self.assertGreater(ttl.w, 1_600_000_000_000_000)
        s.execute("INSERT INTO conf.sessions (id, v) VALUES (2, 'b') USING TTL 1")
        time.sleep(2.1)
        self.assertIsNone(s.execute("SELECT v FROM conf.sessions WHERE id = 2").one())


class TestTokens(ClusterTest):
    def test_token_matches_python_murmur3(self):
        s = self.session
        s.execute("CREATE TABLE IF NOT EXISTS conf.blobkeys (k blob PRIMARY KEY)")
        s.execute("CREATE TABLE IF NOT EXISTS conf.textkeys (k text PRIMARY KEY)")
        keys = [b"", b"\x80", b"\xff", b"\x7f\x80", b"abc\xfe", bytes(range(256))[-17:],
                bytes([0x90] * 15), bytes([0xab] * 31), b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\xf0\xf1"]
        ins = s.prepare("INSERT INTO conf.blobkeys (k) VALUES (?)")
        sel = s.prepare("SELECT token(k) AS t FROM conf.blobkeys WHERE k = ?")
        for k in keys:
            if not k:
                continue  # an empty partition key is refused by Cassandra
            s.execute(ins, [k])
            self.assertEqual(s.execute(sel, [k]).one().t, murmur3(k), k)
        for text in ["héllo", "日本語のキー", "ÿ", "plain"]:
            s.execute("INSERT INTO conf.textkeys (k) VALUES (%s)", [text])
            t = s.execute("SELECT token(k) AS t FROM conf.textkeys WHERE k = %s", [text]).one().t
            self.assertEqual(t, murmur3(text.encode("utf-8")), text)


class TestRouting(ClusterTest):
    def stats(self):
        rows = self.session.execute("SELECT address, datacenter, coordinated, as_replica FROM system_views.sim_node_stats")
        return {str(r.address): (r.datacenter, r.coordinated, r.as_replica) for r in rows}

    def test_token_aware_requests_land_on_local_replicas(self):
        s = self.session
        s.execute("CREATE TABLE IF NOT EXISTS conf.routed (k int, c int, v int, PRIMARY KEY (k, c))")
        ins = s.prepare("INSERT INTO conf.routed (k, c, v) VALUES (?, ?, ?)")
        sel = s.prepare("SELECT v FROM conf.routed WHERE k = ? AND c = ?")
        before = self.stats()
        self.assertEqual(len(before), 5)
        for k in range(300):
            s.execute(ins, (k, 1, k))
            self.assertEqual(s.execute(sel, (k, 1)).one().v, k)
        after = self.stats()
        coordinated = sum(after[a][1] - before[a][1] for a in after)
        as_replica = sum(after[a][2] - before[a][2] for a in after)
        self.assertEqual(coordinated, 600)
        self.assertEqual(as_replica, 600)
        for addr, (dc, c, _) in after.items():
            if dc == "dc2":
                self.assertEqual(c - before[addr][1], 0, addr)


@unittest.skipUnless(os.environ.get("RB_SIM_AUTH_PORT"), "no authenticated cluster given")
class TestAuthentication(unittest.TestCase):
    def cluster(self, user, password):
        return Cluster(contact_points=[os.environ["RB_SIM_AUTH_HOST"]], port=int(os.environ["RB_SIM_AUTH_PORT"]),
                       protocol_version=5, auth_provider=PlainTextAuthProvider(user, password),
                       execution_profiles={EXEC_PROFILE_DEFAULT: profile()})

    def test_right_password(self):
        c = self.cluster(os.environ["RB_SIM_USER"], os.environ["RB_SIM_PASSWORD"])
        try:
            self.assertTrue(c.connect().execute("SELECT release_version FROM system.local").one())
        finally:
            c.shutdown()

    def test_wrong_password(self):
        c = self.cluster(os.environ["RB_SIM_USER"], "wrong")
        try:
            with self.assertRaises(NoHostAvailable) as ctx:
                c.connect()
            errors = list(ctx.exception.errors.values())
            self.assertTrue(errors and all(isinstance(e, AuthenticationFailed) for e in errors), errors)
        finally:
            c.shutdown()


@unittest.skipUnless(os.environ.get("RB_SIM_TLS_PORT"), "no TLS cluster given")
class TestTls(unittest.TestCase):
    def test_tls_connect(self):
        ctx = ssl.create_default_context(cafile=os.environ["RB_SIM_TLS_CA"])
        ctx.check_hostname = False
        c = Cluster(contact_points=[os.environ["RB_SIM_TLS_HOST"]], port=int(os.environ["RB_SIM_TLS_PORT"]),
                    protocol_version=5, ssl_context=ctx, execution_profiles={EXEC_PROFILE_DEFAULT: profile()})
        try:
            row = c.connect().execute("SELECT release_version FROM system.local").one()
            self.assertTrue(row.release_version.startswith("4.0"))
        finally:
            c.shutdown()


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print("conformance: %d passed, %d failed" % (result.testsRun - failed - len(result.skipped), failed))
    sys.exit(1 if failed else 0)
