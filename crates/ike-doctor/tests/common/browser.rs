//! A real headless Chromium (Debian's `chromium`) driven through the DevTools protocol over its
//! WebSocket, for the HTML report's tests: open a page at a phone's width, evaluate script in
//! it, record every network request it makes, take a screenshot. Only loopback is used (the
//! DevTools socket), and the flags keep Chromium's own background traffic off.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::WebSocket;

pub struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Events received while waiting for answers, oldest first.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

/// One tab, attached in flat mode: commands carry its session id.
pub struct Tab {
    session: String,
    target: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// Starts Chromium; the tests need it (scripts/install-deps.sh installs it), so its absence
    /// is a failure, not a skip.
    pub fn launch() -> Browser {
        let chromium = super::require_tool("chromium");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new(chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let stderr = child.stderr.take().expect("chromium stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut endpoint = None;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if let Some(url) = line.strip_prefix("DevTools listening on ") {
                endpoint = Some(url.trim().to_string());
                break;
            }
        }
        // Keep reading so Chromium never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let endpoint = endpoint.expect("chromium printed no DevTools address");
        let host = endpoint
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .expect("ws:// address")
            .to_string();
        let stream = TcpStream::connect(&host).expect("connect to DevTools");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let (socket, _) =
            tungstenite::client(endpoint.as_str(), stream).expect("DevTools handshake");
        Browser {
            child,
            socket,
            next_id: 1,
            events: Vec::new(),
            _profile: profile,
        }
    }

    /// Sends one command and returns its result (panics on a protocol error).
    pub fn call(&mut self, tab: Option<&Tab>, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(tab) = tab {
            message["sessionId"] = json!(tab.session);
        }
        self.socket
            .send(tungstenite::Message::text(message.to_string()))
            .expect("send to DevTools");
        loop {
            let reply = self.receive();
            if reply["id"] == json!(id) {
                if let Some(error) = reply.get("error") {
                    panic!("{method}: {error}");
                }
                return reply["result"].clone();
            }
            self.events.push(reply);
        }
    }

    fn receive(&mut self) -> Value {
        loop {
            match self.socket.read().expect("read from DevTools") {
                tungstenite::Message::Text(text) => {
                    return serde_json::from_str(text.as_str()).expect("DevTools JSON")
                }
                tungstenite::Message::Close(_) => panic!("DevTools closed the socket"),
                _ => continue,
            }
        }
    }

    /// Waits for an event of `method` on `tab` (those already received count).
    pub fn wait_event(&mut self, tab: &Tab, method: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self
                .events
                .iter()
                .position(|e| e["method"] == json!(method) && e["sessionId"] == json!(tab.session))
            {
                return self.events.remove(i);
            }
            assert!(Instant::now() < deadline, "no {method} within {timeout:?}");
            let event = self.receive();
            self.events.push(event);
        }
    }

    /// A new tab of `width` x `height` CSS pixels (a phone when `mobile`), with the network
    /// domain on so every request the page makes is recorded.
    pub fn tab(&mut self, width: u32, height: u32, mobile: bool) -> Tab {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let tab = Tab {
            session: attached["sessionId"]
                .as_str()
                .expect("session id")
                .to_string(),
            target: target["targetId"].as_str().expect("target id").to_string(),
        };
        self.call(Some(&tab), "Page.enable", json!({}));
        self.call(Some(&tab), "Network.enable", json!({}));
        self.call(
            Some(&tab),
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
        tab
    }

    /// Closes a tab made by [`Browser::tab`].
    pub fn close(&mut self, tab: Tab) {
        self.call(
            None,
            "Target.detachFromTarget",
            json!({"sessionId": tab.session}),
        );
        self.call(None, "Target.closeTarget", json!({"targetId": tab.target}));
    }

    /// Opens `file` in `tab` and waits until the page's script says it is ready; returns how
    /// long that took.
    pub fn open(&mut self, tab: &Tab, file: &Path) -> Duration {
        let url = file_url(file);
        self.events.clear();
        let started = Instant::now();
        self.call(Some(tab), "Page.navigate", json!({"url": url}));
        self.wait_event(tab, "Page.loadEventFired", Duration::from_secs(60));
        let deadline = Instant::now() + Duration::from_secs(60);
        // A page with SAs is ready when its script has drawn them; one without, when loaded.
        let ready = "document.readyState === 'complete' && (!document.getElementById('ike-data') || document.body.dataset.ready === '1')";
        while self.eval(tab, ready) != json!(true) {
            assert!(Instant::now() < deadline, "the page never became ready");
            std::thread::sleep(Duration::from_millis(10));
        }
        started.elapsed()
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its value.
    pub fn eval(&mut self, tab: &Tab, expression: &str) -> Value {
        let result = self.call(
            Some(tab),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = result.get("exceptionDetails") {
            panic!("script failed: {expression}: {e}");
        }
        result["result"]["value"].clone()
    }

    /// Every URL the tab requested since it was last opened (the page itself included).
    pub fn requests(&mut self, tab: &Tab) -> Vec<String> {
        // Collect what arrived meanwhile.
        self.call(Some(tab), "Runtime.evaluate", json!({"expression": "1"}));
        self.events
            .iter()
            .filter(|e| {
                e["method"] == json!("Network.requestWillBeSent")
                    && e["sessionId"] == json!(tab.session)
            })
            .map(|e| {
                e["params"]["request"]["url"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    /// The page printed to PDF (A4 portrait, backgrounds off as a printer would).
    pub fn pdf(&mut self, tab: &Tab) -> Vec<u8> {
        use base64::Engine as _;
        let printed = self.call(
            Some(tab),
            "Page.printToPDF",
            json!({"printBackground": false}),
        );
        base64::engine::general_purpose::STANDARD
            .decode(printed["data"].as_str().expect("pdf data"))
            .expect("base64")
    }

    /// Emulates the system's dark (or light) colour scheme.
    pub fn dark(&mut self, tab: &Tab, dark: bool) {
        self.call(
            Some(tab),
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": if dark { "dark" } else { "light" }}]}),
        );
    }

    /// A PNG of what the tab shows.
    pub fn screenshot(&mut self, tab: &Tab, full_page: bool) -> Vec<u8> {
        use base64::Engine as _;
        let shot = self.call(
            Some(tab),
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": full_page}),
        );
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64")
    }
}

pub fn file_url(file: &Path) -> String {
    let absolute = std::fs::canonicalize(file).expect("report path");
    format!("file://{}", absolute.display())
}

/// How many distinct colours a PNG has and the share of its pixels that differ from the most
/// common one (the background): a blank page has one colour and a share of zero.
pub fn png_variety(png: &[u8]) -> (usize, f64) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().expect("png header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("png size")];
    let info = reader.next_frame(&mut buffer).expect("png frame");
    let bytes = &buffer[..info.buffer_size()];
    let channels = info.color_type.samples();
    let mut counts = std::collections::HashMap::<&[u8], usize>::new();
    for pixel in bytes.chunks_exact(channels) {
        *counts.entry(pixel).or_default() += 1;
    }
    let total = bytes.len() / channels;
    let background = counts.values().copied().max().unwrap_or(0);
    (
        counts.len(),
        (total - background) as f64 / total.max(1) as f64,
    )
}
