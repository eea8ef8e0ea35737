//! TLS with client certificates and password authentication, against an embedded ringbolt-sim
//! cluster whose certificates are generated on the spot with rcgen. For a real cluster, give
//! the session your CA (and client certificate) PEM files the same way.
//!
//! ```text
//! cargo run --example tls_and_auth
//! ```

use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use ringbolt::connection::TlsConfig;
use ringbolt::session::Session;
use ringbolt_sim::SimCluster;

/// PEM text of a CA, a server certificate for `localhost` and a client certificate.
struct Pki {
    ca: String,
    server_cert: String,
    server_key: String,
    client_cert: String,
    client_key: String,
}

fn pki() -> Result<Pki, rcgen::Error> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key)?;
    let server_key = KeyPair::generate()?;
    let server = CertificateParams::new(vec!["localhost".to_owned()])?.signed_by(
        &server_key,
        &ca,
        &ca_key,
    )?;
    let client_key = KeyPair::generate()?;
    let mut client_params = CertificateParams::new(vec!["ringbolt-example".to_owned()])?;
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = client_params.signed_by(&client_key, &ca, &ca_key)?;
    Ok(Pki {
        ca: ca.pem(),
        server_cert: server.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client.pem(),
        client_key: client_key.serialize_pem(),
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pki = pki()?;
    // The cluster serves TLS only, requires client certificates signed by the CA, and logins.
    let cluster = SimCluster::builder()
        .nodes(1)
        .port(0)
        .credentials("app", "s3cret")
        .tls(pki.server_cert, pki.server_key, Some(pki.ca.clone()))
        .start()
        .await?;
    let contact_point = cluster
        .contact_points()
        .first()
        .copied()
        .ok_or("no nodes")?;
    let tls = TlsConfig::new()
        .ca_pem(pki.ca.clone())
        .client_cert(pki.client_cert.clone(), pki.client_key.clone())
        .server_name("localhost");

    let session = Session::builder()
        .contact_point(contact_point)
        .local_datacenter("dc1")
        .credentials("app", "s3cret")
        .tls(tls.clone())
        .build()
        .await?;
    let result = session
        .query("SELECT release_version FROM system.local", ())
        .await?;
    let (version,): (String,) = result.first_row()?;
    println!("connected over TLS as 'app': Cassandra {version}");
    session.close().await;

    // A wrong password is refused with a typed error, and the password is never printed.
    let refused = Session::builder()
        .contact_point(contact_point)
        .local_datacenter("dc1")
        .credentials("app", "wrong")
        .tls(tls)
        .build()
        .await;
    match refused {
        Ok(_) => println!("unexpected: a wrong password was accepted"),
        Err(e) => println!("wrong password refused: {}", ringbolt_example_chain(&e)),
    }

    cluster.shutdown().await;
    Ok(())
}

/// An error and its sources, joined by `: `.
fn ringbolt_example_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
