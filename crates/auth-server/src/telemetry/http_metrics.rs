//! The request counter and latency histogram (`http_requests_total`,
//! `http_request_duration_seconds`, by route pattern, method and status), kept per worker
//! thread and summed when `/metrics` is scraped.
//!
//! Through the `metrics` recorder every request incremented one counter and pushed its
//! latency into one sample queue that all worker threads share: read-modify-write
//! instructions on cache lines the other core had just written, and every sample kept
//! until the next upkeep folded it into buckets (figures in docs/performance.md). Here
//! each thread adds to cells only it writes (a load and a store, no locked instruction)
//! and a scrape adds the threads' cells up. The text is written with the exporter's own
//! formatting functions, and a test records the same requests both ways and compares.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use metrics_exporter_prometheus::formatting::{sanitize_label_value, write_help_line, write_metric_line, write_type_line};

use crate::telemetry::metrics::{HTTP_DURATION, HTTP_REQUESTS, LATENCY_BUCKETS};

/// `# HELP` of [`HTTP_REQUESTS`].
pub const REQUESTS_HELP: &str = "HTTP requests answered, by route pattern, method and status";
/// `# HELP` of [`HTTP_DURATION`].
pub const DURATION_HELP: &str = "HTTP request latency";

const BUCKETS: usize = LATENCY_BUCKETS.len();

/// One series' requests on one thread: only that thread writes them.
#[derive(Debug, Default)]
struct Cells {
    /// Requests per latency bucket (not cumulative); the last for those over every bound.
    buckets: [AtomicU64; BUCKETS + 1],
    /// The latencies' sum in seconds, as `f64` bits.
    sum: AtomicU64,
}

impl Cells {
    fn record(&self, seconds: f64) {
        let bucket = LATENCY_BUCKETS.iter().position(|&bound| seconds <= bound).unwrap_or(BUCKETS);
        // The owning thread is the only writer: no read-modify-write is needed, and the
        // scrape reads whole values either way.
        let cell = &self.buckets[bucket];
        cell.store(cell.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        let sum = f64::from_bits(self.sum.load(Ordering::Relaxed)) + seconds;
        self.sum.store(sum.to_bits(), Ordering::Relaxed);
    }
}

/// A series: route pattern, method and status.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Series {
    path: Box<str>,
    method: &'static str,
    status: u16,
}

/// Every thread's cells, in the order they were first used; read by the scrape.
static ALL: Mutex<Vec<(Series, Arc<Cells>)>> = Mutex::new(Vec::new());

type ByPath = HashMap<Box<str>, Vec<(&'static str, u16, Arc<Cells>)>, foldhash::fast::RandomState>;

thread_local! {
    /// This thread's cells by path, then method and status. Bounded: routes × methods ×
    /// statuses (unmatched paths share one label).
    static MINE: RefCell<ByPath> = RefCell::default();
}

/// Counts one request of `path` (the route pattern), `method` and `status`, answered in
/// `seconds`.
pub fn record(path: &str, method: &'static str, status: u16, seconds: f64) {
    // Fails only while the thread shuts down; that request is then not counted.
    let _ = MINE.try_with(|mine| {
        let mut mine = mine.borrow_mut();
        let per_path = match mine.get_mut(path) {
            Some(per_path) => per_path,
            None => mine.entry(path.into()).or_default(),
        };
        match per_path.iter().find(|(m, s, _)| *m == method && *s == status) {
            Some((_, _, cells)) => cells.record(seconds),
            None => {
                let cells = Arc::new(Cells::default());
                cells.record(seconds);
                let series = Series {
                    path: path.into(),
                    method,
                    status,
                };
                ALL.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((series, Arc::clone(&cells)));
                per_path.push((method, status, cells));
            }
        }
    });
}

/// Both families in the Prometheus text format, as the exporter writes its own.
pub fn render(output: &mut String) {
    let mut totals: Vec<(Series, [u64; BUCKETS + 1], f64)> = Vec::new();
    for (series, cells) in ALL.lock().unwrap_or_else(PoisonError::into_inner).iter() {
        let index = match totals.iter().position(|(s, _, _)| s == series) {
            Some(index) => index,
            None => {
                totals.push((series.clone(), [0; BUCKETS + 1], 0.0));
                totals.len() - 1
            }
        };
        let (_, buckets, sum) = &mut totals[index];
        for (total, cell) in buckets.iter_mut().zip(&cells.buckets) {
            *total += cell.load(Ordering::Relaxed);
        }
        *sum += f64::from_bits(cells.sum.load(Ordering::Relaxed));
    }
    if totals.is_empty() {
        return;
    }
    totals.sort_by(|a, b| a.0.cmp(&b.0));
    let labels: Vec<Vec<String>> = totals.iter().map(|(series, _, _)| labels(series)).collect();

    write_help_line(output, HTTP_REQUESTS, REQUESTS_HELP);
    write_type_line(output, HTTP_REQUESTS, "counter");
    for ((_, buckets, _), labels) in totals.iter().zip(&labels) {
        write_metric_line::<&str, u64>(output, HTTP_REQUESTS, None, labels, None, buckets.iter().sum(), None);
    }
    output.push('\n');

    write_help_line(output, HTTP_DURATION, DURATION_HELP);
    write_type_line(output, HTTP_DURATION, "histogram");
    for ((_, buckets, sum), labels) in totals.iter().zip(&labels) {
        let mut cumulative = 0;
        for (bound, count) in LATENCY_BUCKETS.iter().zip(buckets) {
            cumulative += count;
            write_metric_line(output, HTTP_DURATION, Some("bucket"), labels, Some(("le", bound)), cumulative, None);
        }
        let count: u64 = buckets.iter().sum();
        write_metric_line(output, HTTP_DURATION, Some("bucket"), labels, Some(("le", "+Inf")), count, None);
        write_metric_line::<&str, f64>(output, HTTP_DURATION, Some("sum"), labels, None, *sum, None);
        write_metric_line::<&str, u64>(output, HTTP_DURATION, Some("count"), labels, None, count, None);
    }
    output.push('\n');
}

/// A series' labels as the exporter writes them, in the order it was given them.
fn labels(series: &Series) -> Vec<String> {
    vec![
        format!("method=\"{}\"", series.method),
        format!("path=\"{}\"", sanitize_label_value(&series.path)),
        format!("status=\"{}\"", series.status),
    ]
}

#[cfg(test)]
mod tests {
    use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

    use super::*;

    /// The lines of the family `name` (its HELP and TYPE lines included).
    fn family<'t>(text: &'t str, name: &str) -> Vec<&'t str> {
        let mut lines: Vec<&str> = text
            .lines()
            .filter(|line| {
                let line = line
                    .strip_prefix("# HELP ")
                    .or_else(|| line.strip_prefix("# TYPE "))
                    .unwrap_or(line);
                line.strip_prefix(name).is_some_and(|rest| {
                    rest.starts_with([' ', '{']) || rest.starts_with("_bucket") || rest.starts_with("_sum") || rest.starts_with("_count")
                })
            })
            .collect();
        lines.sort_unstable();
        lines
    }

    #[test]
    fn writes_what_the_exporter_writes_for_the_same_requests() {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_string()), LATENCY_BUCKETS)
            .unwrap()
            .build_recorder();
        let handle = recorder.handle();
        // Paths no other test records, so the process-wide cells hold only these.
        let requests = [
            ("/test/http-metrics/a", "GET", 200, 0.0004),
            ("/test/http-metrics/a", "GET", 200, 0.003),
            ("/test/http-metrics/a", "GET", 200, 0.001),
            ("/test/http-metrics/a", "POST", 401, 0.02),
            ("/test/http-metrics/{id}\"quoted\\", "DELETE", 500, 12.5),
            ("/test/http-metrics/a", "GET", 200, 0.75),
        ];
        metrics::with_local_recorder(&recorder, || {
            metrics::describe_counter!(HTTP_REQUESTS, REQUESTS_HELP);
            metrics::describe_histogram!(HTTP_DURATION, DURATION_HELP);
            for (path, method, status, seconds) in requests {
                let labels = [
                    ("method", method.to_string()),
                    ("path", path.to_string()),
                    ("status", status.to_string()),
                ];
                metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
                metrics::histogram!(HTTP_DURATION, &labels).record(seconds);
            }
        });
        // Recorded from two threads, as two workers would.
        let (first, second) = requests.split_at(3);
        std::thread::scope(|scope| {
            for half in [first, second] {
                scope.spawn(move || {
                    for (path, method, status, seconds) in half {
                        record(path, method, *status, *seconds);
                    }
                });
            }
        });
        handle.run_upkeep();
        let expected = handle.render();
        let mut ours = String::new();
        render(&mut ours);
        let ours: String = ours
            .lines()
            .filter(|l| !l.contains("path=") || l.contains("/test/http-metrics/"))
            .map(|l| format!("{l}\n"))
            .collect();
        for name in [HTTP_REQUESTS, HTTP_DURATION] {
            let (ours, expected) = (family(&ours, name), family(&expected, name));
            assert_eq!(
                ours.len(),
                if name == HTTP_REQUESTS { 5 } else { 2 + 3 * (BUCKETS + 3) },
                "{ours:#?}"
            );
            assert_eq!(ours, expected);
        }
        assert!(
            ours.contains(r#"http_requests_total{method="GET",path="/test/http-metrics/a",status="200"} 4"#),
            "{ours}"
        );
        assert!(ours.contains(r#"path="/test/http-metrics/{id}\"quoted\\""#), "{ours}");
    }
}
