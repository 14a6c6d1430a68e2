//! The link to the central server (issue 5): the wire types of the protocol
//! (`docs/protocol/openapi.yaml`), the HTTP client, the lease puller, outbox delivery and the
//! station's push endpoint.

pub mod wire;
