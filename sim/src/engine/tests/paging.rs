use super::*;

type PagingBytes = Option<Vec<u8>>;

fn page(
    h: &mut Harness,
    cql: &str,
    size: i32,
    state: Option<Vec<u8>>,
) -> (Vec<Vec<Option<Vec<u8>>>>, PagingBytes) {
    let params = QueryParameters {
        page_size: Some(size),
        paging_state: state,
        ..QueryParameters::default()
    };
    match h.run(cql, params).result {
        Ok(ResultBody::Rows(r)) => (
            decode_rows(&r),
            r.metadata.paging_state.as_deref().map(<[u8]>::to_vec),
        ),
        other => panic!("{other:?}"),
    }
}

fn all_pages(h: &mut Harness, cql: &str, size: i32) -> (Vec<Vec<Option<Vec<u8>>>>, usize) {
    let mut out = Vec::new();
    let mut state = None;
    let mut pages = 0;
    loop {
        let (rows, next) = page(h, cql, size, state);
        assert!(rows.len() <= size as usize);
        pages += 1;
        out.extend(rows);
        match next {
            Some(s) => state = Some(s),
            None => return (out, pages),
        }
    }
}

#[test]
fn twenty_thousand_rows_in_pages_of_a_thousand() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, PRIMARY KEY (k, c))");
    let mut ctx_ks = h.keyspace.clone();
    let mut ctx = RequestContext {
        coordinator: 0,
        cluster: &h.cluster,
        version: ProtocolVersion::V4,
        keyspace: &mut ctx_ks,
        stats: &h.stats,
    };
    let out = h.engine.prepare(
        &mut ctx,
        &Prepare {
            query: "INSERT INTO t (k, c) VALUES (?, ?)".into(),
            keyspace: None,
        },
    );
    let Ok(ResultBody::Prepared(p)) = out.result else {
        panic!("{out:?}")
    };
    for i in 0..20_000i32 {
        let e = Execute {
            id: p.id.clone().into(),
            result_metadata_id: None,
            params: QueryParameters {
                values: values(&[
                    Some((i % 37).to_be_bytes().to_vec()),
                    Some(i.to_be_bytes().to_vec()),
                ]),
                ..QueryParameters::default()
            },
        };
        h.engine.execute(&mut ctx, &e).result.unwrap();
    }
    let (rows, pages) = all_pages(&mut h, "SELECT k, c FROM t", 1000);
    assert_eq!(rows.len(), 20_000);
    assert_eq!(pages, 20);
    let mut seen: Vec<i64> = rows
        .iter()
        .map(|r| int_of(r[1].as_ref().unwrap()))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 20_000);
    let unpaged = h.rows("SELECT k, c FROM t");
    assert_eq!(rows, unpaged, "paged order equals unpaged order");
}

#[test]
fn paging_respects_limit_order_and_per_partition_limit() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int, c int, PRIMARY KEY (k, c))");
    for k in 0..3 {
        for c in 0..5 {
            h.ok(&format!("INSERT INTO t (k, c) VALUES ({k}, {c})"));
        }
    }
    let (rows, _) = all_pages(&mut h, "SELECT c FROM t WHERE k = 1 ORDER BY c DESC", 2);
    let cs: Vec<i64> = rows
        .iter()
        .map(|r| int_of(r[0].as_ref().unwrap()))
        .collect();
    assert_eq!(cs, [4, 3, 2, 1, 0]);
    let (rows, _) = all_pages(&mut h, "SELECT k, c FROM t LIMIT 7", 3);
    assert_eq!(rows.len(), 7);
    let (rows, _) = all_pages(&mut h, "SELECT k, c FROM t PER PARTITION LIMIT 2", 1);
    assert_eq!(rows.len(), 6);
    let (rows, _) = all_pages(&mut h, "SELECT k, c FROM t WHERE k IN (2, 0)", 4);
    let ks: Vec<i64> = rows
        .iter()
        .map(|r| int_of(r[0].as_ref().unwrap()))
        .collect();
    assert_eq!(ks, [0, 0, 0, 0, 0, 2, 2, 2, 2, 2]);
    let (rows, pages) = all_pages(&mut h, "SELECT DISTINCT k FROM t", 1);
    assert_eq!((rows.len(), pages), (3, 3));
    assert_eq!(h.ints("SELECT COUNT(*) FROM t"), vec![vec![15]]);
}

#[test]
fn token_ranges_cover_everything_once() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE t (k int PRIMARY KEY)");
    for k in 0..50 {
        h.ok(&format!("INSERT INTO t (k) VALUES ({k})"));
    }
    let low = h.rows("SELECT k FROM t WHERE token(k) <= 0").len();
    let high = h.rows("SELECT k FROM t WHERE token(k) > 0").len();
    assert_eq!(low + high, 50);
    let tokens: Vec<i64> = h
        .rows("SELECT token(k) FROM t")
        .iter()
        .map(|r| int_of(r[0].as_ref().unwrap()))
        .collect();
    assert!(tokens.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn group_by_results_page_by_groups() {
    let mut h = Harness::with_ks();
    h.ok("CREATE TABLE g (k int, c int, v int, PRIMARY KEY (k, c))");
    for k in 0..7 {
        for c in 0..3 {
            h.ok(&format!(
                "INSERT INTO g (k, c, v) VALUES ({k}, {c}, {})",
                k * 10 + c
            ));
        }
    }
    let whole = h.rows("SELECT k, max(v) FROM g GROUP BY k");
    assert_eq!(whole.len(), 7);
    let (paged, pages) = all_pages(&mut h, "SELECT k, max(v) FROM g GROUP BY k", 3);
    assert_eq!(paged, whole);
    assert_eq!(pages, 3);
    // LIMIT counts groups across pages.
    let limited = h.rows("SELECT k, max(v) FROM g GROUP BY k LIMIT 5");
    let (paged, pages) = all_pages(&mut h, "SELECT k, max(v) FROM g GROUP BY k LIMIT 5", 2);
    assert_eq!(paged, limited);
    assert_eq!(paged.len(), 5);
    assert_eq!(pages, 3);
    // Groups on a clustering prefix within one partition.
    let (paged, _) = all_pages(
        &mut h,
        "SELECT k, c, count(*) FROM g WHERE k = 2 GROUP BY k, c",
        2,
    );
    assert_eq!(paged.len(), 3);
}
