//! A small client of the Chrome DevTools protocol: Debian's headless Chromium started with a
//! debugging port on loopback, one page target driven over the browser's websocket
//! (`tungstenite`), nothing downloaded. Enough for the dashboard's end-to-end test: open a URL,
//! run JavaScript in the page and read the result, set the viewport, take a screenshot.
//!
//! Every read from the browser has a timeout; a browser that stops answering fails the test.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// A running headless Chromium with one page.
pub struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts `chromium` (headless, own profile) and opens a blank page of `width`×`height`.
    pub fn start(chromium: &Path, width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--window-size={width},{height}"))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr.
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium's DevTools address");
        let addr = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let stream = TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("websocket to chromium");
        let mut b = Browser {
            child,
            ws,
            session: String::new(),
            next_id: 1,
            _profile: profile,
        };
        let target = b.call(
            "Target.createTarget",
            json!({ "url": "about:blank" }),
            false,
        );
        let target = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
            false,
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.page("Page.enable", json!({}));
        b.page("Runtime.enable", json!({}));
        b.viewport(width, height);
        b
    }

    /// Sends a command (to the page's session if `page`) and returns its result; events that
    /// arrive meanwhile are skipped. Panics if the browser reports an error.
    fn call(&mut self, method: &str, params: Value, page: bool) -> Value {
        self.try_call(method, params, page)
            .unwrap_or_else(|e| panic!("chromium: {method}: {e}"))
    }

    /// [`Self::call`], the browser's error as `Err` (e.g. while a page is being replaced).
    fn try_call(&mut self, method: &str, params: Value, page: bool) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if page {
            msg["sessionId"] = json!(self.session);
        }
        self.ws.send(Message::text(msg.to_string())).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let m = match self.ws.read() {
                Ok(Message::Text(t)) => t,
                Ok(_) => continue,
                Err(e) => panic!("chromium: {method}: {e}"),
            };
            let v: Value = serde_json::from_str(m.as_str()).unwrap();
            if v["id"] == json!(id) {
                if let Some(err) = v.get("error") {
                    return Err(err.to_string());
                }
                return Ok(v["result"].clone());
            }
        }
        panic!("chromium: no answer to {method}");
    }

    /// A command to the page.
    pub fn page(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params, true)
    }

    /// The viewport (CSS pixels, scale 1; narrower than 600 px counts as a phone).
    pub fn viewport(&mut self, width: u32, height: u32) {
        self.page(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
    }

    /// Runs `expression` in the page (promises awaited) and returns its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        self.try_eval(expression)
            .unwrap_or_else(|e| panic!("page script failed: {expression}: {e}"))
    }

    /// [`Self::eval`], a failure (script error, page being replaced) as `Err`.
    pub fn try_eval(&mut self, expression: &str) -> Result<Value, String> {
        let params =
            json!({ "expression": expression, "awaitPromise": true, "returnByValue": true });
        let r = self.try_call("Runtime.evaluate", params, true)?;
        if let Some(e) = r.get("exceptionDetails") {
            return Err(e.to_string());
        }
        Ok(r["result"]["value"].clone())
    }

    /// Waits until `expression` is true in the page (checked every 200 ms), or panics with
    /// `what` after `timeout`.
    pub fn wait_for(&mut self, what: &str, timeout: Duration, expression: &str) {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.try_eval(&format!("!!({expression})")) == Ok(json!(true)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let html = self.try_eval("document.documentElement.outerHTML.slice(0, 6000)");
        panic!("timed out waiting for {what}; page: {html:?}");
    }

    /// Opens `url` and waits for the document to be loaded.
    pub fn open(&mut self, url: &str) {
        self.page("Page.navigate", json!({ "url": url }));
        self.wait_loaded(url);
    }

    /// Clicks the element `selector` (a submit button sends its form, with its own name and
    /// value) and waits for the next page whose address starts with `next`.
    pub fn click_to(&mut self, selector: &str, next: &str) {
        // A mark on the current document: the next page has none.
        self.eval("window.__cetak_old_page = true");
        self.eval(&format!(
            "document.querySelector({}).click()",
            json!(selector)
        ));
        let expr = format!(
            "!window.__cetak_old_page && document.readyState === 'complete' && location.href.startsWith({})",
            json!(next)
        );
        self.wait_for(
            &format!("{next} after clicking {selector}"),
            Duration::from_secs(30),
            &expr,
        );
    }

    /// Sets the value of the form field `selector`.
    pub fn fill(&mut self, selector: &str, value: &str) {
        let ok = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; e.value = {}; return true; }})()",
            json!(selector),
            json!(value)
        ));
        assert_eq!(ok, json!(true), "no field {selector}");
    }

    /// Waits for a loaded document whose address starts with `prefix`.
    pub fn wait_loaded(&mut self, prefix: &str) {
        let expr = format!(
            "document.readyState === 'complete' && location.href.startsWith({})",
            json!(prefix)
        );
        self.wait_for(&format!("page {prefix}"), Duration::from_secs(30), &expr);
    }

    /// A PNG of the viewport into `out`.
    pub fn screenshot(&mut self, out: &Path) {
        let r = self.page("Page.captureScreenshot", json!({ "format": "png" }));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap();
        std::fs::write(out, bytes).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
