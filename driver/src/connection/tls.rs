//! TLS with rustls: trusted CA certificates from PEM, an optional client certificate for mutual
//! TLS, and server-name verification (on by default).

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::error::TlsError;

/// How to secure connections with TLS.
///
/// ```
/// use ringbolt_driver::connection::TlsConfig;
/// let tls = TlsConfig::new()
///     .ca_pem("-----BEGIN CERTIFICATE-----\n...")
///     .server_name("cassandra.example.com");
/// assert!(tls.verifies_server());
/// ```
#[derive(Clone, Default)]
pub struct TlsConfig {
    ca_pem: Vec<String>,
    client_cert_pem: Option<String>,
    client_key_pem: Option<String>,
    server_name: Option<String>,
    skip_verification: bool,
}

impl TlsConfig {
    /// A configuration that trusts nothing yet: add CA certificates with [`TlsConfig::ca_pem`].
    pub fn new() -> Self {
        TlsConfig::default()
    }

    /// Trusts the CA certificate(s) in this PEM text (may be called several times).
    pub fn ca_pem(mut self, pem: impl Into<String>) -> Self {
        self.ca_pem.push(pem.into());
        self
    }

    /// Presents this client certificate chain and private key (both PEM) for mutual TLS.
    /// The key never appears in `Debug` output.
    pub fn client_cert(mut self, cert_pem: impl Into<String>, key_pem: impl Into<String>) -> Self {
        self.client_cert_pem = Some(cert_pem.into());
        self.client_key_pem = Some(key_pem.into());
        self
    }

    /// Verifies the node's certificate against this name instead of the contact point's host.
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// Turns certificate verification on (the default) or off. Off accepts any certificate and
    /// protects against eavesdropping only, not against impersonation: use it for tests.
    pub fn verify_server(mut self, verify: bool) -> Self {
        self.skip_verification = !verify;
        self
    }

    /// Whether the server's certificate is verified.
    pub fn verifies_server(&self) -> bool {
        !self.skip_verification
    }

    /// The name to verify for a node reached as `host`.
    pub(crate) fn server_name_for(&self, host: &str) -> Result<ServerName<'static>, TlsError> {
        let name = self.server_name.as_deref().unwrap_or(host);
        ServerName::try_from(name.to_owned()).map_err(|_| TlsError::InvalidServerName {
            name: name.to_owned(),
        })
    }

    /// Builds the rustls client configuration.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Config)?;
        let builder = if self.skip_verification {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate { provider }))
        } else {
            builder.with_root_certificates(self.root_store()?)
        };
        let config = match (&self.client_cert_pem, &self.client_key_pem) {
            (Some(cert), Some(key)) => {
                let chain = parse_certs(cert)
                    .map_err(|reason| TlsError::InvalidClientIdentity { reason })?;
                let key = parse_key(key)?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(TlsError::Config)?
            }
            _ => builder.with_no_client_auth(),
        };
        Ok(Arc::new(config))
    }

    fn root_store(&self) -> Result<RootCertStore, TlsError> {
        let mut roots = RootCertStore::empty();
        for pem in &self.ca_pem {
            for cert in parse_certs(pem).map_err(|reason| TlsError::InvalidCa { reason })? {
                roots.add(cert).map_err(|e| TlsError::InvalidCa {
                    reason: e.to_string(),
                })?;
            }
        }
        if roots.is_empty() {
            return Err(TlsError::InvalidCa {
                reason: "no CA certificate was given".into(),
            });
        }
        Ok(roots)
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("ca_certificates", &self.ca_pem.len())
            .field("client_certificate", &self.client_cert_pem.is_some())
            .field(
                "client_key",
                &self.client_key_pem.as_ref().map(|_| "<redacted>"),
            )
            .field("server_name", &self.server_name)
            .field("verify_server", &!self.skip_verification)
            .finish()
    }
}

fn parse_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = rustls_pemfile::certs(&mut pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    if certs.is_empty() {
        return Err("no CERTIFICATE block found".into());
    }
    Ok(certs)
}

fn parse_key(pem: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
    match rustls_pemfile::private_key(&mut pem.as_bytes()) {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(TlsError::InvalidClientIdentity {
            reason: "no PRIVATE KEY block found".into(),
        }),
        Err(e) => Err(TlsError::InvalidClientIdentity {
            reason: e.to_string(),
        }),
    }
}

/// The verifier used when verification is turned off: accepts any certificate but still checks
/// handshake signatures.
#[derive(Debug)]
struct AcceptAnyCertificate {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_inputs_are_typed_errors() {
        assert!(matches!(
            TlsConfig::new().client_config(),
            Err(TlsError::InvalidCa { .. })
        ));
        assert!(matches!(
            TlsConfig::new().ca_pem("not pem").client_config(),
            Err(TlsError::InvalidCa { .. })
        ));
        assert!(matches!(
            TlsConfig::new().server_name_for("bad name!"),
            Err(TlsError::InvalidServerName { .. })
        ));
        assert!(TlsConfig::new().server_name_for("127.0.0.1").is_ok());
        let unverified = TlsConfig::new().verify_server(false);
        assert!(unverified.client_config().is_ok());
    }

    #[test]
    fn debug_hides_the_key() {
        let tls = TlsConfig::new().client_cert("CERT", "SECRET-KEY");
        assert!(!format!("{tls:?}").contains("SECRET-KEY"));
    }
}
