//! `GET /events`: live updates as server-sent events. Once a second the page's `<main>` is
//! rendered again; when it differs from what this client last got, it is sent as one `main`
//! event (the HTML fragment as its data), which the page's script puts in place. The first event
//! goes out at once. Streams end when the daemon stops (so a graceful shutdown does not wait for
//! open browser tabs).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};

use super::pages::{snapshot, Reader, Viewer};
use super::text::Lang;
use super::DashboardState;

/// How often a client's view is compared.
pub const PERIOD: Duration = Duration::from_secs(1);

struct Client {
    state: DashboardState,
    lang: Lang,
    /// The signed-in viewer (the actions are forms).
    viewer: Option<Viewer>,
    last: Option<String>,
}

/// The next changed fragment, or `None` once the daemon stops.
async fn next(mut c: Client) -> Option<(Result<Event, Infallible>, Client)> {
    let mut stop = c.state.stop.clone();
    loop {
        if *stop.borrow() {
            return None;
        }
        if c.last.is_some() {
            tokio::select! {
                _ = tokio::time::sleep(PERIOD) => {}
                r = stop.changed() => if r.is_err() || *stop.borrow() { return None },
            }
        }
        let html = match snapshot(&c.state).await {
            Ok(s) => super::sections::main(&s, c.lang, c.viewer.as_ref()),
            Err(e) => {
                tracing::warn!(error = %e, "dashboard events: snapshot");
                c.last.get_or_insert_with(String::new);
                continue;
            }
        };
        if c.last.as_deref() != Some(html.as_str()) {
            let ev = Event::default().event("main").data(&html);
            c.last = Some(html);
            return Some((Ok(ev), c));
        }
    }
}

/// `GET /events`.
pub async fn events(State(state): State<DashboardState>, reader: Reader) -> Response {
    let client = Client {
        state,
        lang: reader.lang,
        viewer: reader.viewer,
        last: None,
    };
    Sse::new(futures_util::stream::unfold(client, next))
        .keep_alive(KeepAlive::default())
        .into_response()
}
