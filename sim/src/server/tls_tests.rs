//! TLS: server certificates and client-certificate verification, over real TCP.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use ringbolt_driver::protocol::request::{Options, Request};
use ringbolt_driver::protocol::response::Response;
use ringbolt_driver::protocol::ProtocolVersion;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::test_client::TestClient;
use crate::{SimCluster, SimError, TlsError};

struct Pki {
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    server_cert_pem: String,
    server_key_pem: String,
    client_cert: CertificateDer<'static>,
    client_key: Vec<u8>,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(vec!["client".to_string()]).unwrap();
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = client_params.signed_by(&client_key, &ca, &ca_key).unwrap();
    Pki {
        ca_pem: ca.pem(),
        ca_der: ca.der().clone(),
        server_cert_pem: server.pem(),
        server_key_pem: server_key.serialize_pem(),
        client_cert: client.der().clone(),
        client_key: client_key.serialize_der(),
    }
}

async fn tls_client(pki: &Pki, addr: SocketAddr, with_cert: bool) -> Option<TestClient> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca_der.clone()).unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = if with_cert {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.client_key.clone()));
        builder
            .with_client_auth_cert(vec![pki.client_cert.clone()], key)
            .unwrap()
    } else {
        builder.with_no_client_auth()
    };
    let connector = TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let stream = connector.connect(name, tcp).await.ok()?;
    Some(TestClient::over(Box::new(stream), ProtocolVersion::V4))
}

async fn start(pki: &Pki, base: u8, client_ca: bool) -> SimCluster {
    SimCluster::builder()
        .nodes(1)
        .base_address(IpAddr::V4(Ipv4Addr::new(127, 0, base, 1)))
        .port(0)
        .tls(
            pki.server_cert_pem.clone(),
            pki.server_key_pem.clone(),
            client_ca.then(|| pki.ca_pem.clone()),
        )
        .start()
        .await
        .expect("start")
}

#[tokio::test]
async fn tls_handshake_then_cql() {
    let pki = pki();
    let cluster = start(&pki, 30, false).await;
    let addr = cluster.contact_points()[0];
    let mut c = tls_client(&pki, addr, false).await.expect("tls");
    c.send(1, Request::Options(Options)).await;
    assert!(matches!(c.recv().await.response, Response::Supported(_)));
    assert_eq!(c.startup().await, Response::Ready);
    // Plain CQL on a TLS port gets no CQL answer.
    let mut plain = TestClient::connect(addr, ProtocolVersion::V4).await;
    plain.send(1, Request::Options(Options)).await;
    assert!(plain.closed_within(Duration::from_secs(3)).await);
}

#[tokio::test]
async fn client_certificates_are_verified_with_the_ca() {
    let pki = pki();
    let cluster = start(&pki, 31, true).await;
    let addr = cluster.contact_points()[0];
    let mut c = tls_client(&pki, addr, true).await.expect("tls");
    assert_eq!(c.startup().await, Response::Ready);
    // Without a certificate: the handshake fails, or the first exchange does (TLS 1.3).
    if let Some(mut c) = tls_client(&pki, addr, false).await {
        c.send(1, Request::Options(Options)).await;
        assert!(c.closed_within(Duration::from_secs(3)).await);
    }
}

#[tokio::test]
async fn bad_tls_material_is_a_typed_error() {
    let pki = pki();
    let result = SimCluster::builder()
        .nodes(1)
        .port(0)
        .tls(pki.server_cert_pem.clone(), "not a key", None)
        .start()
        .await;
    assert!(matches!(result, Err(SimError::Tls(TlsError::NoPrivateKey))));
    let result = SimCluster::builder()
        .nodes(1)
        .port(0)
        .tls("", pki.server_key_pem.clone(), None)
        .start()
        .await;
    assert!(matches!(
        result,
        Err(SimError::Tls(TlsError::NoCertificate))
    ));
}
