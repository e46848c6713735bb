//! The thin runtime: two connected UDP sockets (one per responder port), the clock, and the
//! loop that feeds them to the sans-IO [`Probe`]. Every datagram goes to the one address the
//! host name resolved to; nothing else is ever sent.
use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use crate::exchange::Unreachable;
use crate::probe::{Port, Probe, ProbeConfig, ProbeResult};

/// Hard ceiling on one probe's run time, whatever the configuration says.
pub const MAX_RUN_TIME: Duration = Duration::from_secs(300);

/// Splits `HOST[:PORT]` (`[v6]:port` for IPv6 with a port) and resolves it to one address.
pub fn resolve(target: &str, default_port: u16) -> Result<(String, SocketAddr), String> {
    let (host, port) = if let Some(rest) = target.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("{target}: missing ']'"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| format!("{target}: bad port"))?,
            None if after.is_empty() => default_port,
            None => return Err(format!("{target}: unexpected text after ']'")),
        };
        (host.to_string(), port)
    } else if target.matches(':').count() == 1 {
        let (host, port) = target.split_once(':').unwrap_or((target, ""));
        let port = port.parse().map_err(|_| format!("{target}: bad port"))?;
        (host.to_string(), port)
    } else {
        (target.to_string(), default_port)
    };
    if host.is_empty() {
        return Err("empty host".into());
    }
    let addr = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| format!("{host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host}: no address"))?;
    Ok((host, addr))
}

fn connect(remote: SocketAddr) -> io::Result<UdpSocket> {
    let bind: SocketAddr = if remote.is_ipv4() {
        "0.0.0.0:0"
            .parse()
            .map_err(|_| io::Error::other("bind address"))?
    } else {
        "[::]:0"
            .parse()
            .map_err(|_| io::Error::other("bind address"))?
    };
    let socket = UdpSocket::bind(bind)?;
    socket.connect(remote)?;
    Ok(socket)
}

/// ICMP errors as a connected UDP socket reports them (Linux errno values).
fn unreachable(e: &io::Error) -> Option<Unreachable> {
    if e.kind() == io::ErrorKind::ConnectionRefused {
        return Some(Unreachable::Port);
    }
    match e.raw_os_error() {
        Some(113) => Some(Unreachable::Host),
        Some(101) => Some(Unreachable::Network),
        Some(111) => Some(Unreachable::Port),
        _ => None,
    }
}

/// Runs the probe to the end.
pub fn run(config: ProbeConfig) -> Result<ProbeResult, String> {
    let ike = connect(config.ike).map_err(|e| format!("UDP socket to {}: {e}", config.ike))?;
    let nat_t =
        connect(config.nat_t).map_err(|e| format!("UDP socket to {}: {e}", config.nat_t))?;
    let local_ike = ike.local_addr().map_err(|e| e.to_string())?;
    let local_nat_t = nat_t.local_addr().map_err(|e| e.to_string())?;
    let mut probe = Probe::new(config, local_ike, local_nat_t);
    let socket = |port: Port| match port {
        Port::Ike => &ike,
        Port::NatT => &nat_t,
    };
    let started = Instant::now();
    let mut buf = vec![0u8; 65536];
    while !probe.is_finished() && started.elapsed() < MAX_RUN_TIME {
        let now = Instant::now();
        while let Some(t) = probe.poll_transmit(now) {
            if let Err(e) = socket(t.port).send(&t.datagram) {
                match unreachable(&e) {
                    Some(kind) => probe.handle_unreachable(t.port, kind, Instant::now()),
                    None => return Err(format!("send: {e}")),
                }
            }
        }
        if probe.is_finished() {
            break;
        }
        let now = Instant::now();
        let wait = probe
            .poll_timeout()
            .map(|d| d.saturating_duration_since(now))
            .unwrap_or(Duration::from_millis(50))
            .max(Duration::from_millis(1));
        match probe.current_port() {
            Some(port) => {
                let s = socket(port);
                s.set_read_timeout(Some(wait)).map_err(|e| e.to_string())?;
                match s.recv(&mut buf) {
                    Ok(n) => probe.handle_datagram(
                        port,
                        buf.get(..n).unwrap_or_default(),
                        Instant::now(),
                    ),
                    Err(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                        ) =>
                    {
                        probe.handle_timeout(Instant::now())
                    }
                    Err(e) => match unreachable(&e) {
                        Some(kind) => probe.handle_unreachable(port, kind, Instant::now()),
                        None => return Err(format!("receive: {e}")),
                    },
                }
            }
            None => std::thread::sleep(wait),
        }
    }
    Ok(probe.into_result(Instant::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_syntax() {
        let (h, a) = resolve("127.0.0.1", 500).unwrap();
        assert_eq!((h.as_str(), a.port()), ("127.0.0.1", 500));
        let (_, a) = resolve("127.0.0.1:4501", 500).unwrap();
        assert_eq!(a.port(), 4501);
        let (h, a) = resolve("[::1]:600", 500).unwrap();
        assert_eq!((h.as_str(), a.port()), ("::1", 600));
        let (_, a) = resolve("::1", 500).unwrap();
        assert_eq!(a.port(), 500);
        assert!(resolve("127.0.0.1:x", 500).is_err());
        assert!(resolve("[::1", 500).is_err());
        assert!(resolve(":500", 500).is_err());
    }
}
