//! Logging and metrics: the tracing subscriber and the Prometheus recorder with every
//! metric name. A leaf: it serves every layer and imports none of them.

pub mod http_metrics;
pub mod logging;
pub mod metrics;
pub mod plain_fields;
pub mod request_span;
