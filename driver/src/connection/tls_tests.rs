//! TLS over real loopback TCP: a fake peer behind a rustls acceptor with a generated certificate.

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;

use super::fake_peer::{serve, Action, PeerConfig, PeerControl};
use super::*;
use crate::protocol::request::{Query, QueryParameters, Request};
use crate::protocol::response::{Response, ResultBody};

struct Server {
    address: SocketAddr,
    ca_pem: String,
}

/// Starts a TLS server for `localhost` that echoes query text as a Set_keyspace result.
async fn tls_server() -> Server {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(generated.key_pair.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![generated.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let peer = Arc::new(PeerConfig::new(|frame| match &frame.request {
        Request::Query(q) => {
            Action::Reply(Response::Result(ResultBody::SetKeyspace(q.query.clone())))
        }
        _ => Action::Ignore,
    }));
    let control = Arc::new(PeerControl::default());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let (peer, control) = (peer.clone(), control.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    serve(tls, peer, control).await;
                }
            });
        }
    });
    Server {
        address,
        ca_pem: generated.cert.pem(),
    }
}

fn config(tls: TlsConfig) -> ConnectionConfig {
    ConnectionConfig {
        tls: Some(tls),
        heartbeat_interval: None,
        ..ConnectionConfig::default()
    }
}

async fn echo(conn: &Connection) -> String {
    let request = Request::Query(Query {
        query: "over tls".into(),
        params: QueryParameters::default(),
    });
    match conn.send(request).await.unwrap().response {
        Response::Result(ResultBody::SetKeyspace(text)) => text,
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn tls_with_verified_server_name() {
    let server = tls_server().await;
    let conn = Connection::connect_named(
        server.address,
        "localhost",
        &config(TlsConfig::new().ca_pem(server.ca_pem.clone())),
    )
    .await
    .unwrap();
    assert_eq!(echo(&conn).await, "over tls");
    // Connecting by IP with an explicit server name works too.
    let by_ip = config(
        TlsConfig::new()
            .ca_pem(server.ca_pem)
            .server_name("localhost"),
    );
    let conn = Connection::connect(server.address, &by_ip).await.unwrap();
    assert_eq!(echo(&conn).await, "over tls");
}

#[tokio::test]
async fn tls_refuses_a_name_the_certificate_does_not_cover() {
    let server = tls_server().await;
    let wrong = config(
        TlsConfig::new()
            .ca_pem(server.ca_pem)
            .server_name("db.example.com"),
    );
    let err = Connection::connect(server.address, &wrong)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectionError::Tls(TlsError::Handshake(_))),
        "{err:?}"
    );
    assert!(err.to_string().contains("TLS"));
}

#[tokio::test]
async fn tls_refuses_an_untrusted_certificate_unless_verification_is_off() {
    let server = tls_server().await;
    let other_ca = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .unwrap()
        .cert
        .pem();
    let untrusted = config(TlsConfig::new().ca_pem(other_ca));
    let err = Connection::connect_named(server.address, "localhost", &untrusted)
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectionError::Tls(_)), "{err:?}");

    let unverified = config(TlsConfig::new().verify_server(false));
    let conn = Connection::connect(server.address, &unverified)
        .await
        .unwrap();
    assert_eq!(echo(&conn).await, "over tls");
}

#[tokio::test]
async fn client_certificate_is_loaded_from_pem() {
    let client = rcgen::generate_simple_self_signed(vec!["client".to_owned()]).unwrap();
    let tls = TlsConfig::new()
        .verify_server(false)
        .client_cert(client.cert.pem(), client.key_pair.serialize_pem());
    assert!(tls.client_config().is_ok());
    let bad_key = TlsConfig::new()
        .verify_server(false)
        .client_cert(client.cert.pem(), "not a key");
    assert!(matches!(
        bad_key.client_config(),
        Err(TlsError::InvalidClientIdentity { .. })
    ));
}

#[tokio::test]
async fn mutual_tls_presents_the_client_certificate() {
    use rustls::server::WebPkiClientVerifier;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let client_cert = rcgen::generate_simple_self_signed(vec!["client".to_owned()]).unwrap();
    let mut client_roots = rustls::RootCertStore::empty();
    client_roots.add(client_cert.cert.der().clone()).unwrap();
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(client_roots), provider.clone())
            .build()
            .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        server_cert.key_pair.serialize_der(),
    ));
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![server_cert.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let peer = Arc::new(PeerConfig::new(|frame| match &frame.request {
        Request::Query(q) => {
            Action::Reply(Response::Result(ResultBody::SetKeyspace(q.query.clone())))
        }
        _ => Action::Ignore,
    }));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, peer) = (acceptor.clone(), peer.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    serve(tls, peer, Arc::new(PeerControl::default())).await;
                }
            });
        }
    });
    let with_identity = TlsConfig::new()
        .ca_pem(server_cert.cert.pem())
        .client_cert(client_cert.cert.pem(), client_cert.key_pair.serialize_pem());
    let conn = Connection::connect_named(address, "localhost", &config(with_identity))
        .await
        .unwrap();
    assert_eq!(echo(&conn).await, "over tls");

    // Without a client certificate the server refuses the handshake.
    let anonymous = config(TlsConfig::new().ca_pem(server_cert.cert.pem()));
    let refused = Connection::connect_named(address, "localhost", &anonymous).await;
    assert!(refused.is_err());
}
