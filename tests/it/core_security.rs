//! Protocol core over real TCP against ringbolt-sim, on v4 and v5: TLS with client
//! certificates (CA and leaf certificates made with rcgen) and password authentication.
//! Addresses: 127.0.46.x (TLS), 127.0.47.x (authentication).

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use ringbolt::connection::TlsConfig;
use ringbolt::session::NewSessionError;

use crate::core_support::{connect, session_builder, sim, start, VERSIONS, WAIT};

struct Ca {
    cert: Certificate,
    key: KeyPair,
}

fn new_ca(name: &str) -> Ca {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages.push(KeyUsagePurpose::KeyCertSign);
    params.key_usages.push(KeyUsagePurpose::DigitalSignature);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Ca { cert, key }
}

/// A leaf certificate signed by `ca`: (certificate PEM, key PEM).
fn leaf(ca: &Ca, names: &[&str], usage: ExtendedKeyUsagePurpose) -> (String, String) {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.use_authority_key_identifier_extension = true;
    params.key_usages.push(KeyUsagePurpose::DigitalSignature);
    params.extended_key_usages.push(usage);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// The error and all its sources, joined.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

#[tokio::test]
async fn tls_with_client_certificate() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let address = format!("127.0.46.{}", i + 1);
        let ca = new_ca("ringbolt test CA");
        let (server_cert, server_key) = leaf(
            &ca,
            &[&address, "localhost"],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client_cert, client_key) = leaf(
            &ca,
            &["ringbolt-client"],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let ca_pem = ca.cert.pem();
        let cluster = start(sim(&address).tls(server_cert, server_key, Some(ca_pem.clone()))).await;

        let tls = TlsConfig::new()
            .ca_pem(ca_pem.clone())
            .client_cert(client_cert, client_key);
        let session = connect(session_builder(&cluster, version).tls(tls)).await;
        let (release,): (String,) = session
            .query("SELECT release_version FROM system.local", ())
            .await
            .unwrap()
            .first_row()
            .unwrap();
        assert!(!release.is_empty());
        session.close().await;

        // Without a client certificate the node refuses the connection.
        let no_cert = TlsConfig::new().ca_pem(ca_pem.clone());
        let refused = tokio::time::timeout(
            WAIT,
            session_builder(&cluster, version).tls(no_cert).build(),
        )
        .await
        .expect("a refused TLS connection does not hang");
        let error = refused.expect_err("a client without a certificate must be refused");
        assert!(matches!(
            error,
            NewSessionError::AllContactPointsFailed { .. }
        ));
        // The message itself (not only its sources) names the cause and the fix.
        let shown = error.to_string();
        assert!(shown.contains("TLS"), "{shown}");
        assert!(shown.contains("client certificate"), "{shown}");

        // A client certificate from another CA is refused as well.
        let other = new_ca("someone else");
        let (cert, key) = leaf(&other, &["intruder"], ExtendedKeyUsagePurpose::ClientAuth);
        let foreign = TlsConfig::new().ca_pem(ca_pem).client_cert(cert, key);
        let refused = tokio::time::timeout(
            WAIT,
            session_builder(&cluster, version).tls(foreign).build(),
        )
        .await
        .expect("a refused TLS connection does not hang");
        assert!(refused.is_err());
    }
}

#[tokio::test]
async fn password_authentication() {
    for (i, version) in VERSIONS.into_iter().enumerate() {
        let cluster = start(sim(&format!("127.0.47.{}", i + 1)).credentials("app", "s3cret")).await;

        let session =
            connect(session_builder(&cluster, version).credentials("app", "s3cret")).await;
        assert_eq!(session.protocol_version(), Some(version));
        let (release,): (String,) = session
            .query("SELECT release_version FROM system.local", ())
            .await
            .unwrap()
            .first_row()
            .unwrap();
        assert!(!release.is_empty());
        // Prepared statements and paging work over the authenticated connection too.
        let p = session
            .prepare("SELECT key FROM system.local WHERE key = ?")
            .await
            .unwrap();
        let (key,): (String,) = session
            .execute(&p, ("local",))
            .await
            .unwrap()
            .first_row()
            .unwrap();
        assert_eq!(key, "local");
        session.close().await;

        let wrong = tokio::time::timeout(
            WAIT,
            session_builder(&cluster, version)
                .credentials("app", "wrong")
                .build(),
        )
        .await
        .expect("a refused login does not hang")
        .expect_err("a wrong password must be refused");
        let shown = wrong.to_string().to_lowercase();
        assert!(shown.contains("authentication failed"), "{shown}");
        assert!(
            !chain(&wrong).contains("wrong"),
            "the password leaks: {}",
            chain(&wrong)
        );
        assert!(
            !format!("{wrong:?}").contains("wrong\""),
            "the password leaks: {wrong:?}"
        );

        let missing = tokio::time::timeout(WAIT, session_builder(&cluster, version).build())
            .await
            .expect("a login without credentials does not hang")
            .expect_err("credentials are required");
        assert!(
            chain(&missing).contains("configure credentials"),
            "{}",
            chain(&missing)
        );
    }
}
