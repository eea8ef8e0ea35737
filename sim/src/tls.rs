//! TLS for the simulated nodes: a rustls server configuration from PEM text.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio_rustls::TlsAcceptor;

use crate::error::TlsError;

/// PEM material for the server side of TLS. `Debug` hides the private key.
#[derive(Clone)]
pub struct TlsSettings {
    /// The server certificate chain (PEM).
    pub cert_pem: String,
    /// The server private key (PEM).
    pub key_pem: String,
    /// When set, clients must present a certificate signed by this CA (PEM).
    pub client_ca_pem: Option<String>,
}

impl std::fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSettings")
            .field("cert_pem", &"<certificate>")
            .field("key_pem", &"<redacted>")
            .field("client_ca_pem", &self.client_ca_pem.is_some())
            .finish()
    }
}

fn certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    rustls_pemfile::certs(&mut pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(TlsError::Pem)
}

/// Builds the acceptor every node uses.
pub(crate) fn acceptor(settings: &TlsSettings) -> Result<TlsAcceptor, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = certs(&settings.cert_pem)?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut settings.key_pem.as_bytes())
        .map_err(TlsError::Pem)?
        .ok_or(TlsError::NoPrivateKey)?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Rustls)?;
    let builder = match &settings.client_ca_pem {
        Some(ca_pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in certs(ca_pem)? {
                roots.add(cert).map_err(TlsError::Rustls)?;
            }
            if roots.is_empty() {
                return Err(TlsError::NoCaCertificate);
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(TlsError::Verifier)?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let config = builder
        .with_single_cert(chain, key)
        .map_err(TlsError::Rustls)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
