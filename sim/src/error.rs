//! Errors of starting and controlling a simulated cluster.

use std::net::SocketAddr;

/// A simulated cluster could not be started or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A node could not listen on its address; on Linux every 127.x.y.z works, elsewhere add
    /// loopback aliases or use fewer nodes.
    #[error("node {index} could not listen on {address}")]
    Bind {
        /// The node.
        index: usize,
        /// The address it tried.
        address: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The builder was asked for a cluster without nodes; add `.nodes(n)` or `.datacenter(..)`.
    #[error("a cluster needs at least one node")]
    NoNodes,
    /// The base address plus the node index leaves the address space; pick a lower base address.
    #[error("node {index} has no address: the base address plus {index} overflows")]
    AddressOverflow {
        /// The node.
        index: usize,
    },
    /// A vnode count of zero (or above 1024) was asked for.
    #[error("vnodes per node must be between 1 and 1024, got {0}")]
    InvalidVnodes(usize),
    /// No node with this index exists.
    #[error("no node with index {0}")]
    NoSuchNode(usize),
    /// `add_node` named a datacenter the cluster does not have.
    #[error("no datacenter named {0:?} in this cluster")]
    UnknownDatacenter(String),
    /// The TLS certificate, key or CA could not be used.
    #[error("invalid TLS configuration")]
    Tls(#[from] TlsError),
}

/// Why the TLS material was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// The certificate PEM holds no certificate.
    #[error("no certificate found in the certificate PEM")]
    NoCertificate,
    /// The key PEM holds no private key (PKCS#8, PKCS#1 or SEC1).
    #[error("no private key found in the key PEM")]
    NoPrivateKey,
    /// The CA PEM holds no usable certificate.
    #[error("no CA certificate found in the CA PEM")]
    NoCaCertificate,
    /// A PEM could not be read.
    #[error("could not read PEM data")]
    Pem(#[source] std::io::Error),
    /// rustls refused the configuration (for example a key that does not match the certificate).
    #[error("rustls refused the configuration")]
    Rustls(#[source] rustls::Error),
    /// The client-certificate verifier could not be built from the CA.
    #[error("could not build the client certificate verifier")]
    Verifier(#[source] rustls::server::VerifierBuilderError),
}
